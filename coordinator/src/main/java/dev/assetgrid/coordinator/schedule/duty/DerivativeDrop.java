package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.store.DerivativeRetention;
import dev.assetgrid.coordinator.store.DerivativeRetention.Dropped;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The retention rule {@code --drop-derivatives-after}: every {@link #EVERY}, drops the derived
 * files of ready assets that nobody downloaded and no job re-made for longer than {@code after}
 * ({@link DerivativeRetention}), in batches. A download of a dropped file makes it again ({@code
 * AssetStore.regenerate}). Every coordinator may run it: each batch locks the assets it takes
 * ({@code SKIP LOCKED}), and an asset once dropped no longer qualifies.
 */
public final class DerivativeDrop extends PeriodicDuty<Dropped> {
  static final Duration EVERY = Duration.ofMinutes(10);
  static final int BATCH = 100;

  private final DerivativeRetention retention;
  private final Duration after;
  private final Clock clock;

  public DerivativeDrop(DerivativeRetention retention, Duration after, Clock clock) {
    super("derivative retention", Duration.ofMinutes(1), EVERY);
    this.retention = retention;
    this.after = after;
    this.clock = clock;
  }

  /** One pass as of the clock's now. */
  @Override
  public Future<Dropped> runOnce() {
    return runAsOf(clock.instant());
  }

  /** One pass as of {@code now}: batches until a batch comes back short. */
  public Future<Dropped> runAsOf(Instant now) {
    return drain(now.minus(after), new Dropped(0, 0, 0));
  }

  @Override
  protected String report(Dropped d) {
    return d.assets() > 0
        ? "dropped "
            + d.files()
            + " derived file(s) ("
            + d.bytes()
            + " bytes) of "
            + d.assets()
            + " asset(s) unread for "
            + after
            + "; the blob purge deletes the bytes no other file references"
        : null;
  }

  private Future<Dropped> drain(Instant cutoff, Dropped sofar) {
    return retention
        .drop(cutoff, BATCH)
        .compose(
            d -> {
              Dropped sum =
                  new Dropped(
                      sofar.assets() + d.assets(),
                      sofar.files() + d.files(),
                      sofar.bytes() + d.bytes());
              return d.assets() < BATCH ? Future.succeededFuture(sum) : drain(cutoff, sum);
            });
  }
}
