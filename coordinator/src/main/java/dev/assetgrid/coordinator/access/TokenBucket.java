package dev.assetgrid.coordinator.access;

/**
 * The token-bucket arithmetic, free of Hazelcast and of clocks so it can be checked with exact
 * times. A bucket holds up to {@code burst} tokens and earns {@code rate} tokens per second; a
 * request of {@code cost} tokens is allowed when the bucket holds at least that many. An absent
 * bucket is a full one, which is why an entry may expire once it would have refilled.
 */
final class TokenBucket {
  private TokenBucket() {}

  /**
   * A shortfall below this counts as none, so that float rounding never refuses a request that
   * waited exactly the advised time.
   */
  static final double EPSILON = 1e-9;

  /** What is stored: {@code tokens} held at {@code atMillis} (the partition owner's wall clock). */
  record State(double tokens, long atMillis) {}

  /**
   * The outcome of one take.
   *
   * @param next the state to store; equal to the refilled state when nothing was taken
   * @param allowed whether {@code cost} tokens were taken
   * @param remaining whole tokens left after this take
   * @param retryAfterMillis when refused, ms until {@code cost} tokens are there; 0 when allowed
   * @param resetMillis ms until the bucket is full again
   */
  record Take(
      State next, boolean allowed, long remaining, long retryAfterMillis, long resetMillis) {}

  /** Takes {@code cost} tokens (0 = only look) from {@code stored} (null = full) at {@code now}. */
  static Take take(State stored, double rate, long burst, long cost, long nowMillis) {
    State s = refill(stored, rate, burst, nowMillis);
    boolean allowed = s.tokens() + EPSILON >= cost;
    double tokens = allowed ? Math.max(0, s.tokens() - cost) : s.tokens();
    return new Take(
        new State(tokens, s.atMillis()),
        allowed,
        (long) Math.floor(tokens + EPSILON),
        allowed ? 0 : millisToEarn(cost - tokens, rate),
        millisToEarn(burst - tokens, rate));
  }

  /**
   * The bucket as it is at {@code now}. A clock behind the stored time (another member's, before a
   * partition moved) earns nothing until it passes that time, so no interval is paid twice.
   */
  static State refill(State stored, double rate, long burst, long nowMillis) {
    if (stored == null) {
      return new State(burst, nowMillis);
    }
    if (nowMillis <= stored.atMillis()) {
      return new State(Math.min(burst, stored.tokens()), stored.atMillis());
    }
    double earned = (nowMillis - stored.atMillis()) * rate / 1000.0;
    return new State(Math.min(burst, stored.tokens() + earned), nowMillis);
  }

  /** Whole ms to earn {@code tokens} at {@code rate} per second, rounded up; saturates. */
  static long millisToEarn(double tokens, double rate) {
    if (tokens <= EPSILON) {
      return 0;
    }
    // a double past Long.MAX_VALUE casts to Long.MAX_VALUE
    return (long) Math.ceil(tokens * 1000.0 / rate);
  }
}
