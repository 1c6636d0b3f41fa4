package dev.assetgrid.bench.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a running workload and the live progress line (one line, rewritten every second). */
public final class Progress {
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong pollErrors = new AtomicLong();
  private final PrintStream out;
  private final String label;
  private volatile long startMs;
  private final boolean tty = System.console() != null;
  private Thread ticker;

  /**
   * While a preloaded queue drains: how many of its jobs ended so far (asked of the grid), else
   * null.
   */
  private volatile java.util.function.LongSupplier drain;

  private volatile long drained = -1;
  private volatile long drainAskedMs;

  /** How often the drain count is asked for: counting jobs costs the grid tens of milliseconds. */
  static final long DRAIN_ASK_MS = 5000;

  /**
   * @param out where the line goes; null = silent
   */
  public Progress(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  void start(long startMs) {
    this.startMs = startMs;
    if (out == null) {
      return;
    }
    ticker =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  // a terminal gets one line rewritten every second; a log file a new line every 5
                  // s
                  Thread.sleep(tty ? 1000 : 5000);
                  askDrain(System.currentTimeMillis());
                  out.print(
                      (tty ? "\r" : "") + line(System.currentTimeMillis()) + (tty ? "   " : "\n"));
                  out.flush();
                }
              } catch (InterruptedException e) {
                // stopped
              }
            },
            "bench-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  void stop() {
    if (ticker != null) {
      ticker.interrupt();
      try {
        ticker.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println((tty ? "\r" : "") + line(System.currentTimeMillis()) + (tty ? "   " : ""));
    }
  }

  /** The progress line at time {@code now}. */
  public String line(long now) {
    double s = Math.max(0.001, (now - startMs) / 1000.0);
    long done = succeeded.get() + failed.get();
    if (drain != null) {
      return String.format(
          Locale.ROOT,
          "[%s %6.1fs] accepted %d/%d  draining: %s ended",
          label,
          s,
          accepted.get(),
          submitted.get(),
          drained < 0 ? "?" : Long.toString(drained));
    }
    return String.format(
        Locale.ROOT,
        "[%s %6.1fs] accepted %d/%d  done %d (failed %d)  in flight %d  %.1f assets/s  %.2f MB/s",
        label,
        s,
        accepted.get(),
        submitted.get(),
        done,
        failed.get(),
        Math.max(0, accepted.get() - done),
        succeeded.get() / s,
        bytesDone.get() / s / 1e6);
  }

  /**
   * While a preloaded queue drains nothing is followed yet, so the line shows what {@code ended}
   * says (jobs ended since the drain began, -1 when unknown), asked at most every {@link
   * #DRAIN_ASK_MS}; null goes back to the followed counts.
   */
  void draining(java.util.function.LongSupplier ended) {
    drain = ended;
    drained = -1;
    drainAskedMs = Long.MIN_VALUE / 2; // the first tick asks
  }

  void askDrain(long now) {
    java.util.function.LongSupplier d = drain;
    if (d != null && now - drainAskedMs >= DRAIN_ASK_MS) {
      drainAskedMs = now;
      drained = d.getAsLong();
    }
  }

  /** Jobs asked for (one upload, or the entries of one bulk request). */
  void submitted(long jobs) {
    submitted.addAndGet(jobs);
  }

  /** Jobs the grid accepted. */
  void accepted(long jobs) {
    accepted.addAndGet(jobs);
  }

  void pollError() {
    pollErrors.incrementAndGet();
  }

  void finished(JobSample s) {
    if (s.succeeded()) {
      succeeded.incrementAndGet();
      bytesDone.addAndGet(s.bytes());
    } else {
      failed.incrementAndGet();
    }
  }

  public long pollErrors() {
    return pollErrors.get();
  }
}
