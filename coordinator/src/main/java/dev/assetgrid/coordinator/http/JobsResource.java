package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Paging.cursor;
import static dev.assetgrid.coordinator.http.Paging.limit;
import static dev.assetgrid.coordinator.http.Paging.param;
import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.stage.OptionReader;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v1/jobs}: the paged list, one job with its tasks and attempts, bulk creation ({@code POST
 * /v1/jobs}), cancel and retry.
 */
final class JobsResource implements HttpResource {
  /** Largest body of {@code POST /v1/jobs}: far more than 1,000 ids and a pipeline need. */
  static final int MAX_BULK_BODY = 1 << 20;

  private final AssetStore assets;
  private final Scheduler scheduler;
  private final Idempotency idempotency;
  private final Runnable onQueued;

  private final Access access;

  JobsResource(
      Access access,
      AssetStore assets,
      Scheduler scheduler,
      Idempotency idempotency,
      Runnable onQueued) {
    this.access = access;
    this.assets = assets;
    this.scheduler = scheduler;
    this.idempotency = idempotency;
    this.onQueued = onQueued;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/jobs").handler(this::listJobs);
    access
        .write(
            r.post("/v1/jobs").handler(BodyHandler.create().setBodyLimit(MAX_BULK_BODY)),
            "job.create",
            Role.WRITER)
        .handler(this::newJobs);
    r.get("/v1/jobs/:id").handler(Access::nameJob).handler(this::getJob);
    access
        .write(r.post("/v1/jobs/:id/cancel").handler(Access::nameJob), "job.cancel", Role.WRITER)
        .handler(this::cancel);
    access
        .write(r.post("/v1/jobs/:id/retry").handler(Access::nameJob), "job.retry", Role.WRITER)
        .handler(this::retry);
  }

  /**
   * The {@code pipeline} member of a job request body, in any form {@link PipelineSpec#parse}
   * takes. When it is JSON (an object or an array), the pointer of a bad field is made relative to
   * the body ({@code /pipeline/stages/0/params/...}).
   */
  static PipelineSpec pipelineOf(JsonObject body) {
    Object p = body.getValue("pipeline");
    if (p == null) {
      return PipelineSpec.DEFAULT;
    }
    try {
      return PipelineSpec.parse(p.toString());
    } catch (AssetGridException e) {
      Object pointer = e.details().get(OptionReader.POINTER);
      if (pointer == null || p instanceof String) {
        throw e;
      }
      String at = "/pipeline" + pointer;
      throw new AssetGridException(
          e.code(),
          e.getMessage().replace(pointer + " ", at + " "),
          java.util.Map.of(OptionReader.POINTER, at),
          e);
    }
  }

  private void listJobs(RoutingContext ctx) {
    try {
      String asset = param(ctx, "assetId");
      UUID assetId = asset == null ? null : Ids.parse(asset);
      if (asset != null && assetId == null) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "assetId is not an id");
      }
      assets
          .listJobs(Access.tenant(ctx), param(ctx, "state"), assetId, cursor(ctx), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  /**
   * {@code POST /v1/jobs {"assets":[id, ...], "pipeline":...}}: one job per entry, created all or
   * nothing in one transaction (see {@link AssetStore#createJobs}), answered in entry order.
   */
  private void newJobs(RoutingContext ctx) {
    String key = ctx.request().getHeader(Idempotency.HEADER);
    if (!Idempotency.checkKey(ctx, key)) {
      return;
    }
    String path = "/v1/jobs";
    List<UUID> assetIds = new ArrayList<>();
    PipelineSpec spec;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null
          || !(body.getValue("assets") instanceof JsonArray entries)
          || entries.isEmpty()) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "body must be {\"assets\": [asset id, ...], \"pipeline\": ...} with at least one asset");
      }
      if (entries.size() > AssetStore.MAX_BULK_JOBS) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            entries.size()
                + " assets in one request; at most "
                + AssetStore.MAX_BULK_JOBS
                + " jobs per request");
      }
      for (int i = 0; i < entries.size(); i++) {
        UUID assetId = entries.getValue(i) instanceof String s ? Ids.parse(s) : null;
        if (assetId == null) {
          throw new AssetGridException(
              ErrorCode.INVALID_REQUEST,
              "assets[" + i + "] is not an asset id: " + entries.getValue(i));
        }
        assetIds.add(assetId);
      }
      spec = pipelineOf(body);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    } catch (RuntimeException e) {
      Problems.send(
          ctx, ErrorCode.INVALID_REQUEST, "body must be a JSON object: " + e.getMessage());
      return;
    }
    UUID tenant = Access.tenant(ctx);
    idempotency
        .storedReply(tenant, key, path)
        .compose(
            prev ->
                prev.isPresent()
                    ? Future.succeededFuture(Idempotency.Reply.stored(prev.get()))
                    : assets
                        .createJobs(Access.actor(ctx), assetIds, spec, key, path)
                        .map(
                            created -> {
                              onQueued.run();
                              return new Idempotency.Reply(202, created, false);
                            })
                        .recover(e -> idempotency.replayAfterConflict(tenant, key, path, e)))
        .onSuccess(
            r -> {
              if (r.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              }
              json(ctx, r.status(), r.body());
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void getJob(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    assets
        .getJob(Access.tenant(ctx), id)
        .onSuccess(
            j ->
                j.ifPresentOrElse(
                    x -> json(ctx, 200, x),
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void cancel(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    scheduler
        .cancelJob(Access.actor(ctx), id)
        .compose(
            ok ->
                assets
                    .getJob(Access.tenant(ctx), id)
                    .map(
                        j -> {
                          if (j.isEmpty()) {
                            Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
                          } else if (!ok) {
                            Problems.send(
                                ctx,
                                ErrorCode.CONFLICT,
                                "job " + id + " is already " + j.get().getString("state"));
                          } else {
                            json(ctx, 202, j.get());
                          }
                          return null;
                        }))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void retry(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    scheduler
        .retryJob(Access.actor(ctx), id)
        .compose(
            ok ->
                assets
                    .getJob(Access.tenant(ctx), id)
                    .map(
                        j -> {
                          if (j.isEmpty()) {
                            Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
                          } else if (!ok) {
                            Problems.send(
                                ctx,
                                ErrorCode.CONFLICT,
                                "only failed or cancelled jobs can be retried; job "
                                    + id
                                    + " is "
                                    + j.get().getString("state"));
                          } else {
                            json(ctx, 202, j.get());
                          }
                          return null;
                        }))
        .onFailure(e -> Problems.send(ctx, e));
  }
}
