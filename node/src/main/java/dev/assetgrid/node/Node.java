package dev.assetgrid.node;

import dev.assetgrid.node.natives.NativeProbe;
import dev.assetgrid.node.worker.Handlers;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.node.worker.WorkerVerticle;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.cluster.ClusterOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Map;

/**
 * A running node: a clustered Vert.x (Hazelcast lite member) hosting one {@link WorkerVerticle}.
 */
public final class Node {
  private final Vertx vertx;
  private final String deploymentId;
  private final WorkerVerticle worker;

  private Node(Vertx vertx, String deploymentId, WorkerVerticle worker) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.worker = worker;
  }

  public static Future<Node> start(ClusterOptions cluster, WorkerOptions options) {
    Map<String, String> natives = NativeProbe.probe();
    return ClusterBootstrap.start(cluster, new VertxOptions())
        .compose(
            vertx -> {
              WorkerVerticle w =
                  deployWorker(
                      vertx,
                      ClusterBootstrap.nodeId(vertx),
                      cluster.publicHost(),
                      options,
                      natives);
              return vertx
                  .deployVerticle(w, new DeploymentOptions())
                  .map(id -> new Node(vertx, id, w));
            });
  }

  /**
   * Builds the worker verticle for a Vert.x that is already clustered (the coordinator's in-process
   * slots).
   */
  public static WorkerVerticle deployWorker(
      Vertx vertx, String nodeId, String host, WorkerOptions options, Map<String, String> natives) {
    return new WorkerVerticle(
        nodeId,
        host,
        version(),
        options,
        Handlers.available(natives),
        Handlers.nativeCapabilities(natives));
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
    java.util.concurrent.CompletableFuture<Void> undeployed =
        new java.util.concurrent.CompletableFuture<>();
    vertx.undeploy(deploymentId).onComplete(ar -> undeployed.complete(null));
    return undeployed.thenComposeAsync(
        v -> vertx.close().toCompletionStage().toCompletableFuture());
  }
}
