package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Paging.cursor;
import static dev.assetgrid.coordinator.http.Paging.limit;
import static dev.assetgrid.coordinator.http.Paging.param;
import static dev.assetgrid.coordinator.http.Paging.time;
import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.ingest.ReceivedFile;
import dev.assetgrid.coordinator.ingest.ReceivedUpload;
import dev.assetgrid.coordinator.ingest.UploadLimits;
import dev.assetgrid.coordinator.ingest.UploadReceiver;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /v1/assets}: streaming upload ({@code POST}, an asset with its first job), the filtered,
 * paged list, one asset, its files, and {@code POST /v1/assets/{id}/jobs} (a new job over it).
 */
final class AssetsResource implements HttpResource {
  private final Vertx vertx;
  private final AssetStore assets;
  private final BlobStore blobs;
  private final UploadLimits uploadLimits;
  private final Idempotency idempotency;
  private final Runnable onQueued;

  private final Access access;

  /** Counts downloads answered by a redirect to the store; null: downloads stream. */
  private final Transfers redirects;

  AssetsResource(
      Access access,
      Vertx vertx,
      AssetStore assets,
      BlobStore blobs,
      UploadLimits uploadLimits,
      Idempotency idempotency,
      Runnable onQueued,
      Transfers redirects) {
    this.redirects = redirects;
    this.access = access;
    this.vertx = vertx;
    this.assets = assets;
    this.blobs = blobs;
    this.uploadLimits = uploadLimits;
    this.idempotency = idempotency;
    this.onQueued = onQueued;
  }

  @Override
  public void register(Router r) {
    access.write(r.post("/v1/assets"), "asset.create", Role.WRITER).handler(this::upload);
    r.get("/v1/assets").handler(this::listAssets);
    r.get("/v1/assets/:id").handler(this::getAsset);
    r.get("/v1/assets/:id/files/:name").handler(this::getFile);
    access.write(r.delete("/v1/assets/:id"), "asset.delete", Role.WRITER).handler(this::delete);
    access
        .write(
            r.patch("/v1/assets/:id").handler(BodyHandler.create().setBodyLimit(32 * 1024)),
            "asset.update",
            Role.WRITER)
        .handler(this::patch);
    access
        .write(
            r.post("/v1/assets/:id/jobs").handler(BodyHandler.create().setBodyLimit(64 * 1024)),
            "job.create",
            Role.WRITER)
        .handler(this::newJob);
  }

  private void upload(RoutingContext ctx) {
    String key = ctx.request().getHeader(Idempotency.HEADER);
    if (!Idempotency.checkKey(ctx, key)) {
      return;
    }
    // a pipeline in the query string is checked before a byte of the upload is read
    PipelineSpec queryPipeline;
    try {
      queryPipeline = PipelineSpec.parse(ctx.request().getParam("pipeline"));
    } catch (AssetGridException e) {
      ctx.response().putHeader("Connection", "close");
      Problems.send(ctx, e);
      return;
    }
    UUID tenant = Access.tenant(ctx);
    Long declared = contentLength(ctx);
    Future<java.util.Optional<JsonObject>> replay =
        idempotency.storedReply(tenant, key, "/v1/assets");
    ctx.request().pause();
    replay
        // a tenant at its quota is told before it sends the bytes (the transaction checks again)
        .compose(
            prev ->
                prev.isPresent()
                    ? Future.succeededFuture(prev)
                    : assets
                        .precheckUpload(tenant, declared)
                        .compose(v -> access.chargeUpload(ctx, declared))
                        .map(prev))
        .onFailure(
            e -> {
              ctx.response().putHeader("Connection", "close");
              Problems.send(ctx, e);
            })
        .onSuccess(
            prev -> {
              if (prev.isPresent()) {
                ctx.response()
                    .putHeader("Idempotent-Replayed", "true")
                    .putHeader("Connection", "close");
                json(ctx, prev.get().getInteger("status"), prev.get().getJsonObject("body"));
                return;
              }
              new UploadReceiver(vertx, blobs, uploadLimits)
                  .receive(ctx.request(), new BlobSpace(tenant, BlobKind.ORIGINAL))
                  .compose(up -> createAsset(up, queryPipeline, ctx))
                  .onSuccess(
                      created -> {
                        String assetId = created.getJsonObject("asset").getString("id");
                        String jobId = created.getJsonObject("job").getString("id");
                        ctx.response()
                            .putHeader("Location", "/v1/assets/" + assetId)
                            .putHeader("Content-Location", "/v1/jobs/" + jobId)
                            .putHeader(
                                "Link",
                                "</v1/jobs/"
                                    + jobId
                                    + ">; rel=\"job\", </v1/jobs/"
                                    + jobId
                                    + "/events>; rel=\"events\"");
                        onQueued.run();
                        idempotency
                            .remember(tenant, key, "/v1/assets", 202, created)
                            .onComplete(x -> json(ctx, 202, created));
                      })
                  .onFailure(e -> Problems.send(ctx, e));
            });
  }

