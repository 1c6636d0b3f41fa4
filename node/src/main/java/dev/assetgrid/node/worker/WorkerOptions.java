package dev.assetgrid.node.worker;

import java.nio.file.Path;

/**
 * How a worker (a node process, or the coordinator's in-process slots) runs tasks.
 *
 * @param slots tasks run at once (≥ 1); default one per core
 * @param workDir where inputs and outputs of running tasks are kept (one subdirectory per attempt)
 * @param leaseWaitMs how long a lease request may wait at the coordinator when nothing is queued
 * @param drainTimeoutMs on shutdown, how long running tasks may take before their leases are
 *     released
 * @param announceMs how often the node announces itself on {@code assetgrid.nodes}
 * @param trust PEM certificate(s) to trust for an {@code https://} coordinator (its CA, or its
 *     self-signed certificate itself); null = the JVM's default trusted CAs. Host names are always
 *     checked; there is no "trust all".
 */
public record WorkerOptions(
    int slots, Path workDir, long leaseWaitMs, long drainTimeoutMs, long announceMs, Path trust) {
  public static final long DEFAULT_LEASE_WAIT_MS = 20_000;
  public static final long DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = DEFAULT_DRAIN_TIMEOUT_SECONDS * 1000;
  public static final long DEFAULT_ANNOUNCE_MS = 3_000;

  public WorkerOptions {
    if (slots < 1 || slots > 1024) {
      throw new IllegalArgumentException("slots must be in 1..1024");
    }
    if (leaseWaitMs < 0 || drainTimeoutMs < 0 || announceMs < 100) {
      throw new IllegalArgumentException("bad worker timing options");
    }
    workDir =
        workDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "assetgrid-work") : workDir;
  }

  /** Options that trust the JVM's default CAs only. */
  public WorkerOptions(
      int slots, Path workDir, long leaseWaitMs, long drainTimeoutMs, long announceMs) {
    this(slots, workDir, leaseWaitMs, drainTimeoutMs, announceMs, null);
  }

  /** These options trusting {@code file} for HTTPS (null = the default CAs). */
  public WorkerOptions withTrust(Path file) {
    return new WorkerOptions(slots, workDir, leaseWaitMs, drainTimeoutMs, announceMs, file);
  }

  public static WorkerOptions defaults(int slots) {
    return new WorkerOptions(
        slots, null, DEFAULT_LEASE_WAIT_MS, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_ANNOUNCE_MS);
  }

  public static int defaultSlots() {
    return Runtime.getRuntime().availableProcessors();
  }
}
