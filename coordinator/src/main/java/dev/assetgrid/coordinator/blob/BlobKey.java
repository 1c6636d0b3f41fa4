package dev.assetgrid.coordinator.blob;

import java.util.UUID;

/**
 * The name of one stored blob: tenant, kind, content address. Its {@link #path()} is the object key
 * below a store's root or prefix: {@code <tenant>/<kind folder>/<ab>/<cd>/<sha256>} (two fan-out
 * levels from the hash, so no folder grows past 65k entries in one space).
 *
 * @param tenant the owning tenant's id
 * @param kind originals, derivatives or thumbnails
 * @param sha256 64 lowercase hex characters (checked)
 */
public record BlobKey(UUID tenant, BlobKind kind, String sha256) {
  public BlobKey {
    new BlobSpace(tenant, kind); // null checks
    BlobInfo.requireSha256(sha256);
  }

  public BlobSpace space() {
    return new BlobSpace(tenant, kind);
  }

  /** {@code <tenant>/<kind folder>/<ab>/<cd>/<sha256>}, with {@code /} separators. */
  public String path() {
    return tenant
        + "/"
        + kind.folder()
        + "/"
        + sha256.substring(0, 2)
        + "/"
        + sha256.substring(2, 4)
        + "/"
        + sha256;
  }

  @Override
  public String toString() {
    return path();
  }
}
