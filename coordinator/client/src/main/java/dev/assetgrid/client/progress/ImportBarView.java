package dev.assetgrid.client.progress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.PrintWriter;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@link ImportView} on a terminal: one bar of the items done of those found (its length is set
 * once the source is listed), its message the counts so far and then how the jobs stand.
 */
final class ImportBarView implements ImportView {
  private final PrintWriter out;
  private final String importId;
  private final java.io.PrintStream stream;
  private final ProgressBar bar;
  private boolean closed;

  ImportBarView(PrintWriter out, String importId) {
    this.out = out;
    this.importId = importId;
    this.stream = BarView.stream(out);
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("import")
            .setInitialMax(0)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
            .setUpdateIntervalMillis(200)
            .setConsumer(new InteractiveConsoleProgressBarConsumer(stream))
            .hideEta()
            .build();
    bar.setExtraMessage("listing the source");
  }

  @Override
  public void update(JsonNode view) {
    JsonNode counts = view.path("counts");
    if ("listing".equals(Json.text(view, "state"))) {
      return;
    }
    bar.maxHint(counts.path("found").asLong());
    bar.stepTo(ImportView.done(counts));
    bar.setExtraMessage(ImportView.summary(counts));
  }

  @Override
  public void finished(JsonNode view) {
    update(view);
    close();
    out.println(ImportView.line(importId, view));
    out.flush();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      bar.close();
      stream.flush();
    }
    out.flush();
  }
}
