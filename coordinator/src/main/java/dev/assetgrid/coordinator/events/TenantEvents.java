package dev.assetgrid.coordinator.events;

import dev.assetgrid.coordinator.store.EventStore;
import dev.assetgrid.coordinator.store.EventStore.Cursor;
import dev.assetgrid.coordinator.store.EventStore.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's live feed of tenant events for its {@code GET /v1/events} streams: while anyone
 * listens it reads the events table forward from one cursor (a short poll, and at once when a
 * committed job-event batch is announced on the bus, which is when most events are written) and
 * hands each event to the subscribers of its tenant.
 *
 * <p>Design note. PostgreSQL's NOTIFY would push instead of poll, but a notifying transaction takes
 * a lock held through its commit that serializes every notifying commit of the server; with an
 * event in most queue transactions that would cap the queue. One indexed read per poll, made only
 * while someone listens, costs almost nothing.
 */
public final class TenantEvents {
  private static final Logger LOG = LoggerFactory.getLogger(TenantEvents.class);
  private static final int BATCH = 1000;

  /** How often the feed reads while someone listens (besides the bus hints). */
  public static final Duration POLL = Duration.ofMillis(500);

  private final Vertx vertx;
  private final EventStore store;
  private final Duration poll;
  private final Map<UUID, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private Context context;
  private BusHints hints;
  private long timer = -1;
  private Cursor cursor;
  private boolean reading;
  private boolean again;

  private record Subscriber(Context context, Handler<Event> handler) {}

  /** A subscription; {@link #close()} stops delivery. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  public TenantEvents(Vertx vertx, EventStore store, Duration poll) {
    this.vertx = vertx;
    this.store = store;
    this.poll = poll;
  }

  /** Listens for the bus's hints and starts the poll timer; reads run on the caller's context. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    // nobody listening: read() returns at once
    hints = new BusHints(vertx, this::read);
    timer = vertx.setPeriodic(poll.toMillis(), t -> read());
    return hints.ready();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return hints == null ? Future.succeededFuture() : hints.close();
  }

  /**
   * Delivers the tenant's events read from now on to {@code handler}, on the caller's context, in
   * cursor order. A stream replays from its own cursor first and drops what it already sent.
   */
  public Subscription subscribe(UUID tenant, Handler<Event> handler) {
    Subscriber s = new Subscriber(vertx.getOrCreateContext(), handler);
    subscribers.computeIfAbsent(tenant, k -> new CopyOnWriteArraySet<>()).add(s);
    context.runOnContext(v -> read());
    return () ->
        subscribers.computeIfPresent(
            tenant,
            (k, set) -> {
              set.remove(s);
              return set.isEmpty() ? null : set;
            });
  }

  /** Reads what is new now (or once more after the read in flight); on the feed's context. */
  private void read() {
    if (subscribers.isEmpty()) {
      cursor = null; // nobody listens: start again from the head when someone does
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    Future<Cursor> from = cursor == null ? store.head() : Future.succeededFuture(cursor);
    from.compose(c -> store.feed(subscribers.keySet(), c, BATCH).map(this::dispatch))
        .onComplete(
            ar -> {
              reading = false;
              if (ar.failed()) {
                LOG.warn("event feed read failed: {}", ar.cause().toString());
              } else if (ar.result() || again) {
                context.runOnContext(v -> read());
              }
            });
  }

  /** Hands out a batch; true when it was full (more to read at once). */
  private boolean dispatch(EventStore.Batch batch) {
    for (Event e : batch.events()) {
      Set<Subscriber> subs = subscribers.get(e.tenant());
      if (subs != null) {
        for (Subscriber s : subs) {
          s.context().runOnContext(v -> s.handler().handle(e));
        }
      }
    }
    cursor = batch.next();
    return batch.events().size() == BATCH;
  }
}
