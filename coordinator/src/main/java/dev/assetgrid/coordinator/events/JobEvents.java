package dev.assetgrid.coordinator.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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

  /** Events recorded inside one transaction, published after it commits. */
  public static final class Batch {
    private final List<JsonObject> pending = new ArrayList<>();

    public Future<Void> record(SqlConnection conn, UUID jobId, String type, JsonObject data) {
      return conn.preparedQuery("INSERT INTO job_events (job_id, type, data) VALUES ($1, $2, $3) RETURNING id, created_at")
          .execute(Tuple.of(jobId, type, data))
          .map(rs -> {
            var row = rs.iterator().next();
            pending.add(new JsonObject().put("id", row.getLong("id")).put("jobId", jobId.toString()).put("type", type)
                .put("data", data).put("at", row.getOffsetDateTime("created_at").toInstant().toString()));
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
