package dev.assetgrid.coordinator.schedule;

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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the task protocol on the event bus: answers lease (long-poll),
 * heartbeat and complete requests through the {@link Scheduler} and publishes {@code wake} when
 * work was queued. The periodic duties that keep leases honest are beside it ({@code
 * schedule.duty}).
 *
 * <p>Long-poll: a lease request that finds nothing is parked until its {@code waitMs} runs out; any
 * wake (local enqueue, a wake published by another coordinator, {@link #retryParked} when a delayed
 * retry became due) re-tries the parked requests in arrival order. Queue throughput figures and the
 * design choices behind them are in {@code bench/README.md} ("Queue design history").
 */
public final class LeaseBroker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseBroker.class);

  private final Scheduler scheduler;
  private final Deque<Parked> parked = new ArrayDeque<>();

  /** {@code parked.size()}, readable from any thread. */
  private volatile int waiting;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private boolean draining;
  private boolean redrain;

  private record Parked(Message<JsonObject> msg, LeaseRequest req, long deadline, long timer) {}

  public LeaseBroker(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Future<?> start() {
    var eb = vertx.eventBus();
    consumers.add(eb.<JsonObject>consumer(Addresses.LEASE, this::onLease));
    consumers.add(
        eb.<JsonObject>consumer(
            Addresses.HEARTBEAT,
            m ->
                scheduler
                    .heartbeat(Heartbeat.fromJson(m.body()))
                    .onSuccess(r -> m.reply(r.toJson()))
                    .onFailure(e -> fail(m, e))));
    consumers.add(
        eb.<JsonObject>consumer(
            Addresses.COMPLETE,
            m ->
                scheduler
                    .complete(CompleteRequest.fromJson(m.body()))
                    .onSuccess(r -> m.reply(r.toJson()))
                    .onFailure(e -> fail(m, e))));
    consumers.add(eb.<Object>consumer(Addresses.WAKE, m -> drain()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** Whether lease requests are parked, waiting for work (any thread). */
  public boolean hasParked() {
    return waiting > 0;
  }

  /** Re-tries the parked lease requests, on this verticle's context (any thread). */
  public void retryParked() {
    context.runOnContext(v -> drain());
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
    scheduler
        .lease(req)
        .onComplete(
            ar -> {
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
    long timer =
        vertx.setTimer(
            Math.max(1, deadline - System.currentTimeMillis()),
            id -> {
              if (parked.remove(self[0])) {
                waiting = parked.size();
                m.reply(new LeaseReply(List.of()).toJson());
              }
            });
    self[0] = new Parked(m, req, deadline, timer);
    if (front) {
      parked.addFirst(self[0]);
    } else {
      parked.addLast(self[0]);
    }
    waiting = parked.size();
  }

  /**
   * Re-tries parked requests in order until one finds nothing (the queue is then empty for its
   * types).
   */
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
    waiting = parked.size();
    if (p == null) {
      finishDrain(emptyHanded);
      return;
    }
    vertx.cancelTimer(p.timer());
    scheduler
        .lease(p.req())
        .onComplete(
            ar -> {
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
