package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.schedule.Scheduler;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Requeues leases held by nodes that are not cluster members any more: membership events missed, or
 * lost in a coordinator restart. After a restart, nodes need a few seconds to find the cluster
 * again, so the sweep waits {@link #GRACE} from its construction (the coordinator's start) before
 * it takes anything; a node that never comes back is caught by lease expiry meanwhile.
 */
public final class OrphanSweeper extends PeriodicDuty<Integer> {
  /** How often leases of non-members are looked for. */
  public static final Duration PERIOD = Duration.ofSeconds(5);

  /** How long after start the sweep waits for nodes to rejoin. */
  public static final Duration GRACE = Duration.ofSeconds(20);

  private final Scheduler scheduler;
  private final Clock clock;
  private final Supplier<Set<String>> members;
  private final Instant sweepFrom;

  /**
   * @param members the Vert.x node ids of the cluster's current members
   */
  public OrphanSweeper(Scheduler scheduler, Clock clock, Supplier<Set<String>> members) {
    super("orphan requeue", GRACE, PERIOD);
    this.scheduler = scheduler;
    this.clock = clock;
    this.members = members;
    this.sweepFrom = clock.instant().plus(GRACE);
  }

  /**
   * Requeues the leases of non-members, once the grace period has passed by the clock; the future
   * holds how many attempts it ended (0 during the grace period, when it asks nothing).
   */
  @Override
  public Future<Integer> runOnce() {
    if (clock.instant().isBefore(sweepFrom)) {
      return Future.succeededFuture(0);
    }
    return scheduler.requeueOrphans(members.get());
  }

  @Override
  protected String report(Integer ended) {
    return ended > 0
        ? "requeued " + ended + " task(s) leased by nodes no longer in the cluster"
        : null;
  }
}
