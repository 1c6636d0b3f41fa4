package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.ingest.UploadLimits;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The coordinator's HTTP server: the API ({@code /v1}), health endpoints, and the blob endpoints
 * nodes use ({@code /internal/tasks/...}, authorised by the lease token). Each resource registers
 * its own routes ({@link HttpResource}); this class adds the answers for unknown routes and
 * failures ({@code application/problem+json}, see {@link Problems}).
 */
public final class ApiVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final AssetStore assets;
  private final Scheduler scheduler;
  private final LeaseTokens leases;
  private final BlobStore blobs;
  private final NodeRegistry nodes;
  private final UploadLimits uploadLimits;
  private final BooleanSupplier ready;
  private final Runnable onQueued;
  private JobEvents.Hub hub;
  private HttpServer server;

  /**
   * @param ready whether the coordinator finished starting ({@code /ready})
   * @param onQueued called after a request queued tasks (wakes idle nodes)
   */
  public ApiVerticle(
      String host,
      int port,
      AssetStore assets,
      Scheduler scheduler,
      LeaseTokens leases,
      BlobStore blobs,
      NodeRegistry nodes,
      UploadLimits uploadLimits,
      BooleanSupplier ready,
      Runnable onQueued) {
    this.host = host;
    this.port = port;
    this.assets = assets;
    this.scheduler = scheduler;
    this.leases = leases;
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
    hub = new JobEvents.Hub(vertx);
    Idempotency idempotency = new Idempotency(assets);
    List<HttpResource> resources =
        List.of(
            new HealthResource(assets, nodes, ready),
            new AssetsResource(vertx, assets, blobs, uploadLimits, idempotency, onQueued),
            new JobsResource(assets, scheduler, idempotency, onQueued),
            new JobEventsResource(vertx, assets, hub),
            new StatsResource(assets, scheduler, nodes),
            new TaskBlobsResource(leases, blobs));
    Router r = Router.router(vertx);
    resources.forEach(res -> res.register(r));

    r.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, ctx.request().path()));
    r.route()
        .failureHandler(
            ctx -> {
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

    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setCompressionSupported(true)
                .setDecompressionSupported(false));
    return hub.ready().compose(v -> server.requestHandler(r).listen());
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
