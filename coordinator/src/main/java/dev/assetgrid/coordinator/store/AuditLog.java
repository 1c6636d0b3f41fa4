package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The append-only {@code audit_log}. A successful write records its row through {@link #record}
 * inside its own transaction (so there is no write without its row, and no row for a write that
 * rolled back); a refused or failed write records one afterwards through {@link #recordFailure}.
 */
public final class AuditLog {
  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  private static final String INSERT =
      """
      INSERT INTO audit_log (tenant_id, key_id, action, target_type, target_ids, request_id, outcome, status, detail)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  /** The row of a write that succeeded, in the write's transaction ({@code conn}). */
  static Future<Void> record(
      SqlClient conn, Actor actor, String targetType, List<String> targetIds, JsonObject detail) {
    if (actor == null || actor.action() == null) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                new Object[] {
                  actor.tenant(),
                  actor.principal().keyId(),
                  actor.action(),
                  targetType,
                  targetIds.toArray(new String[0]),
                  actor.requestId(),
                  "succeeded",
                  null,
                  detail == null ? new JsonObject() : detail
                }))
        .mapEmpty();
  }

  /**
   * The row of a write that succeeded and has no transaction of its own to record it in (a scrub
   * pass, which records its findings as it goes).
   */
  public Future<Void> recordSuccess(
      Actor actor, String targetType, List<String> targetIds, JsonObject detail) {
    return record(pool, actor, targetType, targetIds, detail);
  }

  /**
   * The row of a write that was refused ({@code denied}: the key lacks the role) or failed (any
   * other error), with the HTTP status and error code it was answered with.
   */
  public Future<Void> recordFailure(
      Actor actor, List<String> targetIds, boolean denied, int status, String code) {
    return pool.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                new Object[] {
                  actor.tenant(),
                  actor.principal().keyId(),
                  actor.action(),
                  null,
                  targetIds.toArray(new String[0]),
                  actor.requestId(),
                  denied ? "denied" : "failed",
                  status,
                  new JsonObject().put("code", code)
                }))
        .mapEmpty();
  }

  /** Filters of {@code GET /v1/audit}; null fields do not filter. */
  public record Query(
      String action,
      String keyId,
      String outcome,
      String targetId,
      OffsetDateTime from,
      OffsetDateTime before) {}

  /** A page of the tenant's audit rows, newest first: {items, next} (next: the last id seen). */
  public Future<JsonObject> list(UUID tenant, Query q, Long afterId, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM audit_log
             WHERE tenant_id = $1
               AND ($2::text IS NULL OR action = $2)
               AND ($3::text IS NULL OR key_id = $3)
               AND ($4::text IS NULL OR outcome = $4)
               AND ($5::text IS NULL OR $5 = ANY(target_ids))
               AND ($6::timestamptz IS NULL OR at >= $6)
               AND ($7::timestamptz IS NULL OR at < $7)
               AND ($8::bigint IS NULL OR id < $8)
             ORDER BY id DESC
             LIMIT $9""")
        .execute(
            Tuple.from(
                new Object[] {
                  tenant,
                  q.action(),
                  q.keyId(),
                  q.outcome(),
                  q.targetId(),
                  q.from(),
                  q.before(),
                  afterId,
                  limit + 1
                }))
        .map(
            rs -> {
              JsonArray items = new JsonArray();
              Long last = null;
              boolean more = false;
              for (Row r : rs) {
                if (items.size() == limit) {
                  more = true;
                  break;
                }
                last = r.getLong("id");
                items.add(json(r));
              }
              return new JsonObject()
                  .put("items", items)
                  .put("next", more ? String.valueOf(last) : null);
            });
  }

  /** Deletes rows older than {@code retention}; returns how many. */
  public Future<Integer> purgeOlderThan(Duration retention) {
    return pool.withTransaction(
        conn ->
            conn.query("SET LOCAL assetgrid.audit_purge = 'on'")
                .execute()
                .compose(
                    v ->
                        conn.preparedQuery(
                                "DELETE FROM audit_log WHERE at < now() - make_interval(secs => $1)")
                            .execute(Tuple.of((double) retention.toSeconds())))
                .map(rs -> rs.rowCount()));
  }

  private static JsonObject json(Row r) {
    JsonObject o =
        new JsonObject()
            .put("id", r.getLong("id"))
            .put("at", r.getOffsetDateTime("at").toInstant().toString())
            .put("keyId", r.getString("key_id"))
            .put("action", r.getString("action"))
            .put("targetType", r.getString("target_type"))
            .put("targetIds", new JsonArray(List.of(r.getArrayOfStrings("target_ids"))))
            .put("requestId", r.getString("request_id"))
            .put("outcome", r.getString("outcome"))
            .put("detail", r.getJsonObject("detail"));
    if (r.getInteger("status") != null) {
      o.put("status", r.getInteger("status"));
    }
    return o;
  }
}
