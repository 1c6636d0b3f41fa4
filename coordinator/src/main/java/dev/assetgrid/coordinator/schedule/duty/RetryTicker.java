package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.schedule.Scheduler;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Re-tries parked lease requests when a queued task has become ready without anything waking them:
 * a retry whose backoff ended (nothing publishes a wake for the passing of time), or a wake that
 * was missed. Wakes for new work arrive at once and do not wait for this tick.
 *
 * <p>The clock must be the database's wall clock, {@code Clock.systemUTC()} in production: a task's
 * {@code run_at} is set by the server's {@code now()}.
 */
public final class RetryTicker extends PeriodicDuty<Boolean> {
  /** How often parked requests are looked at. */
  public static final Duration PERIOD = Duration.ofMillis(500);

  private final Scheduler scheduler;
  private final Clock clock;
  private final BooleanSupplier waiting;
  private final Runnable retry;

  /**
   * @param waiting whether lease requests are parked (the broker's {@code hasParked})
   * @param retry re-tries them (the broker's {@code retryParked})
   */
  public RetryTicker(Scheduler scheduler, Clock clock, BooleanSupplier waiting, Runnable retry) {
    super("retry tick", PERIOD, PERIOD);
    this.scheduler = scheduler;
    this.clock = clock;
    this.waiting = waiting;
    this.retry = retry;
  }

  /**
   * Re-tries the parked requests if there are any and a task is ready by the clock's instant; the
   * future holds whether it did. No parked request: nothing is asked of the database.
   */
  @Override
  public Future<Boolean> runOnce() {
    if (!waiting.getAsBoolean()) {
      return Future.succeededFuture(false);
    }
    return scheduler
        .anyReady(clock.instant())
        .map(
            ready -> {
              if (ready) {
                retry.run();
              }
              return ready;
            });
  }

  @Override
  protected String report(Boolean retried) {
    return null;
  }
}
