package dev.assetgrid.client.progress;

import dev.assetgrid.client.commands.Show;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@link SubmitView} on a terminal: one bar per file (its upload in per mille of its bytes, then
 * its job's progress) and a total bar counting finished files, drawn by the progressbar library.
 */
final class BarView implements SubmitView {
  private static final int SCALE = 1000;

  private final PrintStream stream;
  private final ProgressBar total;
  private final List<ProgressBar> bars = new ArrayList<>();

  BarView(PrintWriter out, int files) {
    this.stream = stream(out);
    this.total = bar("total", files).build();
    this.total.setExtraMessage("files done");
  }

  private ProgressBarBuilder bar(String name, long max) {
    return new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setUpdateIntervalMillis(200)
        .setConsumer(new InteractiveConsoleProgressBarConsumer(stream))
        .hideEta();
  }

  @Override
  public synchronized Item add(String label, long bytes) {
    ProgressBar b = bar(shorten(label), SCALE).build();
    b.setExtraMessage("uploading " + Show.bytes(bytes));
    bars.add(b);
    return new Item() {
      private String assetId;
      private String jobId;

      @Override
      public void sent(long n) {
        b.stepTo(bytes == 0 ? SCALE : Math.min(SCALE, n * SCALE / bytes));
      }

      @Override
      public void accepted(String asset, String job, boolean following) {
        assetId = asset;
        jobId = job;
        if (following) {
          b.reset();
          b.setExtraMessage("job " + job);
        } else {
          done(SubmitView.line(label, asset, job, "queued"));
        }
      }

      @Override
      public void progress(double fraction) {
        b.stepTo(Math.round(fraction * SCALE));
      }

      @Override
      public void finished(String state) {
        done(SubmitView.line("", assetId, jobId, state).strip());
      }

      @Override
      public void failed(String reason) {
        done("failed: " + reason);
      }

      private void done(String message) {
        b.setExtraMessage(message);
        b.stepTo(SCALE);
        total.step();
      }
    };
  }

  private static String shorten(String label) {
    return label.length() <= 32 ? label : "…" + label.substring(label.length() - 31);
  }

  @Override
  public synchronized void close() {
    bars.forEach(ProgressBar::close);
    total.close();
    stream.flush();
  }

  /** The command's writer as the stream the library draws on. */
  static PrintStream stream(PrintWriter out) {
    return new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
  }

  private static final class WriterStream extends OutputStream {
    private final PrintWriter out;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter out) {
      this.out = out;
    }

    @Override
    public synchronized void write(int b) {
      pending.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      pending.write(b, off, len);
    }

    @Override
    public synchronized void flush() throws IOException {
      out.print(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
      out.flush();
    }
  }
}
