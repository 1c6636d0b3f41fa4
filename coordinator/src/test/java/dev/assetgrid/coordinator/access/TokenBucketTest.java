package dev.assetgrid.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bucket arithmetic at exact times. */
class TokenBucketTest {

  @Test
  void anAbsentBucketIsFullAndTakesUntilEmpty() {
    TokenBucket.Take t = TokenBucket.take(null, 2, 3, 1, 1_000);
    assertThat(t.allowed()).isTrue();
    assertThat(t.remaining()).isEqualTo(2);
    assertThat(t.next()).isEqualTo(new TokenBucket.State(2, 1_000));
    assertThat(t.resetMillis()).isEqualTo(500);
    t = TokenBucket.take(t.next(), 2, 3, 2, 1_000);
    assertThat(t.allowed()).isTrue();
    assertThat(t.remaining()).isZero();
    assertThat(t.resetMillis()).isEqualTo(1_500);
    t = TokenBucket.take(t.next(), 2, 3, 1, 1_000);
    assertThat(t.allowed()).isFalse();
    assertThat(t.retryAfterMillis()).isEqualTo(500);
    assertThat(t.next()).isEqualTo(new TokenBucket.State(0, 1_000));
  }

  @Test
  void waitingTheAdvisedTimeIsEnough() {
    // 3 tokens/s: 1/3 of a token is not exact in binary
    TokenBucket.State empty = new TokenBucket.State(0, 0);
    TokenBucket.Take refused = TokenBucket.take(empty, 3, 10, 1, 0);
    assertThat(refused.retryAfterMillis()).isEqualTo(334);
    assertThat(TokenBucket.take(empty, 3, 10, 1, 333).allowed()).isFalse();
    assertThat(TokenBucket.take(empty, 3, 10, 1, 334).allowed()).isTrue();
    // 1 token at 0.5/s after exactly 2 s
    assertThat(TokenBucket.take(empty, 0.5, 2, 1, 2_000).allowed()).isTrue();
  }

  @Test
  void refillStopsAtTheBurst() {
    TokenBucket.State s = TokenBucket.refill(new TokenBucket.State(1, 0), 10, 5, 60_000);
    assertThat(s).isEqualTo(new TokenBucket.State(5, 60_000));
  }

  @Test
  void aClockBehindTheStoredTimeEarnsNothingUntilItPassesIt() {
    TokenBucket.State stored = new TokenBucket.State(1, 10_000);
    assertThat(TokenBucket.refill(stored, 1, 5, 7_000)).isEqualTo(stored);
    TokenBucket.Take t = TokenBucket.take(stored, 1, 5, 1, 7_000);
    assertThat(t.allowed()).isTrue();
    assertThat(t.next()).isEqualTo(new TokenBucket.State(0, 10_000));
    assertThat(TokenBucket.refill(t.next(), 1, 5, 11_000))
        .isEqualTo(new TokenBucket.State(1, 11_000));
  }

  @Test
  void aLoweredBurstCapsWhatWasStored() {
    assertThat(TokenBucket.take(new TokenBucket.State(100, 0), 1, 10, 1, 0).remaining())
        .isEqualTo(9);
  }

  @Test
  void hugeWaitsSaturate() {
    assertThat(TokenBucket.millisToEarn(1L << 53, 1e-300)).isEqualTo(Long.MAX_VALUE);
  }
}
