package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.ingest.ReceivedFile;
import dev.assetgrid.coordinator.ingest.ReceivedUpload;
import dev.assetgrid.coordinator.ingest.UploadLimits;
import dev.assetgrid.coordinator.ingest.UploadReceiver;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The coordinator's HTTP API ({@code /v1}), health endpoints, and the blob endpoints nodes use
 * ({@code /internal/tasks/...}, authorised by the lease token).
 */
public final class ApiVerticle extends VerticleBase {
  /** Header that carries a lease token on the internal blob endpoints. */
  public static final String LEASE_TOKEN_HEADER = "X-Lease-Token";
  /** Optional header on an output PUT: the sha256 the node computed; the upload is refused if it differs. */
  public static final String SHA256_HEADER = "X-Content-SHA256";
  /** Largest output a task may upload. */
  static final long MAX_OUTPUT_BYTES = 4L << 30;

  private final String host;
  private final int port;
  private final Pool pool;
  private final AssetStore assets;
  private final Scheduler scheduler;
  private final BlobStore blobs;
  private final NodeRegistry nodes;
  private final UploadLimits uploadLimits;
  private final BooleanSupplier ready;
  private final Runnable onQueued;
  private JobEvents.Hub hub;
  private HttpServer server;

  public ApiVerticle(String host, int port, Pool pool, AssetStore assets, Scheduler scheduler, BlobStore blobs,
      NodeRegistry nodes, UploadLimits uploadLimits, BooleanSupplier ready, Runnable onQueued) {
    this.host = host;
    this.port = port;
    this.pool = pool;
    this.assets = assets;
    this.scheduler = scheduler;
    this.blobs = blobs;
    this.nodes = nodes;
    this.uploadLimits = uploadLimits;
    this.ready = ready;
    this.onQueued = onQueued;
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router r = Router.router(vertx);
    r.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    r.get("/ready").handler(this::ready);

    r.post("/v1/assets").handler(this::upload);
    r.get("/v1/assets").handler(this::listAssets);
    r.get("/v1/jobs").handler(this::listJobs);
    r.get("/v1/assets/:id").handler(this::getAsset);
    r.get("/v1/assets/:id/files/:name").handler(this::getFile);
    r.post("/v1/assets/:id/jobs").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::newJob);
    r.post("/v1/jobs").handler(BodyHandler.create().setBodyLimit(MAX_BULK_BODY)).handler(this::newJobs);
    r.get("/v1/jobs/:id").handler(this::getJob);
    r.get("/v1/jobs/:id/events").handler(this::events);
    r.post("/v1/jobs/:id/cancel").handler(this::cancel);
    r.post("/v1/jobs/:id/retry").handler(this::retry);
    r.get("/v1/nodes").handler(ctx -> assets.runningByNode()
        .onSuccess(running -> json(ctx, 200, new JsonObject().put("nodes", nodes.snapshot(running))))
        .onFailure(e -> Problems.send(ctx, e)));

    r.get("/v1/stats").handler(this::stats);

    r.get("/internal/tasks/:taskId/inputs/:sha256").handler(this::downloadInput);
    r.put("/internal/tasks/:taskId/outputs/:name").handler(this::uploadOutput);

