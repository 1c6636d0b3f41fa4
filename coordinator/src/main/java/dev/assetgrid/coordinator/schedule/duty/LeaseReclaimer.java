package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.schedule.Scheduler;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;

/**
 * Ends every lease whose expiry has passed — its node stopped heartbeating without leaving the
 * cluster — and lets the retry policy requeue the task at once (a lost lease is not the task's
 * fault). The fencing of later writes by the old holder is the queue's; this only notices.
 *
 * <p>The clock must be the database's wall clock, {@code Clock.systemUTC()} in production: leases
 * are set to expire by the server's {@code now()}, and are reclaimed when this clock's instant
 * passes that expiry.
 */
public final class LeaseReclaimer extends PeriodicDuty<Integer> {
  /** How often expired leases are looked for. */
  public static final Duration PERIOD = Duration.ofSeconds(1);

  private final Scheduler scheduler;
  private final Clock clock;

  public LeaseReclaimer(Scheduler scheduler, Clock clock) {
    super("lease reclaim", PERIOD, PERIOD);
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * Reclaims the leases expired by the clock's instant; the future holds how many attempts ended.
   */
  @Override
  public Future<Integer> runOnce() {
    return scheduler.reclaimExpired(clock.instant());
  }

  @Override
  protected String report(Integer ended) {
    return ended > 0 ? "reclaimed " + ended + " expired lease(s)" : null;
  }
}
