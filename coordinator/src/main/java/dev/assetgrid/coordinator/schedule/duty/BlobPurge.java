package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.BlobRefs;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the blobs no asset file or task output has referenced for {@code --purge-after}, in
 * batches, every {@link #EVERY}. State lives in PostgreSQL (the {@code blobs} rows and their {@code
 * unreferenced_since}), so a restart loses nothing. A round runs under the backup's advisory lock
 * held exclusively ({@link BlobRefs#purge}): while a {@code backup} copies blobs, or another
 * coordinator's purge runs, the round deletes nothing and the next tick tries again.
 */
public final class BlobPurge extends PeriodicDuty<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(BlobPurge.class);

  static final Duration EVERY = Duration.ofSeconds(30);
  static final int BATCH = 200;

  private final BlobRefs refs;
  private final BlobStore store;
  private final Duration grace;

  /** Whether the last round was locked out: the wait is logged once, not every tick. */
  private volatile boolean lockedOut;

  public BlobPurge(BlobRefs refs, BlobStore store, Duration grace) {
    super("blob purge", Duration.ofSeconds(5), EVERY);
    this.refs = refs;
    this.store = store;
    this.grace = grace;
  }

  /** One pass: batches until none is left (or the lock is taken); the number of blobs deleted. */
  @Override
  public Future<Integer> runOnce() {
    return drain(0);
  }

  @Override
  protected String report(Integer n) {
    return n > 0 ? "deleted " + n + " blob(s) unreferenced for " + grace : null;
  }

  private Future<Integer> drain(int sofar) {
    return refs.purge(store, grace, BATCH)
        .compose(
            round -> {
              if (round.lockedOut()) {
                if (!lockedOut) {
                  LOG.info(
                      "blob purge waits: a backup (or another coordinator's purge) holds the"
                          + " backup lock; the next round tries again");
                }
                lockedOut = true;
                return Future.succeededFuture(sofar);
              }
              lockedOut = false;
              int n = sofar + round.deleted();
              return round.deleted() < BATCH ? Future.succeededFuture(n) : drain(n);
            });
  }
}
