package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.BlobRefs;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Deletes the blobs no asset file or task output has referenced for {@code --purge-after}, in
 * batches, every {@link #EVERY}. State lives in PostgreSQL (the {@code blobs} rows and their {@code
 * unreferenced_since}), so a restart loses nothing and several coordinators share the work ({@code
 * SKIP LOCKED}, so a run started by hand beside a timed one is safe too).
 */
public final class BlobPurge extends PeriodicDuty<Integer> {
  static final Duration EVERY = Duration.ofSeconds(30);
  static final int BATCH = 200;

  private final BlobRefs refs;
  private final BlobStore store;
  private final Duration grace;

  public BlobPurge(BlobRefs refs, BlobStore store, Duration grace) {
    super("blob purge", Duration.ofSeconds(5), EVERY);
    this.refs = refs;
    this.store = store;
    this.grace = grace;
  }

  /** One pass: batches until none is left; the number of blobs deleted. */
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
        .compose(n -> n < BATCH ? Future.succeededFuture(sofar + n) : drain(sofar + n));
  }
}
