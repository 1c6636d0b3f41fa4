package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.events.TenantEvents;
import dev.assetgrid.coordinator.store.EventStore;
import dev.assetgrid.coordinator.store.EventStore.Cursor;
import dev.assetgrid.coordinator.store.EventStore.Event;
import dev.assetgrid.shared.error.AssetGridException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/events}: the caller's tenant's events as server-sent events (assets, jobs,
 * webhooks), optionally only some types ({@code ?types=job.failed,asset.*}). Each event's SSE id is
 * its cursor; a client that reconnects with {@code Last-Event-ID} (or {@code ?after=}) gets every
 * event after it from the table, then the live ones, none twice and none missed. Without a cursor
 * the stream starts now; {@code after=0-0} replays everything still retained.
 */
final class EventsResource implements HttpResource {
  /** Events read per replay query. */
  static final int REPLAY_BATCH = 500;

  private static final Comparator<Cursor> ORDER =
      Comparator.comparingLong(Cursor::tx).thenComparingLong(Cursor::id);

  private final Vertx vertx;
  private final EventStore store;
  private final TenantEvents feed;

  EventsResource(Vertx vertx, EventStore store, TenantEvents feed) {
    this.vertx = vertx;
    this.store = store;
    this.feed = feed;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/events").handler(this::stream);
  }

  /** One client's stream: what it was sent last, and what came live while it replayed. */
  private final class Stream {
    final HttpServerResponse resp;
    final List<String> types;
    Cursor sent;
    final List<Event> early = new ArrayList<>();
    boolean replayed;

    Stream(HttpServerResponse resp, List<String> types) {
      this.resp = resp;
      this.types = types;
    }

    void live(Event e) {
      if (replayed) {
        emit(e);
      } else {
        early.add(e);
      }
    }

    void emit(Event e) {
      if (resp.ended() || (sent != null && ORDER.compare(e.cursor(), sent) <= 0)) {
        return;
      }
      sent = e.cursor();
      if (types != null && !EventStore.matches(types, e.type())) {
        return;
      }
      resp.write(
          "id: "
              + e.cursor().encode()
              + "\nevent: "
              + e.type()
              + "\ndata: "
              + e.body().encode()
              + "\n\n");
    }

    /** Replays from {@code from} in batches, then hands over to the live events. */
    Future<Void> replay(UUID tenant, Cursor from) {
      return store
          .after(tenant, from, types, REPLAY_BATCH)
          .compose(
              b -> {
                b.events().forEach(this::emit);
                if (b.events().size() == REPLAY_BATCH && !resp.ended()) {
                  return replay(tenant, b.next());
                }
                replayed = true;
                early.forEach(this::emit);
                early.clear();
                return Future.succeededFuture();
              });
    }
  }

  private void stream(RoutingContext ctx) {
    List<String> types;
    Cursor after;
    try {
      String t = Paging.param(ctx, "types");
      types =
          t == null
              ? null
              : EventStore.patterns(
                  new JsonArray(Arrays.stream(t.split(",")).map(String::trim).toList()), "/types");
      String last = ctx.request().getHeader("Last-Event-ID");
      if (last == null || last.isBlank()) {
        last = Paging.param(ctx, "after");
      }
      after = last == null ? null : Cursor.decode(last.trim());
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    UUID tenant = Access.tenant(ctx);
    HttpServerResponse resp = ctx.response();
    long ping = EventStreams.open(vertx, resp);
    Stream s = new Stream(resp, types);
    TenantEvents.Subscription sub = feed.subscribe(tenant, s::live);
    resp.closeHandler(
        v -> {
          sub.close();
          vertx.cancelTimer(ping);
        });
    (after == null ? store.head() : Future.succeededFuture(after))
        .compose(
            from -> {
              if (after == null) {
                s.sent = from;
              }
              // the answer's head goes out once the start is fixed: a client that sees it and then
              // makes a change gets that change's events
              resp.write(": events of your tenant\n\n");
              return s.replay(tenant, from);
            })
        .onFailure(
            e -> {
              sub.close();
              vertx.cancelTimer(ping);
              if (!resp.ended()) {
                resp.end();
              }
            });
  }
}
