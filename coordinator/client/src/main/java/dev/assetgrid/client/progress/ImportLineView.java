package dev.assetgrid.client.progress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.PrintWriter;

/** {@link ImportView} for a pipe or a log: a line once the source is listed, one at the end. */
final class ImportLineView implements ImportView {
  private final PrintWriter out;
  private final String importId;
  private boolean listed;

  ImportLineView(PrintWriter out, String importId) {
    this.out = out;
    this.importId = importId;
  }

  @Override
  public void update(JsonNode view) {
    if (!listed && !"listing".equals(Json.text(view, "state"))) {
      listed = true;
      out.println(
          "import "
              + importId
              + "  listed: "
              + view.path("counts").path("found").asLong()
              + " found");
      out.flush();
    }
  }

  @Override
  public void finished(JsonNode view) {
    out.println(ImportView.line(importId, view));
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
