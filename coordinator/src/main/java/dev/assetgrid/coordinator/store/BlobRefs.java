package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code blobs} table: one row per stored blob (tenant, kind, sha256) with the number of rows
 * of {@code asset_files} and {@code task_outputs} that reference it, kept by triggers (V5).
 *
 * <p>The purge deletes a blob's object only while it holds the blob's row lock and the row still
 * counts no reference, then deletes the row in the same transaction. A writer that adds a reference
 * upserts that row (the trigger) and so waits for the lock; an upload then checks its bytes are
 * still stored before it commits ({@code AssetStore}), so no reference can end up pointing at
 * deleted bytes.
 *
 * <p>A purge's transaction also takes {@link BackupSnapshot#ADVISORY_LOCK} exclusively before it
 * picks anything, and gives the round up when it cannot: a backup holds that key shared from before
 * its snapshot until it has copied the last blob, so a blob a backup lists is never deleted under
 * it. The same key makes purges of several coordinators take turns (the one that loses the try
 * gives its round up; the winner drains the batches).
 */
public final class BlobRefs {
  private static final String PICK_SQL =
      """
      SELECT tenant_id, kind, sha256 FROM blobs
       WHERE refs = 0 AND unreferenced_since <= now() - make_interval(secs => $1)
       ORDER BY unreferenced_since LIMIT $2 FOR UPDATE SKIP LOCKED""";

  private static final String LOCK_SQL =
      "SELECT pg_try_advisory_xact_lock(" + BackupSnapshot.ADVISORY_LOCK + ") AS locked";

  /**
   * What one purge round did.
   *
   * @param deleted blobs deleted (object and row)
   * @param lockedOut true when the round gave up without touching anything because a backup (or
   *     another coordinator's purge) held {@link BackupSnapshot#ADVISORY_LOCK}
   */
  public record Round(int deleted, boolean lockedOut) {
    static final Round LOCKED_OUT = new Round(0, true);
  }

  private final Pool pool;

  public BlobRefs(Pool pool) {
    this.pool = pool;
  }

  /**
   * Purges up to {@code limit} blobs no row has referenced for {@code grace}: object first (under
   * the row lock), then the row, all under {@link BackupSnapshot#ADVISORY_LOCK} held exclusively
   * (the round is given up, {@link Round#lockedOut()}, while a backup holds it). A store failure
   * rolls the batch back (the rows stay and the next run tries again).
   */
  public Future<Round> purge(BlobStore store, Duration grace, int limit) {
    return pool.withTransaction(
        conn ->
            conn.query(LOCK_SQL)
                .execute()
                .compose(
                    locked ->
                        !locked.iterator().next().getBoolean("locked")
                            ? Future.succeededFuture(Round.LOCKED_OUT)
                            : purgeLocked(conn, store, grace, limit)
                                .map(n -> new Round(n, false))));
  }

  private static Future<Integer> purgeLocked(
      SqlConnection conn, BlobStore store, Duration grace, int limit) {
    return conn.preparedQuery(PICK_SQL)
        .execute(Tuple.of(grace.toMillis() / 1000.0, limit))
        .compose(
            rs -> {
              List<BlobKey> keys = new ArrayList<>();
              for (Row r : rs) {
                keys.add(BlobRows.key(r));
              }
              if (keys.isEmpty()) {
                return Future.succeededFuture(0);
              }
              Future<Void> chain = Future.succeededFuture();
              for (BlobKey k : keys) {
                chain = chain.compose(v -> store.delete(k));
              }
              UUID[] tenants = keys.stream().map(BlobKey::tenant).toArray(UUID[]::new);
              String[] kinds = keys.stream().map(k -> k.kind().dbName()).toArray(String[]::new);
              String[] shas = keys.stream().map(BlobKey::sha256).toArray(String[]::new);
              return chain
                  .compose(
                      v ->
                          conn.preparedQuery(
                                  """
                                  DELETE FROM blobs b USING unnest($1::uuid[], $2::text[], $3::text[]) AS k(t, kind, sha)
                                   WHERE b.tenant_id = k.t AND b.kind = k.kind AND b.sha256 = k.sha AND b.refs = 0""")
                              .execute(Tuple.of(tenants, kinds, shas)))
                  .map(x -> x.rowCount());
            });
  }

  /** The row of one blob: {@code refs}, or -1 when there is none. For tests and stats. */
  public Future<Integer> refs(BlobKey key) {
    return pool.preparedQuery(
            "SELECT refs FROM blobs WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3")
        .execute(Tuple.of(key.tenant(), key.kind().dbName(), key.sha256()))
        .map(rs -> rs.size() == 0 ? -1 : rs.iterator().next().getInteger("refs"));
  }

  /** The keys of every blob PostgreSQL knows, by sha256 (for the move of an old local layout). */
  public Future<java.util.Map<String, List<BlobKey>>> keysBySha() {
    return pool.query("SELECT tenant_id, kind, sha256 FROM blobs")
        .execute()
        .map(
            rs -> {
              java.util.Map<String, List<BlobKey>> out = new java.util.HashMap<>();
              for (Row r : rs) {
                BlobKey k = BlobRows.key(r);
                out.computeIfAbsent(k.sha256(), x -> new ArrayList<>()).add(k);
              }
              return out;
            });
  }
}
