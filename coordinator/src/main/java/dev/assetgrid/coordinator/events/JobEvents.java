package dev.assetgrid.coordinator.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Job events: a row in {@code job_events} written in the same transaction as the state change it
 * describes, then published cluster-wide once the transaction committed, so an SSE client on any
 * coordinator sees it live and a reconnecting one can replay from the table.
 *
 * <p>Design note. Every committed batch of events is one message on the single address
 * {@link #ADDRESS}, which only coordinators consume; each coordinator's {@link Hub} hands the events
 * to its local subscribers by job id. One address per job looked natural but costs a cluster
 * registry lookup (a Hazelcast multimap read) for every new job id, per event.
 */
public final class JobEvents {
  /** Where committed event batches are published: {@code {"events":[...]}}. */
  public static final String ADDRESS = "assetgrid.job-events";

  private JobEvents() {}

  /**
   * Runs {@code work} in a transaction and writes the events it recorded in one multi-row insert
   * just before the commit (one round trip per transaction instead of one per event).
   */
  public static <T> Future<T> inTransaction(Pool pool, Batch events,
      java.util.function.Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(conn -> work.apply(conn).compose(r -> events.flush(conn).map(r)));
  }

  /** The JSON form of an event row ({@code id, job_id, type, data, created_at} under the given column names). */
  public static JsonObject fromRow(Row row, String id, String jobId, String type, String data, String at) {
    return new JsonObject().put("id", row.getLong(id)).put("jobId", row.getUUID(jobId).toString())
        .put("type", row.getString(type)).put("data", row.getJsonObject(data))
        .put("at", row.getOffsetDateTime(at).toInstant().toString());
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

    /** Adds an event a statement already wrote (a data-modifying CTE), to publish with the rest. */
    public void written(JsonObject event) {
      pending.add(event);
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
            for (Row row : rs) {
              pending.add(fromRow(row, "id", "job_id", "type", "data", "created_at"));
            }
            return null;
          });
    }

    /** Publishes what was written, in id order, as one message. */
    public void publish(Vertx vertx) {
      if (pending.isEmpty()) {
        return;
      }
      pending.sort(java.util.Comparator.comparingLong(e -> e.getLong("id")));
      vertx.eventBus().publish(ADDRESS, new JsonObject().put("events", new JsonArray(new ArrayList<>(pending))));
      pending.clear();
    }
  }

  /**
   * A coordinator's receiver of published events: one consumer on {@link #ADDRESS}, fanning out to
   * local subscribers of a job on the subscriber's own context.
   */
  public static final class Hub {
    private final Map<UUID, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final MessageConsumer<JsonObject> consumer;

    private record Subscriber(Context context, Handler<JsonObject> handler) {}

    /** A subscription; {@link #close()} stops delivery. */
    public interface Subscription extends AutoCloseable {
      @Override
      void close();
    }

    public Hub(Vertx vertx) {
      consumer = vertx.eventBus().consumer(ADDRESS, m -> {
        JsonArray events = m.body().getJsonArray("events");
        if (events == null) {
          return;
        }
        for (Object o : events) {
          JsonObject e = (JsonObject) o;
          Set<Subscriber> subs = subscribers.get(UUID.fromString(e.getString("jobId")));
          if (subs != null) {
            for (Subscriber s : subs) {
              s.context().runOnContext(v -> s.handler().handle(e));
            }
          }
        }
      });
    }

    /** Completes once the hub receives cluster-wide publications. */
    public Future<Void> ready() {
      return consumer.completion();
    }

    /** Delivers the job's events published from now on to {@code handler}, on the caller's context. */
    public Subscription subscribe(Vertx vertx, UUID jobId, Handler<JsonObject> handler) {
      Subscriber s = new Subscriber(vertx.getOrCreateContext(), handler);
      subscribers.computeIfAbsent(jobId, k -> new CopyOnWriteArraySet<>()).add(s);
      return () -> subscribers.computeIfPresent(jobId, (k, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
    }

    public Future<Void> close() {
      return consumer.unregister();
    }
  }
}
