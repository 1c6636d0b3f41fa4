package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.shared.protocol.TaskError;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides what happens after a failed attempt: retry after a capped exponential backoff with "equal
 * jitter" (half the capped delay for sure, the other half random: retries of a burst spread out,
 * yet none comes back sooner than half its backoff, which full jitter over [0, cap] would allow),
 * fail at once (the error code says a retry cannot help), or give up (dead) when the attempts are
 * spent. Losing a lease (expiry, node gone) is retried without delay.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration max) {

  public enum Verdict {
    RETRY,
    FAIL,
    DEAD
  }

  public record Decision(Verdict verdict, long delayMs) {}

  public Decision decide(int attempt, int taskMaxAttempts, TaskError error, boolean immediate) {
    if (!error.retryable()) {
      return new Decision(Verdict.FAIL, 0);
    }
    if (attempt >= taskMaxAttempts) {
      return new Decision(Verdict.DEAD, 0);
    }
    return new Decision(Verdict.RETRY, immediate ? 0 : delayMs(attempt));
  }

  /**
   * Delay before attempt {@code attempt + 1}: uniform in [cap/2, cap], cap = min(max,
   * base·2^(attempt-1)).
   */
  public long delayMs(int attempt) {
    long cap = base.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    cap = Math.min(cap, max.toMillis());
    long half = cap / 2;
    return half + (cap - half <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap - half + 1));
  }
}
