package dev.assetgrid.coordinator.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts of the whole grid for the metrics' gauges, in one round trip, each through an index that
 * holds only the rows it counts: the open tasks of active jobs (through {@code jobs_tenant_active}
 * and {@code tasks_job}), open imports ({@code imports_active}) and pending webhook deliveries
 * ({@code webhook_deliveries_due}). Stored blobs by kind are a scan of {@code blobs}, so the
 * sampler takes them less often ({@link #blobs}).
 */
public final class GridCensus {
  private final Pool pool;

  public GridCensus(Pool pool) {
    this.pool = pool;
  }

  /**
   * What is open now.
   *
   * @param tasks task counts by {@code type} then state ({@code pending}, {@code queued}, {@code
   *     leased})
   * @param imports open imports by state ({@code listing}, {@code running})
   * @param pendingDeliveries webhook deliveries waiting for their next attempt
   */
  public record Open(
      Map<String, Map<String, Long>> tasks, Map<String, Long> imports, long pendingDeliveries) {}

  /** Stored blobs of one kind: how many, and their bytes. */
  public record Stored(long count, long bytes) {}

  private static final String OPEN_SQL =
      """
      SELECT 'task' AS what, type AS k1, state AS k2, count(*) AS n FROM tasks
       WHERE job_id = ANY(ARRAY(SELECT id FROM jobs WHERE state IN ('queued', 'running')))
         AND state IN ('pending', 'queued', 'leased')
       GROUP BY type, state
      UNION ALL
      SELECT 'import', state, NULL, count(*) FROM imports WHERE state IN ('listing', 'running') GROUP BY state
      UNION ALL
      SELECT 'delivery', NULL, NULL, count(*) FROM webhook_deliveries WHERE state = 'pending'
      """;

  public Future<Open> open() {
    return pool.query(OPEN_SQL)
        .execute()
        .map(
            rows -> {
              Map<String, Map<String, Long>> tasks = new HashMap<>();
              Map<String, Long> imports = new HashMap<>();
              long deliveries = 0;
              for (Row r : rows) {
                long n = r.getLong("n");
                switch (r.getString("what")) {
                  case "task" ->
                      tasks
                          .computeIfAbsent(r.getString("k1"), k -> new HashMap<>())
                          .put(r.getString("k2"), n);
                  case "import" -> imports.put(r.getString("k1"), n);
                  default -> deliveries = n;
                }
              }
              return new Open(tasks, imports, deliveries);
            });
  }

  /** Blobs in the store by kind ({@code original}, {@code derivative}, {@code thumbnail}). */
  public Future<Map<String, Stored>> blobs() {
    return pool.query(
            "SELECT kind, count(*) AS n, coalesce(sum(size_bytes), 0) AS b FROM blobs GROUP BY kind")
        .execute()
        .map(
            rows -> {
              Map<String, Stored> out = new HashMap<>();
              for (Row r : rows) {
                out.put(r.getString("kind"), new Stored(r.getLong("n"), r.getLong("b")));
              }
              return out;
            });
  }
}
