package dev.assetgrid.coordinator.metrics;

import dev.assetgrid.coordinator.store.GridCensus;
import dev.assetgrid.shared.state.TaskType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The grid's counts from the database as gauges, sampled when {@code /metrics} is scraped (at most
 * once per {@link #MIN_INTERVAL}; scrapes that meet share one sample), so a grid nobody scrapes
 * pays nothing:
 *
 * <ul>
 *   <li>{@code assetgrid_queue_tasks{type,state}}: open tasks, state {@code pending} (waiting for
 *       another task), {@code queued} (ready or in backoff) or {@code leased}; every known type and
 *       state has a series, 0 when none;
 *   <li>{@code assetgrid_imports_open{state}}: imports listing or running;
 *   <li>{@code assetgrid_webhook_deliveries_pending}: the webhook outbox;
 *   <li>{@code assetgrid_blobs{kind}} and {@code assetgrid_blobs_stored_bytes{kind}}.
 * </ul>
 *
 * Blobs by kind scan the {@code blobs} table (about 100 ms per million blobs).
 *
 * <p>These are the grid's, not this coordinator's: every coordinator reports the same figures, so
 * dashboards take {@code max} across coordinators, not {@code sum}.
 */
public final class GridGauges {
  /** The shortest time between two samples. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private static final List<String> TASK_STATES = List.of("pending", "queued", "leased");
  private static final List<String> IMPORT_STATES = List.of("listing", "running");
  private static final List<String> BLOB_KINDS = List.of("original", "derivative", "thumbnail");

  private final GridCensus census;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
  private long sampledAt = Long.MIN_VALUE;
  private Future<Void> inFlight;

  public GridGauges(GridCensus census, MeterRegistry registry) {
    this.census = census;
    for (TaskType t : TaskType.values()) {
      for (String s : TASK_STATES) {
        Gauge.builder("assetgrid.queue.tasks", value("task/" + t.wire() + "/" + s), AtomicLong::get)
            .description("Open tasks of the grid by type and state (sampled from the database)")
            .tags("type", t.wire(), "state", s)
            .register(registry);
      }
    }
    for (String s : IMPORT_STATES) {
      Gauge.builder("assetgrid.imports.open", value("import/" + s), AtomicLong::get)
          .description("Imports of the grid listing or importing their items")
          .tags("state", s)
          .register(registry);
    }
    Gauge.builder("assetgrid.webhook.deliveries.pending", value("deliveries"), AtomicLong::get)
        .description("Webhook deliveries waiting for their next attempt")
        .register(registry);
    for (String k : BLOB_KINDS) {
      Gauge.builder("assetgrid.blobs", value("blobs/" + k), AtomicLong::get)
          .description("Blobs in the store by kind")
          .tags("kind", k)
          .register(registry);
      Gauge.builder("assetgrid.blobs.stored", value("bytes/" + k), AtomicLong::get)
          .description("Bytes in the store by kind (each blob once, however many files share it)")
          .baseUnit("bytes")
          .tags("kind", k)
          .register(registry);
    }
  }

  private AtomicLong value(String key) {
    return values.computeIfAbsent(key, k -> new AtomicLong());
  }

  private void set(String key, long v) {
    AtomicLong a = values.get(key);
    if (a != null) {
      a.set(v);
    }
  }

  /**
   * Samples again unless the last sample is younger than {@link #MIN_INTERVAL}; completes when the
   * gauges hold a sample (a failed sample leaves the previous values). Call on one context.
   */
  public synchronized Future<Void> refresh() {
    long now = System.nanoTime();
    if (inFlight != null) {
      return inFlight;
    }
    if (sampledAt != Long.MIN_VALUE && now - sampledAt < MIN_INTERVAL.toNanos()) {
      return Future.succeededFuture();
    }
    Future<Void> f = sample().andThen(ar -> done(now));
    if (!f.isComplete()) {
      inFlight = f;
    }
    return f;
  }

  private synchronized void done(long at) {
    sampledAt = at;
    inFlight = null;
  }

  private Future<Void> sample() {
    Future<Void> open =
        census
            .open()
            .map(
                o -> {
                  for (TaskType t : TaskType.values()) {
                    Map<String, Long> byState = o.tasks().getOrDefault(t.wire(), Map.of());
                    for (String s : TASK_STATES) {
                      set("task/" + t.wire() + "/" + s, byState.getOrDefault(s, 0L));
                    }
                  }
                  for (String s : IMPORT_STATES) {
                    set("import/" + s, o.imports().getOrDefault(s, 0L));
                  }
                  set("deliveries", o.pendingDeliveries());
                  return null;
                });
    return open.compose(
        v ->
            census
                .blobs()
                .map(
                    b -> {
                      for (String k : BLOB_KINDS) {
                        GridCensus.Stored s = b.getOrDefault(k, new GridCensus.Stored(0, 0));
                        set("blobs/" + k, s.count());
                        set("bytes/" + k, s.bytes());
                      }
                      return null;
                    }));
  }
}
