package dev.assetgrid.coordinator.schedule.duty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it on. */
final class StepClock extends Clock {
  private volatile Instant now;

  private StepClock(Instant now) {
    this.now = now;
  }

  /** Stands at the current time (the database's, as the test database runs on this host). */
  static StepClock now() {
    return new StepClock(Instant.now());
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
