package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requeues at once the leases of a node that left the cluster (gracefully or not, as Hazelcast
 * reports it), instead of waiting for them to expire. Driven by membership events, not by time: the
 * orphan sweep ({@link OrphanSweeper}) catches what an event missed.
 */
public final class NodeLossRequeuer implements Duty {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLossRequeuer.class);

  private final Scheduler scheduler;
  private volatile boolean stopped;

  public NodeLossRequeuer(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Listens for members leaving a clustered {@code vertx}; each one is requeued on the caller's
   * context.
   */
  @Override
  public void start(Vertx vertx) {
    var context = vertx.getOrCreateContext();
    ClusterBootstrap.onMemberLeft(
        vertx,
        nodeId -> {
          if (!stopped) {
            context.runOnContext(v -> runOnce(nodeId));
          }
        });
  }

  @Override
  public void stop() {
    stopped = true;
  }

  /** Requeues the leases {@code nodeId} held; the future holds how many attempts it ended. */
  public Future<Integer> runOnce(String nodeId) {
    return scheduler
        .requeueNode(nodeId)
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("node {} left: requeued {} task(s)", nodeId, n);
              }
            })
        .onFailure(e -> LOG.warn("requeue of node {} failed: {}", nodeId, e.toString()));
  }
}