    r.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, ctx.request().path()));
    r.route().failureHandler(ctx -> {
      if (ctx.failure() != null) {
        Problems.send(ctx, ctx.failure());
      } else if (ctx.statusCode() == 413) {
        Problems.send(ctx, ErrorCode.UPLOAD_TOO_LARGE, "request body too large");
      } else if (ctx.statusCode() == 405) {
        Problems.send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().path());
      } else if (ctx.statusCode() == 404) {
        Problems.send(ctx, ErrorCode.NOT_FOUND, ctx.request().path());
      } else {
        Problems.send(ctx, ErrorCode.INVALID_REQUEST, "status " + ctx.statusCode());
      }
    });

    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setCompressionSupported(true).setDecompressionSupported(false));
    hub = new JobEvents.Hub(vertx);
    return hub.ready().compose(v -> server.requestHandler(r).listen());
  }

  // ------------------------------------------------------------------ health

  private void ready(RoutingContext ctx) {
    if (!ready.getAsBoolean()) {
      Problems.send(ctx, ErrorCode.NOT_READY, "starting");
      return;
    }
    assets.ping()
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("status", "ready").put("nodes", nodes.size())))
        .onFailure(e -> Problems.send(ctx, ErrorCode.NOT_READY, "database: " + e.getMessage()));
  }

  // ------------------------------------------------------------------ assets

  private void upload(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (!checkIdempotencyKey(ctx, key)) {
      return;
    }
    Future<java.util.Optional<JsonObject>> replay = storedReply(key, "/v1/assets");
    ctx.request().pause();
    replay.onFailure(e -> Problems.send(ctx, e)).onSuccess(prev -> {
      if (prev.isPresent()) {
        ctx.response().putHeader("Idempotent-Replayed", "true").putHeader("Connection", "close");
        json(ctx, prev.get().getInteger("status"), prev.get().getJsonObject("body"));
        return;
      }
      new UploadReceiver(vertx, blobs, uploadLimits).receive(ctx.request())
          .compose(up -> createAsset(up, ctx))
          .onSuccess(created -> {
            String assetId = created.getJsonObject("asset").getString("id");
            String jobId = created.getJsonObject("job").getString("id");
            ctx.response().putHeader("Location", "/v1/assets/" + assetId)
                .putHeader("Content-Location", "/v1/jobs/" + jobId)
                .putHeader("Link", "</v1/jobs/" + jobId + ">; rel=\"job\", </v1/jobs/" + jobId
                    + "/events>; rel=\"events\"");
            onQueued.run();
            Future<Void> remember = key == null ? Future.succeededFuture()
                : assets.rememberReply(key, "POST", "/v1/assets", 202, created);
            remember.onComplete(x -> json(ctx, 202, created));
          })
          .onFailure(e -> Problems.send(ctx, e));
    });
  }

  private Future<JsonObject> createAsset(ReceivedUpload up, RoutingContext ctx) {
    ReceivedFile primary;
    PipelineSpec pipeline;
    try {
      primary = up.primary();
      String pipelineText = up.fields().getOrDefault("pipeline", ctx.request().getParam("pipeline"));
      pipeline = PipelineSpec.parse(pipelineText);
    } catch (AssetGridException e) {
      return Future.failedFuture(e);
    }
    String name = up.fields().getOrDefault("name", ctx.request().getParam("name"));
    if (name == null || name.isBlank()) {
      name = primary.filename() != null ? primary.filename() : "asset." + primary.format().extension();
    }
    String tagText = up.fields().getOrDefault("tags", ctx.request().getParam("tags"));
    List<String> tags = tagText == null ? List.of()
        : Arrays.stream(tagText.split(",")).map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
    List<AssetStore.NewFile> files = new ArrayList<>();
    files.add(new AssetStore.NewFile("original", "original", primary.blob().sha256(), primary.blob().size(),
        primary.format().mediaType()));
    for (ReceivedFile f : up.files()) {
      if (f != primary && f.filename() != null) {
        files.add(new AssetStore.NewFile(f.filename(), "side", f.blob().sha256(), f.blob().size(),
            f.contentType() == null ? "application/octet-stream" : f.contentType()));
      }
    }
    return assets.createAssetWithJob(new AssetStore.NewAsset(name, primary.format(), primary.blob().sha256(),
        primary.blob().size(), tags, files), pipeline);
  }

  /** Largest page of a list endpoint. */
  static final int MAX_PAGE = 500;

  private void listAssets(RoutingContext ctx) {
    try {
      var q = new AssetStore.AssetQuery(param(ctx, "tag"), param(ctx, "format"), param(ctx, "status"),
          param(ctx, "q"), time(ctx, "createdFrom"), time(ctx, "createdBefore"));
      assets.listAssets(q, cursor(ctx), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void listJobs(RoutingContext ctx) {
    try {
      String asset = param(ctx, "assetId");
      UUID assetId = asset == null ? null : Ids.parse(asset);
      if (asset != null && assetId == null) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "assetId is not an id");
      }
      assets.listJobs(param(ctx, "state"), assetId, cursor(ctx), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? null : v;
  }

  private static java.time.OffsetDateTime time(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    try {
      return v == null ? null : java.time.OffsetDateTime.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, name + " must be an ISO-8601 time with offset");
    }
  }

  private static AssetStore.Cursor cursor(RoutingContext ctx) {
    String v = param(ctx, "after");
    return v == null ? null : AssetStore.Cursor.decode(v);
  }

  private static int limit(RoutingContext ctx) {
    String v = param(ctx, "limit");
    try {
      int n = v == null ? 50 : Integer.parseInt(v);
      if (n < 1 || n > MAX_PAGE) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "limit must be 1.." + MAX_PAGE);
    }
  }

  private void getAsset(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    assets.getAsset(id)
        .onSuccess(a -> a.ifPresentOrElse(x -> json(ctx, 200, x),
            () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void getFile(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    String name = ctx.pathParam("name");
    assets.getFile(id, name)
        .onSuccess(f -> f.ifPresentOrElse(x -> sendBlob(ctx, x.getString("sha256"), x.getString("contentType"), name),
            () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "file " + name + " of asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void sendBlob(RoutingContext ctx, String sha256, String contentType, String downloadName) {
    HttpServerResponse resp = ctx.response().putHeader("Content-Type", contentType)
        .putHeader("ETag", "\"" + sha256 + "\"");
    if (downloadName != null) {
      resp.putHeader("Content-Disposition", "attachment; filename=\"" + downloadName.replace("\"", "") + "\"");
    }
    var local = blobs.localPath(sha256);
    if (local.isPresent()) {
      resp.sendFile(local.get().toString()).onFailure(e -> Problems.send(ctx, e));
      return;
    }
    blobs.open(sha256)
        .compose(stream -> stream.pipeTo(resp))
        .onFailure(e -> Problems.send(ctx, e));
  }

  // ------------------------------------------------------------------ jobs

  /** The {@code pipeline} member of a job request body, in any form {@link PipelineSpec#parse} takes. */
  private static PipelineSpec pipelineOf(JsonObject body) {
    Object p = body.getValue("pipeline");
    return p == null ? PipelineSpec.DEFAULT : PipelineSpec.parse(p.toString());
  }

  private void newJob(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    PipelineSpec spec;
    try {
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      spec = pipelineOf(body);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    } catch (RuntimeException e) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "body must be a JSON object: " + e.getMessage());
      return;
    }
    assets.createJob(id, spec)
        .compose(j -> j.isEmpty() ? Future.succeededFuture(java.util.Optional.<JsonObject>empty()) : assets.getJob(j.get()))
        .onSuccess(job -> job.ifPresentOrElse(x -> {
          onQueued.run();
          ctx.response().putHeader("Location", "/v1/jobs/" + x.getString("id"));
          json(ctx, 202, x);
        }, () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "asset " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** Largest body of {@code POST /v1/jobs}: far more than 1,000 ids and a pipeline need. */
  static final int MAX_BULK_BODY = 1 << 20;

  /**
   * {@code POST /v1/jobs {"assets":[id, ...], "pipeline":...}}: one job per entry, created all or
   * nothing in one transaction (see {@link AssetStore#createJobs}), answered in entry order.
   */
  private void newJobs(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (!checkIdempotencyKey(ctx, key)) {
      return;
    }
    String path = "/v1/jobs";
    List<UUID> assetIds = new ArrayList<>();
    PipelineSpec spec;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null || !(body.getValue("assets") instanceof JsonArray entries) || entries.isEmpty()) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST,
            "body must be {\"assets\": [asset id, ...], \"pipeline\": ...} with at least one asset");
      }
      if (entries.size() > AssetStore.MAX_BULK_JOBS) {
        throw new AssetGridException(ErrorCode.INPUT_LIMIT_EXCEEDED, entries.size()
            + " assets in one request; at most " + AssetStore.MAX_BULK_JOBS + " jobs per request");
      }
      for (int i = 0; i < entries.size(); i++) {
        UUID assetId = entries.getValue(i) instanceof String s ? Ids.parse(s) : null;
        if (assetId == null) {
          throw new AssetGridException(ErrorCode.INVALID_REQUEST, "assets[" + i + "] is not an asset id: "
              + entries.getValue(i));
        }
        assetIds.add(assetId);
      }
      spec = pipelineOf(body);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    } catch (RuntimeException e) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "body must be a JSON object: " + e.getMessage());
      return;
    }
    storedReply(key, path).compose(prev -> prev.isPresent() ? Future.succeededFuture(Reply.stored(prev.get()))
            : assets.createJobs(assetIds, spec, key, path)
                .map(created -> {
                  onQueued.run();
                  return new Reply(202, created, false);
                })
                .recover(e -> replayAfterConflict(key, path, e)))
        .onSuccess(r -> {
          if (r.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          json(ctx, r.status(), r.body());
        })
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** False, with a 400 sent, when the request carries a malformed Idempotency-Key; an absent one is fine. */
  private static boolean checkIdempotencyKey(RoutingContext ctx, String key) {
    if (key != null && (key.isBlank() || key.length() > 200)) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "Idempotency-Key must be 1..200 characters");
      return false;
    }
    return true;
  }

  /** The answer stored for {@code POST path} under {@code key}; empty without a key. */
  private Future<java.util.Optional<JsonObject>> storedReply(String key, String path) {
    return key == null ? Future.succeededFuture(java.util.Optional.empty()) : assets.idempotentReply(key, "POST", path);
  }

  /** An answer to a POST: a fresh one, or the one stored under its Idempotency-Key. */
  private record Reply(int status, JsonObject body, boolean replayed) {
    static Reply stored(JsonObject prev) {
      return new Reply(prev.getInteger("status"), prev.getJsonObject("body"), true);
    }
  }

  /**
   * The store refused the Idempotency-Key because a request with the same key committed first
   * (perhaps while this one waited on it): answer what that one answered. A key stored for another
   * endpoint stays a CONFLICT.
   */
  private Future<Reply> replayAfterConflict(String key, String path, Throwable e) {
    if (key == null || AssetGridException.codeOf(e) != ErrorCode.CONFLICT) {
      return Future.failedFuture(e);
    }
    return assets.idempotentReply(key, "POST", path)
        .compose(first -> first.isPresent() ? Future.succeededFuture(Reply.stored(first.get())) : Future.failedFuture(e));
  }

  /**
   * Counts of the grid (assets, jobs and tasks by state, live nodes and their slots) and what this
   * coordinator's queue did since it started.
   */
  private void stats(RoutingContext ctx) {
    assets.stats()
        .onSuccess(stats -> {
          JsonArray live = nodes.snapshot(new JsonObject());
          int slots = 0;
          for (int i = 0; i < live.size(); i++) {
            slots += live.getJsonObject(i).getInteger("slots", 0);
          }
          json(ctx, 200, stats.put("nodes", new JsonObject().put("count", live.size()).put("slots", slots))
              .put("queue", scheduler.queueStats()).put("at", java.time.Instant.now().toString()));
        })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void getJob(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    assets.getJob(id)
        .onSuccess(j -> j.ifPresentOrElse(x -> json(ctx, 200, x),
            () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void cancel(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    scheduler.cancelJob(id)
        .compose(ok -> assets.getJob(id).map(j -> {
          if (j.isEmpty()) {
            Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
          } else if (!ok) {
            Problems.send(ctx, ErrorCode.CONFLICT, "job " + id + " is already " + j.get().getString("state"));
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
    scheduler.retryJob(id)
        .compose(ok -> assets.getJob(id).map(j -> {
          if (j.isEmpty()) {
            Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
          } else if (!ok) {
            Problems.send(ctx, ErrorCode.CONFLICT, "only failed or cancelled jobs can be retried; job " + id
                + " is " + j.get().getString("state"));
          } else {
            json(ctx, 202, j.get());
          }
          return null;
        }))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /**
   * Server-sent events: replays stored events after {@code Last-Event-ID} (or {@code ?after=}), then
   * streams live ones; the stream ends after the job's terminal event.
   */
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
    assets.getJob(id).onFailure(e -> Problems.send(ctx, e)).onSuccess(job -> {
      if (job.isEmpty()) {
        Problems.send(ctx, ErrorCode.NOT_FOUND, "job " + id);
        return;
      }
      HttpServerResponse resp = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      resp.write(": job " + id + "\n\n");
      long[] sent = {after};
      List<JsonObject> early = new ArrayList<>();
      boolean[] replayed = {false};
      boolean[] stopped = {false};
      JobEvents.Hub.Subscription[] sub = new JobEvents.Hub.Subscription[1];
      long ping = vertx.setPeriodic(15_000, t -> {
        if (!resp.ended()) {
          resp.write(": ping\n\n");
        }
      });
      Runnable stop = () -> {
        stopped[0] = true;
        sub[0].close();
        vertx.cancelTimer(ping);
      };
      resp.closeHandler(v -> stop.run());
      sub[0] = hub.subscribe(vertx, id, e -> {
        if (stopped[0]) {
          return;
        }
        if (!replayed[0]) {
          early.add(e);
        } else {
          emit(resp, e, sent, stop);
        }
      });
      assets.events(id, after)
          .onSuccess(stored -> {
            for (JsonObject e : stored) {
              emit(resp, e, sent, stop);
            }
            replayed[0] = true;
            for (JsonObject e : early) {
              emit(resp, e, sent, stop);
            }
            early.clear();
          })
          .onFailure(e -> {
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

  // ------------------------------------------------------------------ node blob endpoints

  private static final String INPUT_ALLOWED_SQL = """
      SELECT 1 FROM tasks t JOIN jobs j ON j.id = t.job_id
       WHERE t.id = $1 AND t.lease_token = $2 AND t.state = 'leased'
         AND (EXISTS (SELECT 1 FROM asset_files f WHERE f.asset_id = j.asset_id AND f.sha256 = $3)
              OR EXISTS (SELECT 1 FROM task_outputs o WHERE o.task_id = ANY(t.depends_on) AND o.sha256 = $3))""";

  private void downloadInput(RoutingContext ctx) {
    UUID taskId = id(ctx, "taskId");
    if (taskId == null) {
      return;
    }
    String sha = ctx.pathParam("sha256");
    String token = ctx.request().getHeader(LEASE_TOKEN_HEADER);
    if (token == null) {
      Problems.send(ctx, ErrorCode.UNAUTHORIZED, "lease token required");
      return;
    }
    pool.preparedQuery(INPUT_ALLOWED_SQL).execute(Tuple.of(taskId, token, sha))
        .onSuccess(rs -> {
          if (rs.size() == 0) {
            Problems.send(ctx, ErrorCode.LEASE_INVALID, "task " + taskId + " holds no lease on blob " + sha);
          } else {
            sendBlob(ctx, sha, "application/octet-stream", null);
          }
        })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void uploadOutput(RoutingContext ctx) {
    UUID taskId = id(ctx, "taskId");
    if (taskId == null) {
      return;
    }
    String name = ctx.pathParam("name");
    String token = ctx.request().getHeader(LEASE_TOKEN_HEADER);
    if (token == null) {
      Problems.send(ctx, ErrorCode.UNAUTHORIZED, "lease token required");
      return;
    }
    if (name.isBlank() || name.length() > 200 || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "bad output name");
      return;
    }
    ctx.request().pause();
    pool.preparedQuery("SELECT 1 FROM tasks WHERE id = $1 AND lease_token = $2 AND state = 'leased'")
        .execute(Tuple.of(taskId, token))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.failedFuture(new AssetGridException(ErrorCode.LEASE_INVALID, "task " + taskId));
          }
          return blobs.put(ctx.request(), MAX_OUTPUT_BYTES, ctx.request().getHeader(SHA256_HEADER));
        })
        .onSuccess(info -> json(ctx, 201, new JsonObject().put("name", name).put("sha256", info.sha256())
            .put("size", info.size())))
        .onFailure(e -> Problems.send(ctx, e));
  }

  // ------------------------------------------------------------------ helpers

  private static UUID id(RoutingContext ctx, String param) {
    UUID id = Ids.parse(ctx.pathParam(param));
    if (id == null) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, param + " " + ctx.pathParam(param) + " is not an id");
    }
    return id;
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encodePrettily());
  }

  @Override
  public Future<?> stop() {
    Promise<Void> p = Promise.promise();
    if (server != null) {
      server.close().onComplete(x -> p.complete());
    } else {
      p.complete();
    }
    return p.future();
  }
}
