package dev.assetgrid.coordinator.schedule.duty;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Function;

/**
 * Deletes rows older than a retention once an hour (audit rows, events with their webhook
 * deliveries). Every coordinator may run it: the delete is idempotent.
 */
public final class RowRetention extends PeriodicDuty<Integer> {
  static final Duration EVERY = Duration.ofHours(1);

  private final String what;
  private final Duration retention;
  private final Function<Duration, Future<Integer>> purge;

  /**
   * @param what what the rows are, for the log ("audit", "event")
   * @param purge deletes the rows older than its argument and says how many
   */
  public RowRetention(String what, Duration retention, Function<Duration, Future<Integer>> purge) {
    super(what + " retention", Duration.ofMinutes(1), EVERY);
    this.what = what;
    this.retention = retention;
    this.purge = purge;
  }

  @Override
  public Future<Integer> runOnce() {
    return purge.apply(retention);
  }

  @Override
  protected String report(Integer n) {
    return n > 0 ? what + " retention: deleted " + n + " row(s) older than " + retention : null;
  }
}
