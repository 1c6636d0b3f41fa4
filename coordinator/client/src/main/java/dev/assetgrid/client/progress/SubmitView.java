package dev.assetgrid.client.progress;

import java.io.PrintWriter;

/**
 * What {@code submit} shows while it works: bars on a terminal ({@link BarView}), one plain line
 * per finished file otherwise ({@link LineView}), so logs and pipes get whole lines and no control
 * characters.
 */
public interface SubmitView extends AutoCloseable {
  /** The view for {@code out}: bars when it is a terminal. */
  static SubmitView open(PrintWriter out, boolean terminal, int files) {
    return terminal ? new BarView(out, files) : new LineView(out);
  }

  /** A file about to be uploaded, of {@code bytes} bytes. */
  Item add(String label, long bytes);

  /** Ends the view (bars stop redrawing). */
  @Override
  void close();

  /** One file's way through upload and job. */
  interface Item {
    /** The bytes the server holds so far. */
    void sent(long bytes);

    /**
     * The server took the file.
     *
     * @param following whether its job is followed next (else this is the file's last line)
     */
    void accepted(String assetId, String jobId, boolean following);

    /** Its job's progress, 0..1. */
    void progress(double fraction);

    /** Its job ended in {@code state}. */
    void finished(String state);

    /** The file was not taken, or its job could not be followed, for {@code reason}. */
    void failed(String reason);
  }

  /** The line a finished file ends with, the same in both views. */
  static String line(String label, String assetId, String jobId, String state) {
    return label + "  asset " + assetId + "  job " + jobId + "  " + state;
  }
}
