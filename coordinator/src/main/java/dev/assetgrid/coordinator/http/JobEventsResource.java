package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.id;

import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/jobs/{id}/events}, server-sent events: replays stored events after {@code
 * Last-Event-ID} (or {@code ?after=}), then streams live ones from the {@link JobEvents.Hub}; the
 * stream ends after the job's terminal event.
 */
final class JobEventsResource implements HttpResource {
  private final Vertx vertx;
  private final AssetStore assets;
  private final JobEvents.Hub hub;

  JobEventsResource(Vertx vertx, AssetStore assets, JobEvents.Hub hub) {
    this.vertx = vertx;
    this.assets = assets;
    this.hub = hub;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/jobs/:id/events").handler(Access::nameJob).handler(this::events);
  }

  private void events(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    String lastId = ctx.request().getHeader("Last-Event-ID");
    if (lastId == null) {
      lastId = ctx.request().getParam("after");
    }
    long after;
    try {
      after = lastId == null ? 0 : Long.parseLong(lastId);
    } catch (NumberFormatException e) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "Last-Event-ID must be a number");
      return;
    }
    UUID tenant = Access.tenant(ctx);
    assets
        .getJob(tenant, id)
        .onFailure(e -> Problems.send(ctx, e))
        .onSuccess(
            job -> {
              if (job.isEmpty()) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
                return;
              }
              HttpServerResponse resp = ctx.response();
              long ping = EventStreams.open(vertx, resp);
              resp.write(": job " + id + "\n\n");
              long[] sent = {after};
              List<JsonObject> early = new ArrayList<>();
              boolean[] replayed = {false};
              boolean[] stopped = {false};
              JobEvents.Hub.Subscription[] sub = new JobEvents.Hub.Subscription[1];
              Runnable stop =
                  () -> {
                    stopped[0] = true;
                    sub[0].close();
                    vertx.cancelTimer(ping);
                  };
              resp.closeHandler(v -> stop.run());
              sub[0] =
                  hub.subscribe(
                      vertx,
                      id,
                      e -> {
                        if (stopped[0]) {
                          return;
                        }
                        if (!replayed[0]) {
                          early.add(e);
                        } else {
                          emit(resp, e, sent, stop);
                        }
                      });
              assets
                  .events(tenant, id, after)
                  .onSuccess(
                      stored -> {
                        for (JsonObject e : stored) {
                          emit(resp, e, sent, stop);
                        }
                        replayed[0] = true;
                        for (JsonObject e : early) {
                          emit(resp, e, sent, stop);
                        }
                        early.clear();
                      })
                  .onFailure(
                      e -> {
                        stop.run();
                        resp.end();
                      });
            });
  }

  private static void emit(HttpServerResponse resp, JsonObject e, long[] sent, Runnable stop) {
    long id = e.getLong("id");
    if (id <= sent[0] || resp.ended()) {
      return;
    }
    sent[0] = id;
    resp.write("id: " + id + "\nevent: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n");
    String type = e.getString("type");
    if ("job.succeeded".equals(type) || "job.failed".equals(type) || "job.cancelled".equals(type)) {
      stop.run();
      resp.end();
    }
  }
}
