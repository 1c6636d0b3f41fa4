package dev.assetgrid.coordinator.schedule.duty;

import java.util.function.LongSupplier;

/**
 * Paces reads to a byte rate: each {@link #take} of bytes already read says how long the reader
 * should wait before reading more, so that everything taken since the pacer was made spreads over
 * at least {@code bytes / rate}. Idle time earns no credit (a reader that was slow for a while does
 * not then burst). Shared by every read of one scrubber, so two passes at once share the rate.
 */
final class ReadPacer {
  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private long due;
  private boolean started;

  /**
   * @param bytesPerSecond the rate, {@code > 0}
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  ReadPacer(long bytesPerSecond, LongSupplier nanoTime) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
  }

  long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Takes {@code bytes} just read; the wait in nanoseconds ({@code >= 0}) before the next read. */
  synchronized long take(long bytes) {
    long now = nanoTime.getAsLong();
    long from = started ? Math.max(due, now) : now;
    started = true;
    due = from + (long) (bytes * 1e9 / bytesPerSecond);
    return Math.max(0, due - now);
  }
}
