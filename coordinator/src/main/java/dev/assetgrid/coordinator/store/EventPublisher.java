package dev.assetgrid.coordinator.store;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where a store hands the job events a transaction wrote, once it committed (never before, never
 * for a transaction that rolled back). The coordinator's implementation publishes them cluster-wide
 * for live SSE streams ({@code events.JobEvents#publisher}).
 */
@FunctionalInterface
public interface EventPublisher {
  /** Drops events: for stores that run without live subscribers. */
  EventPublisher NONE = events -> {};

  /**
   * @param events committed events in id order, each {@code {id, jobId, type, data, at}}; never
   *     empty
   */
  void publish(List<JsonObject> events);
}
