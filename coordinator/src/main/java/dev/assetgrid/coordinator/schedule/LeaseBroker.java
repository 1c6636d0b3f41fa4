package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.LeaseReply;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the task protocol on the event bus: answers lease (long-poll),
 * heartbeat and complete requests through the {@link Scheduler}, publishes {@code wake} when work
 * was queued, and runs the periodic duties that keep leases honest.
 *
 * <p>Long-poll: a lease request that finds nothing is parked until its {@code waitMs} runs out; any
 * wake (local enqueue, a wake published by another coordinator, the periodic tick for delayed
 * retries) re-tries the parked requests in arrival order.
 *
 * <p>Queue throughput figures and the design choices behind them are in {@code bench/README.md}
 * ("Queue design history").
 */
public final class LeaseBroker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseBroker.class);

  /** How often parked lease requests are retried when nothing woke them (delayed retries become due). */
  static final long TICK_MS = 500;
  /** How often expired leases are reclaimed. */
  static final long RECLAIM_MS = 1000;
  /** How often leases of non-members are looked for (missed membership events, restarts). */
  static final long ORPHAN_MS = 5000;
  /** How long after start the orphan sweep waits for nodes to rejoin. */
  static final long ORPHAN_GRACE_MS = 20_000;

  private final Scheduler scheduler;
  private final boolean clustered;
  private final Deque<Parked> parked = new ArrayDeque<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private boolean draining;
  private boolean redrain;

  private record Parked(Message<JsonObject> msg, LeaseRequest req, long deadline, long timer) {}

  public LeaseBroker(Scheduler scheduler, boolean clustered) {
    this.scheduler = scheduler;
    this.clustered = clustered;
  }

  @Override
  public Future<?> start() {
    var eb = vertx.eventBus();
    consumers.add(eb.<JsonObject>consumer(Addresses.LEASE, this::onLease));
    consumers.add(eb.<JsonObject>consumer(Addresses.HEARTBEAT, m -> scheduler.heartbeat(Heartbeat.fromJson(m.body()))
        .onSuccess(r -> m.reply(r.toJson()))
        .onFailure(e -> fail(m, e))));
    consumers.add(eb.<JsonObject>consumer(Addresses.COMPLETE, m -> scheduler.complete(CompleteRequest.fromJson(m.body()))
        .onSuccess(r -> m.reply(r.toJson()))
        .onFailure(e -> fail(m, e))));
    consumers.add(eb.<Object>consumer(Addresses.WAKE, m -> drain()));
    vertx.setPeriodic(TICK_MS, id -> drain());
    vertx.setPeriodic(RECLAIM_MS, id -> scheduler.reclaimExpired()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("reclaimed {} expired lease(s)", n);
          }
        })
        .onFailure(e -> LOG.warn("lease reclaim failed: {}", e.toString())));
    if (clustered) {
      ClusterBootstrap.onMemberLeft(vertx, nodeId -> vertx.runOnContext(v -> scheduler.requeueNode(nodeId)
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("node {} left: requeued {} task(s)", nodeId, n);
            }
          })
          .onFailure(e -> LOG.warn("requeue of node {} failed: {}", nodeId, e.toString()))));
      // after a coordinator restart, nodes need a few seconds to find the cluster again: don't take
      // their leases before they had the chance (a node that never comes back is caught by expiry)
      vertx.setPeriodic(ORPHAN_GRACE_MS, ORPHAN_MS, id -> requeueOrphans());
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private void requeueOrphans() {
    scheduler.requeueOrphans(new HashSet<>(ClusterBootstrap.members(vertx)))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("requeued {} task(s) leased by nodes no longer in the cluster", n);
          }
        })
        .onFailure(e -> LOG.warn("orphan requeue failed: {}", e.toString()));
  }

  /** Tells every idle node (and every coordinator's parked requests) that work is ready. */
  public void wake() {
    vertx.eventBus().publish(Addresses.WAKE, null);
  }

  private void onLease(Message<JsonObject> m) {
    LeaseRequest req;
    try {
      req = LeaseRequest.fromJson(m.body());
    } catch (RuntimeException e) {
      m.fail(ErrorCode.INVALID_REQUEST.httpStatus(), "malformed lease request: " + e.getMessage());
      return;
    }
    scheduler.lease(req).onComplete(ar -> {
      if (ar.failed()) {
        fail(m, ar.cause());
      } else if (!ar.result().isEmpty() || req.waitMs() <= 0) {
        m.reply(new LeaseReply(ar.result()).toJson());
      } else {
        park(m, req, System.currentTimeMillis() + Math.min(req.waitMs(), 60_000), false);
      }
    });
  }

  private void park(Message<JsonObject> m, LeaseRequest req, long deadline, boolean front) {
    Parked[] self = new Parked[1];
    long timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis()), id -> {
      if (parked.remove(self[0])) {
        m.reply(new LeaseReply(List.of()).toJson());
      }
    });
    self[0] = new Parked(m, req, deadline, timer);
    if (front) {
      parked.addFirst(self[0]);
    } else {
      parked.addLast(self[0]);
    }
  }

  /** Re-tries parked requests in order until one finds nothing (the queue is then empty for its types). */
  private void drain() {
    if (draining) {
      redrain = true;
      return;
    }
    if (parked.isEmpty()) {
      return;
    }
    draining = true;
    redrain = false;
    drainNext(new ArrayList<>());
  }

  private void drainNext(List<Parked> emptyHanded) {
    Parked p = parked.pollFirst();
    if (p == null) {
      finishDrain(emptyHanded);
      return;
    }
    vertx.cancelTimer(p.timer());
    scheduler.lease(p.req()).onComplete(ar -> {
      if (ar.failed()) {
        fail(p.msg(), ar.cause());
        drainNext(emptyHanded);
      } else if (ar.result().isEmpty()) {
        emptyHanded.add(p);
        drainNext(emptyHanded);
      } else {
        List<LeasedTask> tasks = ar.result();
        p.msg().reply(new LeaseReply(tasks).toJson());
        drainNext(emptyHanded);
      }
    });
  }

  private void finishDrain(List<Parked> emptyHanded) {
    // back in the queue, in their original order, with what is left of their wait
    for (int i = emptyHanded.size() - 1; i >= 0; i--) {
      Parked p = emptyHanded.get(i);
      park(p.msg(), p.req(), p.deadline(), true);
    }
    draining = false;
    if (redrain) {
      drain();
    }
  }

  private static void fail(Message<?> m, Throwable e) {
    ErrorCode code = AssetGridException.codeOf(e);
    if (code == ErrorCode.INTERNAL_ERROR && e instanceof io.vertx.pgclient.PgException) {
      code = ErrorCode.STORE_UNAVAILABLE;
    }
    LOG.warn("task protocol request failed: {}", e.toString());
    m.fail(code.httpStatus(), code.name() + ": " + e.getMessage());
  }
}
