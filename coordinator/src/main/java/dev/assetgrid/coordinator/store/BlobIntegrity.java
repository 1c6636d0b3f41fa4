package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.Integrity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The scrub's SQL (V6): which blobs are due, what a re-read found, and what that means for the
 * assets referencing them.
 *
 * <p>A scrubber {@link #claim claims} a few blobs in a short transaction ({@code FOR UPDATE SKIP
 * LOCKED}, then {@code scrub_claimed_until}), reads them with no transaction open, and records each
 * result in a transaction of its own. So several coordinators share the work, and an upload or the
 * purge never waits behind a read that may take minutes. A claim that outlives its scrubber (a
 * crash) expires and the blob is picked again.
 *
 * <p>A missing or corrupt blob makes every asset whose files reference it {@code corrupt}, with an
 * audit row {@code asset.corrupt} (key id {@value #SCRUB_KEY_ID}) in the same transaction. A blob
 * that reads back whole again returns each such asset whose blobs are now all readable to the
 * status it had (or its jobs gave it meanwhile), with an audit row {@code asset.restored}.
 */
public final class BlobIntegrity {
  /** The key id of the scrub's audit rows. */
  public static final String SCRUB_KEY_ID = "scrub";

  /** A blob claimed for a re-read: its key, recorded size and what the last scrub found. */
  public record Claimed(BlobKey key, long size, Integrity integrity) {}

  /**
   * What recording a result did.
   *
   * @param previous what the scrub had found before ({@code null}: the row is gone, purged while it
   *     was read, and nothing was recorded)
   * @param assets the ids of the assets that became corrupt (a damaged blob) or were restored (an
   *     ok one)
   */
  public record Recorded(Integrity previous, List<String> assets) {}

  private static final String PICK_SQL =
      """
      SELECT tenant_id, kind, sha256, size_bytes, integrity FROM blobs
       WHERE (verified_at IS NULL OR verified_at < $1)
         AND (scrub_claimed_until IS NULL OR scrub_claimed_until < now())
       ORDER BY verified_at NULLS FIRST
       LIMIT $2 FOR UPDATE SKIP LOCKED""";

  private static final String KEYS =
      "unnest($1::uuid[], $2::text[], $3::text[]) AS k(t, kind, sha) WHERE b.tenant_id = k.t AND"
          + " b.kind = k.kind AND b.sha256 = k.sha";

  private static final String WHERE_KEY = " WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3";

  private final Pool pool;

  public BlobIntegrity(Pool pool) {
    this.pool = pool;
  }

  /** The database's clock: a pass re-reads what was not verified since it began. */
  public Future<OffsetDateTime> now() {
    return pool.query("SELECT now() AS now")
        .execute()
        .map(rs -> rs.iterator().next().getOffsetDateTime("now"));
  }

  /**
   * Claims up to {@code limit} blobs not verified since {@code notVerifiedSince}, least recently
   * verified first (never verified before all), for {@code lease(total bytes)}.
   */
  public Future<List<Claimed>> claim(
      OffsetDateTime notVerifiedSince, int limit, java.util.function.LongFunction<Duration> lease) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(PICK_SQL)
                .execute(Tuple.of(notVerifiedSince, limit))
                .compose(
                    rs -> {
                      List<Claimed> out = new ArrayList<>();
                      long bytes = 0;
                      for (Row r : rs) {
                        out.add(
                            new Claimed(
                                BlobRows.key(r),
                                r.getLong("size_bytes"),
                                Integrity.ofWire(r.getString("integrity"))));
                        bytes += r.getLong("size_bytes");
                      }
                      if (out.isEmpty()) {
                        return Future.succeededFuture(out);
                      }
                      double secs = lease.apply(bytes).toMillis() / 1000.0;
                      return conn.preparedQuery(
                              "UPDATE blobs b SET scrub_claimed_until = now() + make_interval(secs => $4) FROM "
                                  + KEYS)
                          .execute(keys(out.stream().map(Claimed::key).toList()).addValue(secs))
                          .map(out);
                    }));
  }

  /** Gives claimed blobs back unread (the store was unavailable): due again at once. */
  public Future<Void> release(List<BlobKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("UPDATE blobs b SET scrub_claimed_until = NULL FROM " + KEYS)
        .execute(keys(keys))
        .mapEmpty();
  }

  /**
   * The blob read back whole. If it was missing or corrupt before, each asset referencing it whose
   * blobs are now all readable goes back to the status it had before it was marked.
   */
  public Future<Recorded> recordOk(BlobKey key) {
    return pool.withTransaction(
        conn ->
            set(conn, key, Integrity.OK, null)
                .compose(
                    prev -> {
                      if (prev == null || !prev.damaged()) {
                        return Future.succeededFuture(new Recorded(prev, List.of()));
                      }
                      return conn.query("SET LOCAL assetgrid.integrity = 'restore'")
                          .execute()
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          """
                  UPDATE assets a SET status = coalesce(a.status_before_corrupt, 'ready'),
                         status_before_corrupt = NULL, updated_at = now()
                    FROM (SELECT id FROM assets
                           WHERE id IN (SELECT asset_id FROM asset_files WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3)
                             AND status = 'corrupt'
                           ORDER BY id FOR UPDATE) l
                   WHERE a.id = l.id
                     AND NOT EXISTS (SELECT 1 FROM asset_files f JOIN blobs b
                                       ON b.tenant_id = f.tenant_id AND b.kind = f.kind AND b.sha256 = f.sha256
                                      WHERE f.asset_id = a.id AND b.integrity IN ('missing', 'corrupt'))
                  RETURNING a.id""")
                                      .execute(BlobRows.tuple(key)))
                          .compose(rs -> audit(conn, key, "asset.restored", ids(rs), detail(key)))
                          .map(ids -> new Recorded(prev, ids));
                    }));
  }

  /**
   * The blob is missing, or its bytes differ from the recorded ones ({@code readSize} bytes hashing
   * to {@code readSha256}): every asset referencing it becomes corrupt, in this transaction, with
   * an audit row when any asset changed or the blob was not known damaged before.
   */
  public Future<Recorded> recordDamaged(
      BlobKey key, Integrity found, long readSize, String readSha256) {
    if (!found.damaged()) {
      throw new IllegalArgumentException("not damaged: " + found);
    }
    JsonObject seen =
        found == Integrity.MISSING
            ? new JsonObject()
            : new JsonObject().put("sizeBytes", readSize).put("sha256", readSha256);
    return pool.withTransaction(
        conn ->
            set(conn, key, found, seen)
                .compose(
                    prev -> {
                      if (prev == null) {
                        return Future.succeededFuture(new Recorded(null, List.of()));
                      }
                      return conn.preparedQuery(
                              """
                              UPDATE assets a SET status_before_corrupt = a.status, status = 'corrupt', updated_at = now()
                                FROM (SELECT id FROM assets
                                       WHERE id IN (SELECT asset_id FROM asset_files WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3)
                                         AND status <> 'corrupt'
                                       ORDER BY id FOR UPDATE) l
                               WHERE a.id = l.id
                              RETURNING a.id""")
                          .execute(BlobRows.tuple(key))
                          .compose(
                              rs -> {
                                List<String> ids = ids(rs);
                                if (ids.isEmpty() && prev == found) {
                                  return Future.succeededFuture(ids);
                                }
                                return audit(
                                    conn,
                                    key,
                                    "asset.corrupt",
                                    ids,
                                    detail(key).put("integrity", found.wire()).put("read", seen));
                              })
                          .map(ids -> new Recorded(prev, ids));
                    }));
  }

  /** Records the result on the blob's row (locked first); the previous integrity, or null. */
  private static Future<Integrity> set(
      SqlConnection conn, BlobKey key, Integrity found, JsonObject seen) {
    return conn.preparedQuery("SELECT integrity FROM blobs" + WHERE_KEY + " FOR UPDATE")
        .execute(BlobRows.tuple(key))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture(null);
              }
              Integrity prev = Integrity.ofWire(rs.iterator().next().getString("integrity"));
              return conn.preparedQuery(
                      "UPDATE blobs SET verified_at = now(), integrity = $4, integrity_detail = $5,"
                          + " scrub_claimed_until = NULL"
                          + WHERE_KEY)
                  .execute(BlobRows.tuple(key).addValue(found.wire()).addValue(seen))
                  .map(prev);
            });
  }

  private static Future<List<String>> audit(
      SqlConnection conn, BlobKey key, String action, List<String> assetIds, JsonObject detail) {
    if (assetIds.isEmpty() && action.equals("asset.restored")) {
      return Future.succeededFuture(assetIds);
    }
    Actor scrub =
        new Actor(new Principal(SCRUB_KEY_ID, key.tenant(), null, Role.ADMIN), null, action);
    return AuditLog.record(conn, scrub, "asset", assetIds, detail).map(assetIds);
  }

  private static JsonObject detail(BlobKey key) {
    return new JsonObject()
        .put("blob", key.path())
        .put("kind", key.kind().dbName())
        .put("sha256", key.sha256());
  }

  private static List<String> ids(io.vertx.sqlclient.RowSet<Row> rs) {
    List<String> out = new ArrayList<>();
    for (Row r : rs) {
      out.add(r.getUUID("id").toString());
    }
    return out;
  }

  private static Tuple keys(List<BlobKey> keys) {
    return Tuple.of(
        keys.stream().map(BlobKey::tenant).toArray(UUID[]::new),
        keys.stream().map(k -> k.kind().dbName()).toArray(String[]::new),
        keys.stream().map(BlobKey::sha256).toArray(String[]::new));
  }
}
