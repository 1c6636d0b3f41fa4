package dev.assetgrid.coordinator.backup;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Whether a store holds the blobs a manifest names, each with its size: one {@link BlobStore#stat}
 * (HeadObject on S3) per blob, {@value #IN_FLIGHT} at a time. For backups whose blobs stay in a
 * bucket, which the backup cannot copy and check against their sha256: the key is the sha256, so a
 * present object of the right size is the blob unless the store itself is damaged.
 */
final class BucketCheck {
  /** HEAD requests in flight at once (the S3 store has 16 worker threads). */
  static final int IN_FLIGHT = 32;

  private BucketCheck() {}

  /**
   * The blobs of {@code blobs} that {@code store} lacks or holds with another size (or, where the
   * store kept one, another sha256), in order. Blocking; a store that cannot be reached fails as
   * its {@code stat} does ({@code STORAGE_UNAVAILABLE}).
   */
  static List<BackupManifest.Blob> absent(List<BackupManifest.Blob> blobs, BlobStore store) {
    List<BackupManifest.Blob> bad = new ArrayList<>();
    for (int from = 0; from < blobs.size(); from += IN_FLIGHT) {
      List<BackupManifest.Blob> window =
          blobs.subList(from, Math.min(blobs.size(), from + IN_FLIGHT));
      List<Future<Optional<BlobInfo>>> heads = new ArrayList<>(window.size());
      for (BackupManifest.Blob b : window) {
        heads.add(store.stat(b.key()));
      }
      for (int i = 0; i < window.size(); i++) {
        Optional<BlobInfo> info = await(heads.get(i));
        BackupManifest.Blob b = window.get(i);
        // the store's own sha256 where it kept one (S3's checksum), else the key's
        if (info.isEmpty()
            || info.get().size() != b.size()
            || !info.get().sha256().equals(b.sha256())) {
          bad.add(b);
        }
      }
    }
    return bad;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }
}
