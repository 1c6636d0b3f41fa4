package dev.assetgrid.coordinator.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The job events of one transaction: a row in {@code job_events} written in the same transaction as
 * the state change it describes, handed to an {@link EventPublisher} once the transaction
 * committed, so an SSE client on any coordinator sees it live and a reconnecting one can replay
 * from the table.
 *
 * <p>Events are recorded as the transaction goes and written in one multi-row insert just before
 * the commit (one round trip per transaction instead of one per event); events a statement wrote
 * itself (a data-modifying CTE) are added with {@link #written}.
 */
final class EventBatch {
  private final List<UUID> jobIds = new ArrayList<>();
  private final List<String> types = new ArrayList<>();
  private final List<String> data = new ArrayList<>();
  private final List<JsonObject> pending = new ArrayList<>();

  /**
   * Runs {@code work} in a transaction, writes the events it recorded just before the commit and
   * publishes what was written after it.
   */
  static <T> Future<T> inTransaction(
      Pool pool, EventPublisher publisher, BiFunction<SqlConnection, EventBatch, Future<T>> work) {
    EventBatch events = new EventBatch();
    return pool.withTransaction(
            conn -> work.apply(conn, events).compose(r -> events.flush(conn).map(r)))
        .onSuccess(x -> events.publish(publisher));
  }

  /**
   * The JSON form of an event row ({@code id, job_id, type, data, created_at} under the given
   * column names).
   */
  static JsonObject fromRow(Row row, String id, String jobId, String type, String data, String at) {
    return new JsonObject()
        .put("id", row.getLong(id))
        .put("jobId", row.getUUID(jobId).toString())
        .put("type", row.getString(type))
        .put("data", row.getJsonObject(data))
        .put("at", row.getOffsetDateTime(at).toInstant().toString());
  }

  /**
   * A data-modifying CTE {@code name} that copies the job-level events (job.created, job.started,
   * job.progress below 1, job.succeeded, job.failed, job.cancelled, job.retried; not the per-task
   * ones) of CTE {@code from} (an insert into job_events returning {@code id, job_id, type, data})
   * into the tenant's events ({@code EventStore}), in the same statement.
   */
  static String tenantCopy(String name, String from) {
    return name
        + " AS (INSERT INTO events (tenant_id, type, subject, data)"
        + " SELECT jb.tenant_id, x.type, x.job_id::text,"
        + " x.data || jsonb_build_object('jobId', x.job_id, 'assetId', jb.asset_id)"
        + " FROM "
        + from
        + " x JOIN jobs jb ON jb.id = x.job_id"
        + " WHERE starts_with(x.type, 'job.') AND x.type <> 'job.planned'"
        // a job's last progress (1.0) comes with its job.succeeded: the tenant gets that one only
        + " AND NOT (x.type = 'job.progress' AND (x.data->>'progress')::float8 >= 1.0)"
        + " ORDER BY x.id)";
  }

  /** Records an event; it is written when the transaction flushes. */
  Future<Void> record(UUID jobId, String type, JsonObject payload) {
    jobIds.add(jobId);
    types.add(type);
    data.add(payload.encode());
    return Future.succeededFuture();
  }

  /** Adds an event a statement already wrote (a data-modifying CTE), to publish with the rest. */
  void written(JsonObject event) {
    pending.add(event);
  }

  /** Writes the recorded events, in recording order (ids ascend in that order). */
  Future<Void> flush(SqlConnection conn) {
    if (jobIds.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple args =
        Tuple.of(
            jobIds.toArray(new UUID[0]), types.toArray(new String[0]), data.toArray(new String[0]));
    jobIds.clear();
    types.clear();
    data.clear();
    return conn.preparedQuery(
            """
            WITH e AS (
              INSERT INTO job_events (job_id, type, data)
              SELECT j, t, d::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e(j, t, d, n)
               ORDER BY n
              RETURNING id, job_id, type, data, created_at),
            """
                + tenantCopy("te", "e")
                + " SELECT * FROM e ORDER BY id")
        .execute(args)
        .map(
            rs -> {
              for (Row row : rs) {
                pending.add(fromRow(row, "id", "job_id", "type", "data", "created_at"));
              }
              return null;
            });
  }

  /** Hands what was written to {@code publisher}, in id order, as one list. */
  void publish(EventPublisher publisher) {
    if (pending.isEmpty()) {
      return;
    }
    pending.sort(Comparator.comparingLong(e -> e.getLong("id")));
    List<JsonObject> out = new ArrayList<>(pending);
    pending.clear();
    publisher.publish(out);
  }
}