  /** The request's Content-Length, or null when it has none (chunked) or it is not a number. */
  private static Long contentLength(RoutingContext ctx) {
    String v = ctx.request().getHeader("Content-Length");
    try {
      return v == null ? null : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * @param queryPipeline the query string's pipeline (the default when it has none); a form field
   *     {@code pipeline} takes its place
   */
  private Future<JsonObject> createAsset(
      ReceivedUpload up, PipelineSpec queryPipeline, RoutingContext ctx) {
    ReceivedFile primary;
    PipelineSpec pipeline;
    try {
      primary = up.primary();
      String field = up.fields().get("pipeline");
      pipeline = field != null ? PipelineSpec.parse(field) : queryPipeline;
    } catch (AssetGridException e) {
      return Future.failedFuture(e);
    }
    String name = up.fields().getOrDefault("name", ctx.request().getParam("name"));
    if (name == null || name.isBlank()) {
      name =
          primary.filename() != null ? primary.filename() : "asset." + primary.format().extension();
    }
    String tagText = up.fields().getOrDefault("tags", ctx.request().getParam("tags"));
    List<String> tags =
        tagText == null
            ? List.of()
            : Arrays.stream(tagText.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .distinct()
                .toList();
    List<AssetStore.NewFile> files = new ArrayList<>();
    files.add(
        new AssetStore.NewFile(
            "original",
            "original",
            primary.blob().sha256(),
            primary.blob().size(),
            primary.format().mediaType()));
    for (ReceivedFile f : up.files()) {
      if (f != primary && f.filename() != null) {
        files.add(
            new AssetStore.NewFile(
                f.filename(),
                "side",
                f.blob().sha256(),
                f.blob().size(),
                f.contentType() == null ? "application/octet-stream" : f.contentType()));
      }
    }
    return assets.createAssetWithJob(
        Access.actor(ctx),
        new AssetStore.NewAsset(
            name, primary.format(), primary.blob().sha256(), primary.blob().size(), tags, files),
        pipeline);
  }

  private void listAssets(RoutingContext ctx) {
    try {
      var q =
          new AssetStore.AssetQuery(
              param(ctx, "tag"),
              param(ctx, "format"),
              param(ctx, "status"),
              param(ctx, "q"),
              time(ctx, "createdFrom"),
              time(ctx, "createdBefore"));
      assets
          .listAssets(Access.tenant(ctx), q, cursor(ctx), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void getAsset(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    assets
        .getAsset(Access.tenant(ctx), id)
        .onSuccess(
            a ->
                a.ifPresentOrElse(
                    x -> json(ctx, 200, x),
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  static final int MAX_INFO_BYTES = 16 * 1024;

  /**
   * {@code PATCH /v1/assets/{id}} {@code {"name"?, "tags"?, "info"?}}: tags replace the list,
   * {@code info} is merged (RFC 7396; null removes a member). 200 with the asset.
   */
  private void patch(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    String name;
    List<String> tags;
    JsonObject info;
    try {
      JsonObject body = Bodies.object(ctx, "{\"name\"?, \"tags\"?: [..], \"info\"?: {..}}");
      for (String k : body.fieldNames()) {
        if (!List.of("name", "tags", "info").contains(k)) {
          throw Bodies.invalid("/" + k, k + " cannot be changed; name, tags and info can");
        }
      }
      name = Bodies.string(body, "name", 200);
      tags = Bodies.tags(body);
      Object i = body.getValue("info");
      if (i != null && !(i instanceof JsonObject)) {
        throw Bodies.invalid("/info", "info must be a JSON object (a merge patch)");
      }
      info = (JsonObject) i;
      if (info != null && info.encode().length() > MAX_INFO_BYTES) {
        throw Bodies.invalid("/info", "info must stay under " + MAX_INFO_BYTES + " bytes");
      }
      if (name == null && tags == null && info == null) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, "nothing to change: give name, tags or info");
      }
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    assets
        .patchAsset(Access.actor(ctx), id, name, tags, info)
        .onSuccess(
            a ->
                a.ifPresentOrElse(
                    x -> json(ctx, 200, x),
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** {@code DELETE /v1/assets/{id}}: 204, the asset gone from the API at once; 404 if none. */
  private void delete(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    assets
        .deleteAsset(Access.actor(ctx), id)
        .onSuccess(
            found -> {
              if (found) {
                ctx.response().setStatusCode(204).end();
              } else {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id);
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void getFile(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    String name = ctx.pathParam("name");
    assets
        .getFile(Access.tenant(ctx), id, name)
        .onSuccess(
            f ->
                f.ifPresentOrElse(
                    x -> {
                      if (redirects != null
                          && Responses.redirectToStore(
                              ctx, blobs, x.key(), x.contentType(), name)) {
                        redirects.redirected();
                      } else {
                        Responses.sendBlob(ctx, blobs, x.key(), x.size(), x.contentType(), name);
                      }
                    },
                    () -> absentFile(ctx, id, name)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** How long a client is told to wait for a dropped derivative being made again. */
  static final int REGENERATING_RETRY_AFTER_SECONDS = 30;

  /**
   * A file the asset does not have: {@code 503 DERIVATIVE_REGENERATING} with {@code Retry-After}
   * when the retention rule dropped it (and a job making it again is started, once), {@code 404}
   * otherwise.
   */
  private void absentFile(RoutingContext ctx, UUID id, String name) {
    assets
        .regenerate(Access.actor(ctx), id, name)
        .onSuccess(
            r -> {
              if (r.isEmpty()) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "file " + name + " of asset " + id);
                return;
              }
              if (r.get().started()) {
                onQueued.run();
              }
              UUID job = r.get().jobId();
              ctx.response()
                  .putHeader("Retry-After", String.valueOf(REGENERATING_RETRY_AFTER_SECONDS));
              Problems.send(
                  ctx,
                  ErrorCode.DERIVATIVE_REGENERATING,
                  "file "
                      + name
                      + " of asset "
                      + id
                      + " was dropped after going unread and is being made again"
                      + (job == null ? "" : " by job " + job)
                      + "; retry in "
                      + REGENERATING_RETRY_AFTER_SECONDS
                      + " s",
                  job == null ? Map.of() : Map.of("job", job.toString()));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void newJob(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    PipelineSpec spec;
    try {
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      spec = JobsResource.pipelineOf(body);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    } catch (RuntimeException e) {
      Problems.send(
          ctx, ErrorCode.INVALID_REQUEST, "body must be a JSON object: " + e.getMessage());
      return;
    }
    assets
        .createJob(Access.actor(ctx), id, spec)
        .compose(
            j ->
                j.isEmpty()
                    ? Future.succeededFuture(java.util.Optional.<JsonObject>empty())
                    : assets.getJob(Access.tenant(ctx), j.get()))
        .onSuccess(
            job ->
                job.ifPresentOrElse(
                    x -> {
                      onQueued.run();
                      ctx.response().putHeader("Location", "/v1/jobs/" + x.getString("id"));
                      json(ctx, 202, x);
                    },
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }
}
