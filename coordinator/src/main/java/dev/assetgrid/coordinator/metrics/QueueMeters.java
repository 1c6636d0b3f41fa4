package dev.assetgrid.coordinator.metrics;

import dev.assetgrid.coordinator.store.EventPublisher;
import dev.assetgrid.shared.metrics.GridMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The queue's metrics, drawn from the job events the queue's statements commit: each event is
 * counted once, by the coordinator whose statement wrote it (this publisher wraps the store's, not
 * the cluster-wide feed every coordinator receives).
 *
 * <ul>
 *   <li>{@code assetgrid_task_queue_wait_seconds{type}}: from ready ({@code run_at}) to leased; its
 *       {@code _count} is the tasks leased.
 *   <li>{@code assetgrid_task_attempt_seconds{type,outcome}}: from lease to the attempt's end
 *       (transfers included), outcome {@code succeeded}, {@code retrying}, {@code failed}, {@code
 *       dead} or {@code cancelled}; {@code rate(..._count[1m])} is tasks per second.
 *   <li>{@code assetgrid_task_errors_total{type,code}}: attempts that ended with an error code.
 *   <li>{@code assetgrid_jobs_finished_total{state}}: jobs that succeeded, failed or were
 *       cancelled.
 * </ul>
 *
 * The times come from the database's clock in the same statement ({@code waitedMs}, {@code
 * durationMs} in the events), so they need no agreement between the coordinators' clocks.
 */
public final class QueueMeters {
  private static final JsonObject NO_DATA = new JsonObject();

  private final MeterRegistry registry;

  /**
   * The meters by name and labels, so an event costs a map lookup, not a builder, tags and an id
   * (the queue publishes several events per task).
   */
  private final java.util.Map<String, io.micrometer.core.instrument.Meter> meters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public QueueMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code publisher}, counting what passes through it on the way. */
  public EventPublisher observing(EventPublisher publisher) {
    return events -> {
      record(events);
      publisher.publish(events);
    };
  }

  void record(List<JsonObject> events) {
    for (JsonObject e : events) {
      String type = e.getString("type", "");
      JsonObject data = e.getJsonObject("data");
      if (data == null) {
        data = NO_DATA;
      }
      if (type.equals("task.leased")) {
        timer(
                "assetgrid.task.queue.wait",
                "Time a task waited ready before a node leased it",
                "type",
                GridMeters.typeLabel(data.getString("type")))
            .record(millis(data.getValue("waitedMs")));
      } else if (type.startsWith("task.")) {
        String taskType = GridMeters.typeLabel(data.getString("type"));
        timer(
                "assetgrid.task.attempt",
                "Attempts from lease to end, by how they ended",
                "type",
                taskType,
                "outcome",
                type.substring("task.".length()))
            .record(millis(data.getValue("durationMs")));
        String code = data.getString("code");
        if (code != null) {
          counter(
                  "assetgrid.task.errors",
                  "Attempts that ended with an error, by code",
                  "type",
                  taskType,
                  "code",
                  GridMeters.codeLabel(code))
              .increment();
        }
      } else if (type.equals("job.succeeded")
          || type.equals("job.failed")
          || type.equals("job.cancelled")) {
        counter(
                "assetgrid.jobs.finished",
                "Jobs that ended, by state",
                "state",
                type.substring("job.".length()))
            .increment();
      }
    }
  }

  private Timer timer(String name, String description, String... tags) {
    return (Timer)
        meters.computeIfAbsent(
            key(name, tags),
            k -> Timer.builder(name).description(description).tags(tags).register(registry));
  }

  private Counter counter(String name, String description, String... tags) {
    return (Counter)
        meters.computeIfAbsent(
            key(name, tags),
            k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private static String key(String name, String... tags) {
    return name + '|' + String.join("|", tags);
  }

  private static Duration millis(Object v) {
    return v instanceof Number n ? Duration.ofMillis(Math.max(0, n.longValue())) : Duration.ZERO;
  }
}
