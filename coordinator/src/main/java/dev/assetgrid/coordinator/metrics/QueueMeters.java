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
  private final MeterRegistry registry;

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
      JsonObject data = e.getJsonObject("data", new JsonObject());
      if (type.equals("task.leased")) {
        timer("assetgrid.task.queue.wait", "Time a task waited ready before a node leased it")
            .tags("type", GridMeters.typeLabel(data.getString("type")))
            .register(registry)
            .record(millis(data.getValue("waitedMs")));
      } else if (type.startsWith("task.")) {
        String taskType = GridMeters.typeLabel(data.getString("type"));
        timer("assetgrid.task.attempt", "Attempts from lease to end, by how they ended")
            .tags("type", taskType, "outcome", type.substring("task.".length()))
            .register(registry)
            .record(millis(data.getValue("durationMs")));
        String code = data.getString("code");
        if (code != null) {
          Counter.builder("assetgrid.task.errors")
              .description("Attempts that ended with an error, by code")
              .tags("type", taskType, "code", GridMeters.codeLabel(code))
              .register(registry)
              .increment();
        }
      } else if (type.equals("job.succeeded")
          || type.equals("job.failed")
          || type.equals("job.cancelled")) {
        Counter.builder("assetgrid.jobs.finished")
            .description("Jobs that ended, by state")
            .tags("state", type.substring("job.".length()))
            .register(registry)
            .increment();
      }
    }
  }

  private static Timer.Builder timer(String name, String description) {
    return Timer.builder(name).description(description);
  }

  private static Duration millis(Object v) {
    return v instanceof Number n ? Duration.ofMillis(Math.max(0, n.longValue())) : Duration.ZERO;
  }
}
