package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** A blob's key as the tables hold it: columns {@code tenant_id, kind, sha256}. */
final class BlobRows {
  private BlobRows() {}

  /** The key in {@code r}'s {@code tenant_id}, {@code kind} and {@code sha256} columns. */
  static BlobKey key(Row r) {
    return new BlobKey(
        r.getUUID("tenant_id"), BlobKind.ofDbName(r.getString("kind")), r.getString("sha256"));
  }

  /** {@code (tenant_id, kind, sha256)} for {@code $1, $2, $3}. */
  static Tuple tuple(BlobKey k) {
    return Tuple.of(k.tenant(), k.kind().dbName(), k.sha256());
  }
}
