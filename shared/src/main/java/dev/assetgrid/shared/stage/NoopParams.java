package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.ErrorCode;

/**
 * Params of a {@code noop} task, which the queue benchmark and the protocol tests use.
 *
 * @param sleepMs how long to hold the lease, 0..{@value #MAX_SLEEP_MS} ms. Default 0.
 * @param sleepAttempts sleep only in the first this many attempts; null: in all
 * @param failWith fail with this {@link ErrorCode} (its name); null: succeed
 * @param failTimes fail only in the first this many attempts; null: in all
 * @param output write an output file {@code noop.json}. Default false.
 */
public record NoopParams(
    long sleepMs,
    Integer sleepAttempts,
    ErrorCode failWith,
    Integer failTimes,
    boolean output,
    Crash crash)
    implements StageParams {
  /**
   * How a noop attempt dies, to exercise the worker-process isolation: {@code abort} (SIGABRT in
   * libc, as a failed native assertion), {@code segfault} (a write through a bad pointer), {@code
   * oom} (heap exhausted).
   */
  public enum Crash {
    abort,
    segfault,
    oom
  }

  public NoopParams(
      long sleepMs, Integer sleepAttempts, ErrorCode failWith, Integer failTimes, boolean output) {
    this(sleepMs, sleepAttempts, failWith, failTimes, output, null);
  }

  /** Longest sleep a noop task may ask for. */
  public static final long MAX_SLEEP_MS = 600_000;

  public NoopParams {
    OptionReader.require(
        sleepMs >= 0 && sleepMs <= MAX_SLEEP_MS,
        "sleepMs",
        "must be in 0.." + MAX_SLEEP_MS,
        sleepMs);
  }

  public static NoopParams read(OptionReader r) {
    long sleepMs = r.longInteger("sleepMs", 0);
    Integer sleepAttempts = r.optionalInteger("sleepAttempts");
    ErrorCode failWith = r.choice("failWith", ErrorCode.class, null);
    Integer failTimes = r.optionalInteger("failTimes");
    boolean output = r.bool("output", false);
    Crash crash = r.choice("crash", Crash.class, null);
    return r.build(
        () -> new NoopParams(sleepMs, sleepAttempts, failWith, failTimes, output, crash));
  }

  /** Whether attempt {@code attempt} (from 1) sleeps. */
  public boolean sleepsIn(int attempt) {
    return sleepAttempts == null || attempt <= sleepAttempts;
  }

  /** Whether attempt {@code attempt} (from 1) fails. */
  public boolean failsIn(int attempt) {
    return failWith != null && (failTimes == null || attempt <= failTimes);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o =
        JsonNodeFactory.instance.objectNode().put("sleepMs", sleepMs).put("output", output);
    if (sleepAttempts != null) {
      o.put("sleepAttempts", sleepAttempts);
    }
    if (failWith != null) {
      o.put("failWith", failWith.name());
    }
    if (failTimes != null) {
      o.put("failTimes", failTimes);
    }
    return o;
  }
}
