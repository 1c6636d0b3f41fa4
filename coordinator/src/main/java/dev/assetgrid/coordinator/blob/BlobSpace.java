package dev.assetgrid.coordinator.blob;

import java.util.Objects;
import java.util.UUID;

/**
 * Where a tenant's blobs of one kind live: identical bytes are stored once per space.
 *
 * @param tenant the owning tenant's id
 * @param kind originals, derivatives or thumbnails
 */
public record BlobSpace(UUID tenant, BlobKind kind) {
  public BlobSpace {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(kind, "kind");
  }

  /** The key of the blob with content {@code sha256} in this space. */
  public BlobKey key(String sha256) {
    return new BlobKey(tenant, kind, sha256);
  }
}
