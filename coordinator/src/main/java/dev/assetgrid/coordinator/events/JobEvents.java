package dev.assetgrid.coordinator.events;

import dev.assetgrid.coordinator.store.EventPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Job events live: the rows a store wrote in {@code job_events} with the change they describe
 * ({@code store.EventBatch}) are published cluster-wide once their transaction committed, so an SSE
 * client on any coordinator sees them live and a reconnecting one can replay from the table.
 *
 * <p>Design note. Every committed batch of events is one message on the single address {@link
 * #ADDRESS}, which only coordinators consume; each coordinator's {@link Hub} hands the events to
 * its local subscribers by job id. One address per job looked natural but costs a cluster registry
 * lookup (a Hazelcast multimap read) for every new job id, per event.
 */
public final class JobEvents {
  /** Where committed event batches are published: {@code {"events":[...]}}. */
  public static final String ADDRESS = "assetgrid.job-events";

  private JobEvents() {}

  /**
   * Publishes committed events (one message per transaction) on {@link #ADDRESS}: what the stores
   * are given to publish with.
   */
  public static EventPublisher publisher(Vertx vertx) {
    return events ->
        vertx
            .eventBus()
            .publish(
                ADDRESS, new JsonObject().put("events", new JsonArray(new ArrayList<>(events))));
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
      consumer =
          vertx
              .eventBus()
              .consumer(
                  ADDRESS,
                  m -> {
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

    /**
     * Delivers the job's events published from now on to {@code handler}, on the caller's context.
     */
    public Subscription subscribe(Vertx vertx, UUID jobId, Handler<JsonObject> handler) {
      Subscriber s = new Subscriber(vertx.getOrCreateContext(), handler);
      subscribers.computeIfAbsent(jobId, k -> new CopyOnWriteArraySet<>()).add(s);
      return () ->
          subscribers.computeIfPresent(
              jobId,
              (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
              });
    }

    public Future<Void> close() {
      return consumer.unregister();
    }
  }
}
