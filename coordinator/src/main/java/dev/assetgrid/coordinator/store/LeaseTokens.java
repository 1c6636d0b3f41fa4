package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.StoredBlob;
import dev.assetgrid.shared.state.TaskType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * The lease-token checks of the blob endpoints nodes use: a task may read and write blobs only
 * while its lease token is current, and only its own tenant's. Read-only; runs on the general pool,
 * not the queue's, so blob transfers never wait behind a lease or a completion batch.
 */
public final class LeaseTokens {
  private static final String INPUT_SQL =
      """
      SELECT r.tenant_id, r.kind, r.size_bytes FROM tasks t JOIN jobs j ON j.id = t.job_id,
       LATERAL (SELECT f.tenant_id, f.kind, f.size_bytes FROM asset_files f WHERE f.asset_id = j.asset_id AND f.sha256 = $3
                UNION ALL
                SELECT o.tenant_id, o.kind, o.size_bytes FROM task_outputs o WHERE o.task_id = ANY(t.depends_on) AND o.sha256 = $3
                LIMIT 1) r
       WHERE t.id = $1 AND t.lease_token = $2 AND t.state = 'leased'""";

  private static final String OUTPUT_SQL =
      """
      SELECT j.tenant_id, t.type FROM tasks t JOIN jobs j ON j.id = t.job_id
       WHERE t.id = $1 AND t.lease_token = $2 AND t.state = 'leased'""";

  private final Pool pool;

  public LeaseTokens(Pool pool) {
    this.pool = pool;
  }

  /**
   * Where blob {@code sha256} is stored, when the lease ({@code taskId}, {@code leaseToken}) is
   * held and covers it (a file of the task's asset or an output of a task it depends on); empty
   * otherwise.
   */
  public Future<Optional<StoredBlob>> mayRead(UUID taskId, String leaseToken, String sha256) {
    return pool.preparedQuery(INPUT_SQL)
        .execute(Tuple.of(taskId, leaseToken, sha256))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return Optional.empty();
              }
              Row r = rs.iterator().next();
              return Optional.of(
                  new StoredBlob(
                      new BlobKey(
                          r.getUUID("tenant_id"), BlobKind.ofDbName(r.getString("kind")), sha256),
                      r.getLong("size_bytes"),
                      "application/octet-stream"));
            });
  }

  /**
   * Where the outputs of the leased task go (its tenant; thumbnails apart from other derivatives),
   * when the lease ({@code taskId}, {@code leaseToken}) is held; empty otherwise.
   */
  public Future<Optional<BlobSpace>> mayWrite(UUID taskId, String leaseToken) {
    return pool.preparedQuery(OUTPUT_SQL)
        .execute(Tuple.of(taskId, leaseToken))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return Optional.empty();
              }
              Row r = rs.iterator().next();
              return Optional.of(
                  new BlobSpace(r.getUUID("tenant_id"), outputKind(r.getString("type"))));
            });
  }

  /** The kind of a task type's outputs (the completion batch decides the same in SQL). */
  public static BlobKind outputKind(String taskType) {
    return TaskType.THUMBNAIL.wire().equals(taskType) ? BlobKind.THUMBNAIL : BlobKind.DERIVATIVE;
  }
}
