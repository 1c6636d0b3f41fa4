package dev.assetgrid.coordinator.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Job events: a row in {@code job_events} written in the same transaction as the state change it
 * describes, then published cluster-wide on {@link #address(UUID)} once the transaction committed, so
 * an SSE client on any coordinator sees it live and a reconnecting one can replay from the table.
 */
public final class JobEvents {
  private JobEvents() {}

  public static String address(UUID jobId) {
    return "assetgrid.job." + jobId;
  }

  /**
   * Runs {@code work} in a transaction and writes the events it recorded in one multi-row insert
   * just before the commit (one round trip per transaction instead of one per event).
   */
  public static <T> Future<T> inTransaction(Pool pool, Batch events,
      java.util.function.Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(conn -> work.apply(conn).compose(r -> events.flush(conn).map(r)));
  }

  /** Events recorded inside one transaction, written by {@link #flush}, published after the commit. */
  public static final class Batch {
    private final List<UUID> jobIds = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final List<String> data = new ArrayList<>();
    private final List<JsonObject> pending = new ArrayList<>();

    /** Records an event; it is written when the transaction flushes (see {@link JobEvents#inTransaction}). */
    public Future<Void> record(SqlConnection conn, UUID jobId, String type, JsonObject payload) {
      jobIds.add(jobId);
      types.add(type);
      data.add(payload.encode());
      return Future.succeededFuture();
    }

    /** Writes the recorded events, in recording order (ids ascend in that order). */
    public Future<Void> flush(SqlConnection conn) {
      if (jobIds.isEmpty()) {
        return Future.succeededFuture();
      }
      Tuple args = Tuple.of(jobIds.toArray(new UUID[0]), types.toArray(new String[0]), data.toArray(new String[0]));
      jobIds.clear();
      types.clear();
      data.clear();
      return conn.preparedQuery("""
              INSERT INTO job_events (job_id, type, data)
              SELECT j, t, d::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e(j, t, d, n)
               ORDER BY n
              RETURNING id, job_id, type, data, created_at""")
          .execute(args)
          .map(rs -> {
            List<JsonObject> written = new ArrayList<>();
            for (var row : rs) {
              written.add(new JsonObject().put("id", row.getLong("id")).put("jobId", row.getUUID("job_id").toString())
                  .put("type", row.getString("type")).put("data", row.getJsonObject("data"))
                  .put("at", row.getOffsetDateTime("created_at").toInstant().toString()));
            }
            written.sort(java.util.Comparator.comparingLong(e -> e.getLong("id")));
            pending.addAll(written);
            return null;
          });
    }

    public void publish(Vertx vertx) {
      for (JsonObject e : pending) {
        vertx.eventBus().publish(address(UUID.fromString(e.getString("jobId"))), e);
      }
      pending.clear();
    }
  }
}
