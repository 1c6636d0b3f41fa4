package dev.assetgrid.coordinator.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code uploads} table (V7): direct, resumable uploads from {@code POST /v1/uploads} to their
 * end. Every read is scoped by tenant. A complete moves {@code open → completing} (one caller
 * wins), then {@code completing → completed} in the transaction that creates the asset ({@link
 * #completedIn}), or back to {@code open} with the reason when a check fails and the parts are
 * kept.
 */
public final class UploadStore {
  /** One upload row. */
  public record Upload(
      UUID id,
      UUID tenant,
      String keyId,
      String name,
      long size,
      String sha256,
      String pipeline,
      List<String> tags,
      long partSize,
      int partCount,
      String handle,
      String state,
      JsonObject error,
      UUID assetId,
      UUID jobId,
      Instant createdAt,
      Instant expiresAt) {
    public boolean expired(Instant now) {
      return "expired".equals(state) || ("open".equals(state) && now.isAfter(expiresAt));
    }
  }

  private static final String COLUMNS =
      "id, tenant_id, key_id, name, size_bytes, sha256, pipeline, tags, part_size, part_count,"
          + " handle, state, error, asset_id, job_id, created_at, expires_at";

  private final Pool pool;

  public UploadStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(Upload u) {
    return pool.preparedQuery(
            "INSERT INTO uploads (id, tenant_id, key_id, name, size_bytes, sha256, pipeline, tags,"
                + " part_size, part_count, handle, expires_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .execute(
            Tuple.from(
                new Object[] {
                  u.id(),
                  u.tenant(),
                  u.keyId(),
                  u.name(),
                  u.size(),
                  u.sha256(),
                  u.pipeline(),
                  u.tags().toArray(new String[0]),
                  u.partSize(),
                  u.partCount(),
                  u.handle(),
                  OffsetDateTime.ofInstant(u.expiresAt(), ZoneOffset.UTC)
                }))
        .mapEmpty();
  }

  /** The tenant's upload, if any. */
  public Future<Optional<Upload>> get(UUID tenant, UUID id) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM uploads WHERE id = $1 AND tenant_id = $2")
        .execute(Tuple.of(id, tenant))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(row(rs.iterator().next())));
  }

  /** Any tenant's upload, for the part URLs (authorised by their token, not a key). */
  public Future<Optional<Upload>> get(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM uploads WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(row(rs.iterator().next())));
  }

  /**
   * {@code open → completing} for the caller that wins; false when the upload is not open (another
   * complete is running, or it ended) or it expired.
   */
  public Future<Boolean> beginComplete(UUID tenant, UUID id) {
    return pool.preparedQuery(
            "UPDATE uploads SET state = 'completing', error = NULL"
                + " WHERE id = $1 AND tenant_id = $2 AND state = 'open' AND expires_at > now()")
        .execute(Tuple.of(id, tenant))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Back to {@code open} after a failed check, with its reason (the parts are still there). */
  public Future<Void> reopen(UUID id, JsonObject error) {
    return pool.preparedQuery(
            "UPDATE uploads SET state = 'open', error = $2 WHERE id = $1 AND state = 'completing'")
        .execute(Tuple.of(id, error))
        .mapEmpty();
  }

  /**
   * {@code completing → completed} inside the transaction that creates the asset (fails the
   * transaction when the upload is no longer completing: aborted or expired meanwhile).
   */
  public static Future<Void> completedIn(SqlConnection conn, UUID id, UUID assetId) {
    return conn.preparedQuery(
            "UPDATE uploads SET state = 'completed', asset_id = $2, ended_at = now(), error = NULL"
                + " WHERE id = $1 AND state = 'completing'")
        .execute(Tuple.of(id, assetId))
        .compose(
            rs ->
                rs.rowCount() == 1
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        new dev.assetgrid.shared.error.AssetGridException(
                            dev.assetgrid.shared.error.ErrorCode.UPLOAD_EXPIRED,
                            "upload " + id + " ended while it was being completed")));
  }

  /** Records the job the completed upload started (for {@code GET /v1/uploads/{id}}). */
  public Future<Void> recordJob(UUID id, UUID jobId) {
    return pool.preparedQuery("UPDATE uploads SET job_id = $2 WHERE id = $1")
        .execute(Tuple.of(id, jobId))
        .mapEmpty();
  }

  /**
   * Ends an open (or stuck completing) upload as {@code aborted} or {@code expired}; true when this
   * call ended it.
   */
  public Future<Boolean> end(UUID id, String state) {
    return pool.preparedQuery(
            "UPDATE uploads SET state = $2, ended_at = now()"
                + " WHERE id = $1 AND state IN ('open', 'completing')")
        .execute(Tuple.of(id, state))
        .map(rs -> rs.rowCount() == 1);
  }

  /**
   * Up to {@code limit} uploads past their expiry still open, or stuck in {@code completing} for
   * longer than an hour (a coordinator died mid-complete), oldest first.
   */
  public Future<List<Upload>> expired(int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + " FROM uploads WHERE (state = 'open' AND expires_at <= now())"
                + " OR (state = 'completing' AND expires_at <= now() - interval '1 hour')"
                + " ORDER BY expires_at LIMIT $1")
        .execute(Tuple.of(limit))
        .map(
            rs -> {
              List<Upload> out = new ArrayList<>();
              rs.forEach(r -> out.add(row(r)));
              return out;
            });
  }

  private static Upload row(Row r) {
    String[] tags = r.getArrayOfStrings("tags");
    return new Upload(
        r.getUUID("id"),
        r.getUUID("tenant_id"),
        r.getString("key_id"),
        r.getString("name"),
        r.getLong("size_bytes"),
        r.getString("sha256"),
        r.getString("pipeline"),
        tags == null ? List.of() : List.of(tags),
        r.getLong("part_size"),
        r.getInteger("part_count"),
        r.getString("handle"),
        r.getString("state"),
        (JsonObject) r.getValue("error"),
        r.getUUID("asset_id"),
        r.getUUID("job_id"),
        r.getOffsetDateTime("created_at").toInstant(),
        r.getOffsetDateTime("expires_at").toInstant());
  }
}
