package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.PartUploads;
import dev.assetgrid.coordinator.store.UploadStore;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Aborts direct uploads left incomplete past their expiry (and ones a coordinator died while
 * completing): their parts are dropped from the store (the S3 multipart upload aborted, the local
 * part files deleted) and the upload ends {@code expired}, so a late {@code complete} is {@code
 * 410}. State lives in PostgreSQL: a restart loses nothing, and two coordinators ending the same
 * upload agree (only one row update wins; aborting twice is harmless).
 */
public final class UploadSweeper extends PeriodicDuty<Integer> {
  static final Duration EVERY = Duration.ofMinutes(1);
  static final int BATCH = 100;

  private final UploadStore uploads;
  private final PartUploads parts;

  public UploadSweeper(UploadStore uploads, PartUploads parts) {
    super("upload sweeper", Duration.ofSeconds(10), EVERY);
    this.uploads = uploads;
    this.parts = parts;
  }

  @Override
  public Future<Integer> runOnce() {
    return uploads
        .expired(BATCH)
        .compose(
            list -> {
              Future<Integer> chain = Future.succeededFuture(0);
              for (UploadStore.Upload u : list) {
                PartUploads.Target t =
                    new PartUploads.Target(
                        new BlobSpace(u.tenant(), BlobKind.ORIGINAL), u.id(), u.handle());
                chain =
                    chain.compose(
                        n ->
                            parts
                                .abort(t)
                                .compose(v -> uploads.end(u.id(), "expired"))
                                .map(ended -> ended ? n + 1 : n));
              }
              return chain;
            });
  }

  @Override
  protected String report(Integer n) {
    return n > 0 ? "aborted " + n + " expired upload(s)" : null;
  }
}
