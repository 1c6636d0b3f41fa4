package dev.assetgrid.node;

import dev.assetgrid.node.isolate.Isolation;
import dev.assetgrid.node.isolate.StagePool;
import dev.assetgrid.node.natives.NativeProbe;
import dev.assetgrid.node.worker.Handlers;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.node.worker.WorkerVerticle;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.metrics.GridMeters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.Map;

/**
 * A running node: a clustered Vert.x (Hazelcast lite member) hosting one {@link WorkerVerticle}.
 */
public final class Node {
  private final Vertx vertx;
  private final String deploymentId;
  private final WorkerVerticle worker;

  private HttpServer metricsServer;
  private volatile boolean draining;

  private Node(Vertx vertx, String deploymentId, WorkerVerticle worker, StagePool pool) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.worker = worker;
    this.pool = pool;
  }

  /** The worker processes of the isolated stages; null when none is isolated. */
  private final StagePool pool;

  /** How many worker processes run now. */
  public int workerProcesses() {
    return pool == null ? 0 : pool.processes();
  }

  /**
   * Where a node serves {@code GET /metrics} (Prometheus text, no key: bind it where only the
   * scraper reaches), and {@code GET /health} and {@code /ready} for an orchestrator's probes.
   *
   * @param port 0 = any free port (see {@link #metricsPort})
   */
  public record MetricsEndpoint(String host, int port) {
    public MetricsEndpoint {
      if (host == null || host.isBlank() || port < 0 || port > 65535) {
        throw new IllegalArgumentException("--metrics-host/--metrics-port: a host and a port");
      }
    }
  }

  public static Future<Node> start(ClusterOptions cluster, WorkerOptions options) {
    return start(cluster, options, null);
  }

  /**
   * Starts a node; with {@code metrics}, its registry (Vert.x's metrics, the JVM's and the
   * worker's, see {@code WorkerMeters}) is served there.
   */
  public static Future<Node> start(
      ClusterOptions cluster, WorkerOptions options, MetricsEndpoint metrics) {
    return start(cluster, options, metrics, Isolation.none());
  }

  /**
   * Starts a node whose stages of {@code isolation} run in worker processes (see {@link
   * dev.assetgrid.node.isolate.StagePool}): a crash there ends an attempt, not this node.
   */
  public static Future<Node> start(
      ClusterOptions cluster, WorkerOptions options, MetricsEndpoint metrics, Isolation isolation) {
    Map<String, String> natives = NativeProbe.probe();
    PrometheusMeterRegistry registry = metrics == null ? null : GridMeters.newRegistry();
    Future<Vertx> started =
        registry == null
            ? ClusterBootstrap.start(cluster, new VertxOptions())
            : ClusterBootstrap.start(
                cluster,
                GridMeters.vertxOptions(new VertxOptions()),
                GridMeters.vertxFactory(registry));
    return started.compose(
        vertx -> {
          dev.assetgrid.shared.log.LogFields.process(
              dev.assetgrid.shared.log.LogFields.NODE, ClusterBootstrap.nodeId(vertx));
          StagePool pool = isolation.pool(options.workDir());
          WorkerVerticle w =
              deployWorker(
                  vertx,
                  ClusterBootstrap.nodeId(vertx),
                  cluster.publicHost(),
                  options,
                  natives,
                  isolation,
                  pool);
          if (registry != null) {
            w.withMeters(registry);
          }
          // the coordinators were all gone and one is back: fix the event bus's view, lease again
          ClusterBootstrap.healWhenDataMembersReturn(
              vertx, WorkerVerticle.SENDS_TO, w::coordinatorBack);
          return vertx
              .deployVerticle(w, new DeploymentOptions())
              .map(id -> new Node(vertx, id, w, pool))
              .compose(
                  node ->
                      registry == null
                          ? Future.succeededFuture(node)
                          : node.serveMetrics(registry, metrics).map(node));
        });
  }

  private Future<Void> serveMetrics(PrometheusMeterRegistry registry, MetricsEndpoint at) {
    metricsServer =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(at.host()).setPort(at.port()))
            .requestHandler(
                req -> {
                  if ("/health".equals(req.path()) || "/ready".equals(req.path())) {
                    // up; ready: a member of the grid with its worker deployed (this server starts
                    // after both) and not draining
                    boolean health = "/health".equals(req.path());
                    req.response()
                        .setStatusCode(health || !draining ? 200 : 503)
                        .putHeader("Content-Type", "application/json")
                        .end(
                            health
                                ? "{\"status\":\"up\"}"
                                : draining
                                    ? "{\"status\":\"draining\"}"
                                    : "{\"status\":\"ready\"}");
                    return;
                  }
                  if (!"/metrics".equals(req.path())) {
                    req.response().setStatusCode(404).end();
                    return;
                  }
                  GridMeters.scrape(vertx, registry)
                      .onSuccess(
                          text ->
                              req.response()
                                  .putHeader("Content-Type", GridMeters.CONTENT_TYPE)
                                  .end(text))
                      .onFailure(e -> req.response().setStatusCode(500).end());
                });
    return metricsServer.listen().mapEmpty();
  }

  /** The port {@code /metrics} is served on, or -1 when it is not. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  /**
   * Builds the worker verticle for a Vert.x that is already clustered (a node's, or the
   * coordinator's in-process slots), with the stages of {@code isolation} running in {@code pool}.
   */
  public static WorkerVerticle deployWorker(
      Vertx vertx,
      String nodeId,
      String host,
      WorkerOptions options,
      Map<String, String> natives,
      Isolation isolation,
      StagePool pool) {
    return new WorkerVerticle(
        nodeId,
        host,
        version(),
        options,
        isolation.wrap(Handlers.available(natives), pool),
        Handlers.nativeCapabilities(natives));
  }

  public static WorkerVerticle deployWorker(
      Vertx vertx, String nodeId, String host, WorkerOptions options, Map<String, String> natives) {
    return deployWorker(vertx, nodeId, host, options, natives, Isolation.none(), null);
  }

  public static String version() {
    String v = Node.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public Vertx vertx() {
    return vertx;
  }

  public WorkerVerticle worker() {
    return worker;
  }

  public String nodeId() {
    return ClusterBootstrap.nodeId(vertx);
  }

  /**
   * Drains the worker (running tasks finish or are released), then leaves the cluster. Vert.x is
   * closed from a plain thread: a close chained on an event-loop callback would try to complete on
   * the event loop it just terminated, and never complete.
   */
  public java.util.concurrent.CompletableFuture<Void> stop() {
    draining = true;
    java.util.concurrent.CompletableFuture<Void> undeployed =
        new java.util.concurrent.CompletableFuture<>();
    vertx
        .undeploy(deploymentId)
        .onComplete(
            ar -> {
              if (pool != null) {
                vertx
                    .executeBlocking(
                        () -> {
                          pool.close();
                          return null;
                        },
                        false)
                    .onComplete(x -> undeployed.complete(null));
              } else {
                undeployed.complete(null);
              }
            });
    return undeployed.thenComposeAsync(
        v -> vertx.close().toCompletionStage().toCompletableFuture());
  }
}
