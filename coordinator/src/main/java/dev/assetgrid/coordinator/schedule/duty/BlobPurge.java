package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.BlobRefs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the blobs no asset file or task output has referenced for {@code --purge-after}, in
 * batches, every {@link #EVERY}. State lives in PostgreSQL (the {@code blobs} rows and their {@code
 * unreferenced_since}), so a restart loses nothing and several coordinators share the work.
 */
public final class BlobPurge implements Duty {
  private static final Logger LOG = LoggerFactory.getLogger(BlobPurge.class);
  static final Duration EVERY = Duration.ofSeconds(30);
  static final int BATCH = 200;

  private final BlobRefs refs;
  private final BlobStore store;
  private final Duration grace;
  private Vertx vertx;
  private long timer = -1;
  private boolean running;

  public BlobPurge(BlobRefs refs, BlobStore store, Duration grace) {
    this.refs = refs;
    this.store = store;
    this.grace = grace;
  }

  @Override
  public void start(Vertx vertx) {
    this.vertx = vertx;
    timer = vertx.setPeriodic(5_000, EVERY.toMillis(), t -> runOnce());
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass: batches until none is left; a pass in flight makes this a no-op. */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    return drain(0)
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("blob purge: deleted {} blob(s) unreferenced for {}", n, grace);
              }
            })
        .onFailure(e -> LOG.warn("blob purge failed (retried next run): {}", e.toString()))
        .onComplete(x -> running = false);
  }

  private Future<Integer> drain(int sofar) {
    return refs.purge(store, grace, BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(sofar + n) : drain(sofar + n));
  }
}
