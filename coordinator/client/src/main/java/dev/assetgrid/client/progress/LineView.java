package dev.assetgrid.client.progress;

import java.io.PrintWriter;

/** {@link SubmitView} for a pipe or a log: one line per file, when it is done with. */
final class LineView implements SubmitView {
  private final PrintWriter out;

  LineView(PrintWriter out) {
    this.out = out;
  }

  @Override
  public Item add(String label, long bytes) {
    return new Item() {
      private String assetId;
      private String jobId;

      @Override
      public void sent(long n) {}

      @Override
      public void accepted(String asset, String job, boolean following) {
        assetId = asset;
        jobId = job;
        if (!following) {
          print(SubmitView.line(label, asset, job, "queued"));
        }
      }

      @Override
      public void progress(double fraction) {}

      @Override
      public void finished(String state) {
        print(SubmitView.line(label, assetId, jobId, state));
      }

      @Override
      public void failed(String reason) {
        print(label + "  failed: " + reason);
      }
    };
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
