package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.access.KeyCache;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.access.RateLimiter;
import dev.assetgrid.coordinator.access.ReservingLimiter;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.PartUploads;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.ingest.UploadLimits;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.schedule.duty.ScrubReport;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.AuditLog;
import dev.assetgrid.coordinator.store.KeyStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.coordinator.store.UploadStore;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
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
  private final Security security;
  private JobEvents.Hub hub;
  private HttpServer server;
  private Router router;
  private Notify notify;
  private Imports imports;
  private KeyCertOptions tls;
  private boolean fileRedirects;
  private DirectUploads directUploads;
  private BigDecimal storagePrice = BigDecimal.ZERO;
  private final Transfers transfers = new Transfers();
  private java.util.function.Supplier<Future<ScrubReport>> scrub;
  private io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics;
  private dev.assetgrid.coordinator.metrics.GridGauges gauges;

  /**
   * What the API needs to authenticate, authorise and audit.
   *
   * @param cache the keys to check requests against; null = authentication off
   * @param keys tenants and keys in the database
   * @param audit the audit log
   * @param quotas the tenants' default quotas
   * @param limiter the per-key rate limits shared by every coordinator
   * @param requestsPerSecond each key's request rate unless the key sets one; null = none
   * @param uploadBytesPerSecond each key's upload rate unless the key sets one; null = none
   */
  public record Security(
      KeyCache cache,
      KeyStore keys,
      AuditLog audit,
      Quotas quotas,
      RateLimiter limiter,
      Double requestsPerSecond,
      Double uploadBytesPerSecond) {}

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
      Runnable onQueued,
      Security security) {
    this.security = security;
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

  /**
   * Every route a resource registered, as {@code "METHOD /path"} (e.g. {@code "GET /v1/jobs/:id"});
   * the access test checks each one has an entry.
   */
  public List<String> routes() {
    List<String> out = new java.util.ArrayList<>();
    for (var route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // the request namer, the gate and the fallbacks, which match every method
      }
      for (var m : route.methods()) {
        out.add(m.name() + " " + route.getPath());
      }
    }
    return out;
  }

  /**
   * Serve HTTPS with this key and certificate (HTTP/2 and HTTP/1.1 by ALPN) instead of plain HTTP;
   * call before deploying.
   */
  public ApiVerticle withTls(KeyCertOptions keyCert) {
    this.tls = keyCert;
    return this;
  }

  /**
   * File downloads answer {@code 307} to a presigned URL of the store (when it has them) instead of
   * streaming through the coordinator; call before deploying.
   */
  public ApiVerticle withFileRedirects(boolean redirect) {
    this.fileRedirects = redirect;
    return this;
  }

  /**
   * Direct uploads ({@code /v1/uploads}).
   *
   * @param maxBytes the largest upload
   * @param publicUrl the coordinator's public URL (for local part URLs), known once it listens
   * @param partKey key of the local part URLs' tokens (from the grid's secret)
   */
  public record DirectUploads(
      UploadStore store,
      PartUploads parts,
      long maxBytes,
      java.time.Duration expiry,
      java.util.function.Supplier<String> publicUrl,
      byte[] partKey) {}

  /**
   * The event stream and webhooks ({@code /v1/events}, {@code /v1/webhooks}).
   *
   * @param feed this coordinator's live feed of tenant events (started with the verticle)
   * @param egress where webhook receivers may be
   * @param secrets seals the webhooks' signing secrets
   */
  public record Notify(
      dev.assetgrid.coordinator.store.EventStore events,
      dev.assetgrid.coordinator.events.TenantEvents feed,
      dev.assetgrid.coordinator.store.WebhookStore webhooks,
      dev.assetgrid.coordinator.net.Egress egress,
      dev.assetgrid.coordinator.access.SecretBox secrets) {}

  /** Batch imports ({@code /v1/imports}): where they read and under which rules. */
  public record Imports(
      dev.assetgrid.coordinator.store.ImportStore store,
      dev.assetgrid.coordinator.net.Egress egress,
      dev.assetgrid.coordinator.access.SecretBox secrets,
      dev.assetgrid.coordinator.ingest.ImportOptions options) {}

  /** Serve {@code /v1/imports}; call before deploying. */
  public ApiVerticle withImports(Imports imports) {
    this.imports = imports;
    return this;
  }

  /** Serve {@code /v1/events} and {@code /v1/webhooks}; call before deploying. */
  public ApiVerticle withNotify(Notify notify) {
    this.notify = notify;
    return this;
  }

  /** Serve {@code /v1/uploads}; call before deploying. */
  public ApiVerticle withUploads(DirectUploads uploads) {
    this.directUploads = uploads;
    return this;
  }

  /**
   * {@code /v1/stats} shows each tenant's monthly storage cost at this price per GB (10^9 bytes)
   * and month; 0 (the default): no estimate. Call before deploying.
   */
  public ApiVerticle withStoragePrice(BigDecimal pricePerGbMonth) {
    this.storagePrice = pricePerGbMonth;
    return this;
  }

  /** The body bytes this server moved, by kind of route. */
  public Transfers transfers() {
    return transfers;
  }

  /** What {@code POST /v1/admin/scrub} runs (one full scrub pass); call before deploying. */
  public ApiVerticle withScrub(java.util.function.Supplier<Future<ScrubReport>> scrub) {
    this.scrub = scrub;
    return this;
  }

  /**
   * Serve {@code GET /metrics} from {@code registry}, with the grid's counts sampled on each scrape
   * by {@code gauges}; this server's problem answers and body bytes are counted into it. Call
   * before deploying.
   */
  public ApiVerticle withMetrics(
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry,
      dev.assetgrid.coordinator.metrics.GridGauges gauges) {
    this.metrics = registry;
    this.gauges = gauges;
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Whether the cluster is safe (asked off the event loop); a lone Vert.x always is. */
  private Future<Boolean> clusterSafe() {
    return vertx.isClustered()
        ? vertx.executeBlocking(
            () -> dev.assetgrid.shared.cluster.ClusterBootstrap.clusterSafe(vertx), false)
        : Future.succeededFuture(true);
  }

  @Override
  public Future<?> start() {
    hub = new JobEvents.Hub(vertx);
    Idempotency idempotency = new Idempotency(assets);
    ReservingLimiter limiter =
        security.limiter() == null ? null : new ReservingLimiter(security.limiter());
    if (limiter != null) {
      vertx.setPeriodic(60_000, t -> limiter.sweep());
    }
    Access access =
        new Access(
            security.cache(),
            security.audit(),
            new Access.Limits(
                limiter,
                security.requestsPerSecond(),
                security.uploadBytesPerSecond(),
                uploadLimits.maxBytes()));
    List<HttpResource> resources =
        new java.util.ArrayList<>(
            List.of(
                new HealthResource(assets, nodes, ready, this::clusterSafe),
                new DashboardResource(),
                new DocsResource(vertx),
                new AssetsResource(
                    access,
                    vertx,
                    assets,
                    blobs,
                    uploadLimits,
                    idempotency,
                    onQueued,
                    fileRedirects ? transfers : null),
                new JobsResource(access, assets, scheduler, idempotency, onQueued),
                new JobEventsResource(vertx, assets, hub),
                new StatsResource(assets, scheduler, nodes, transfers, storagePrice),
                new KeysResource(access, security.keys(), security.cache()),
                new TenantsResource(access, security.keys(), security.quotas()),
                new AuditResource(access, security.audit()),
                new TaskBlobsResource(leases, blobs)));
    if (directUploads != null) {
      resources.add(
          new UploadsResource(
              access,
              vertx,
              assets,
              directUploads.store(),
              directUploads.parts(),
              directUploads.maxBytes(),
              directUploads.expiry(),
              directUploads.publicUrl(),
              directUploads.partKey(),
              onQueued));
    }
    if (imports != null) {
      resources.add(
          new ImportsResource(
              access,
              vertx,
              imports.store(),
              imports.egress(),
              imports.secrets(),
              imports.options()));
    }
    if (notify != null) {
      resources.add(new EventsResource(vertx, notify.events(), notify.feed()));
      resources.add(
          new WebhooksResource(
              access, vertx, notify.webhooks(), notify.egress(), notify.secrets()));
    }
    resources.add(new AdminResource(access, security.audit(), scrub));
    if (metrics != null) {
      resources.add(new MetricsResource(access, metrics, gauges));
      transfers.bindTo(metrics);
    }
    Router r = Router.router(vertx);
    router = r;
    r.route().handler(transfers::track);
    r.route().handler(Access::nameRequest);
    r.route().handler(AccessLog::track);
    if (metrics != null) {
      io.micrometer.core.instrument.MeterRegistry m = metrics;
      r.route().handler(ctx -> MetricsResource.countProblems(ctx, m));
    }
    // the gate: every /v1 route is behind it (/health, /ready and the lease-token blob routes
    // under /internal are not). A route without a path, so that the metrics' route label is the
    // resource's template alone ("/v1/assets", not "/v1/>/v1/assets"); it tests the same
    // normalised path the router matches on.
    r.route()
        .handler(
            ctx -> {
              String p = ctx.normalizedPath();
              if (p.equals("/v1") || p.startsWith("/v1/")) {
                access.authenticate(ctx);
              } else {
                ctx.next();
              }
            });
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

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setCompressionSupported(true)
            .setDecompressionSupported(false)
            // no h2c upgrade: an upgrade request with a body that is answered early (a refused
            // part,
            // a tenant over quota) hung the JDK client; HTTP/2 comes by ALPN over TLS
            .setHttp2ClearTextEnabled(false);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls).setUseAlpn(true);
    }
    server = vertx.createHttpServer(options);
    return hub.ready()
        .compose(v -> notify == null ? Future.succeededFuture() : notify.feed().start())
        .compose(v -> server.requestHandler(r).listen());
  }

  @Override
  public Future<?> stop() {
    if (notify != null) {
      notify.feed().stop();
    }
    Promise<Void> p = Promise.promise();
    if (server != null) {
      server.close().onComplete(x -> p.complete());
    } else {
      p.complete();
    }
    return p.future();
  }
}
