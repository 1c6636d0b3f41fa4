package dev.assetgrid.coordinator.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The lease-token checks of the blob endpoints nodes use: a task may read and write blobs only
 * while its lease token is current. Read-only; runs on the general pool, not the queue's, so blob
 * transfers never wait behind a lease or a completion batch.
 */
public final class LeaseTokens {
  private static final String INPUT_ALLOWED_SQL =
      """
      SELECT 1 FROM tasks t JOIN jobs j ON j.id = t.job_id
       WHERE t.id = $1 AND t.lease_token = $2 AND t.state = 'leased'
         AND (EXISTS (SELECT 1 FROM asset_files f WHERE f.asset_id = j.asset_id AND f.sha256 = $3)
              OR EXISTS (SELECT 1 FROM task_outputs o WHERE o.task_id = ANY(t.depends_on) AND o.sha256 = $3))""";

  private final Pool pool;

  public LeaseTokens(Pool pool) {
    this.pool = pool;
  }

  /**
   * Whether the lease ({@code taskId}, {@code leaseToken}) is held and covers blob {@code sha256}:
   * a file of the task's asset or an output of a task it depends on.
   */
  public Future<Boolean> mayRead(UUID taskId, String leaseToken, String sha256) {
    return pool.preparedQuery(INPUT_ALLOWED_SQL)
        .execute(Tuple.of(taskId, leaseToken, sha256))
        .map(rs -> rs.size() > 0);
  }

  /**
   * Whether the lease ({@code taskId}, {@code leaseToken}) is held, so the task may upload outputs.
   */
  public Future<Boolean> mayWrite(UUID taskId, String leaseToken) {
    return pool.preparedQuery(
            "SELECT 1 FROM tasks WHERE id = $1 AND lease_token = $2 AND state = 'leased'")
        .execute(Tuple.of(taskId, leaseToken))
        .map(rs -> rs.size() > 0);
  }
}
