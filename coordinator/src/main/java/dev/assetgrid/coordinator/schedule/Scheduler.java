package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.store.QueueStore;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.protocol.CompleteReply;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.HeartbeatReply;
import dev.assetgrid.shared.protocol.JsonTrees;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskInput;
import dev.assetgrid.shared.protocol.TaskOutput;
import dev.assetgrid.shared.state.TaskState;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The task queue's policy over its store ({@link QueueStore}, which holds every statement): how
 * many tasks one lease takes, group commit of completions, which failures are retried and when,
 * requeue of lost leases, and the queue's figures for {@code GET /v1/stats}.
 *
 * <p>Successes are group-committed: while one batch statement runs, the completions that arrive
 * queue up and go together in the next one ({@link QueueStore#completeBatch}), so the cost per task
 * falls as load rises instead of every task paying its own transaction. What the batch statement
 * does not take — failures, inspect results (they plan the texture fan-out), duplicates in one
 * batch, attempts that lost their lease — goes through the one-at-a-time path.
 */
public final class Scheduler {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Scheduler.class);

  /** Tunables of the queue; see {@code CoordinatorConfig} for defaults. */
  public record Settings(Duration lease, Duration maxRuntime, RetryPolicy retry) {}

  /** Where nodes fetch inputs and put outputs; built from the coordinator's public URL. */
  public interface Urls {
    /** Where the leased task {@code taskId} downloads blob {@code key}. */
    String input(UUID taskId, dev.assetgrid.coordinator.blob.BlobKey key);

    String outputs(UUID taskId);

    /**
     * The blob store's own URL for {@code key}, valid as long as the lease (S3 presigned GET);
     * empty when the store has none and the node fetches {@link #input} from the coordinator.
     */
    default Optional<String> presignedInput(
        UUID taskId, dev.assetgrid.coordinator.blob.BlobKey key) {
      return Optional.empty();
    }

    /** True when nodes put outputs straight into the store (see {@code LeasedTask}). */
    default boolean presignedOutputs() {
      return false;
    }
  }

  /**
   * Checks, before a success is recorded, that the outputs a node put into the store itself are
   * there with the size (and, where the store keeps one, the SHA-256) it reports.
   */
  public interface OutputCheck {
    /** Empty when every output is stored as reported; otherwise why not (retryable). */
    Future<Optional<TaskError>> check(UUID taskId, String leaseToken, List<TaskOutput> outputs);
  }

  /** The most tasks one lease hands out, whatever the node's free slots. */
  static final int MAX_LEASE = 64;

  private final QueueStore queue;
  private final Settings settings;
  private final Urls urls;
  private final Runnable onQueued;
  private volatile OutputCheck outputCheck;

  /**
   * @param queue the queue's statements (on the queue pool)
   * @param onQueued called after a transaction made tasks ready (wakes idle nodes)
   */
  public Scheduler(QueueStore queue, Settings settings, Urls urls, Runnable onQueued) {
    this.queue = queue;
    this.settings = settings;
    this.urls = urls;
    this.onQueued = onQueued;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Checks stored outputs before successes are recorded (with a store that takes them directly).
   */
  public Scheduler withOutputCheck(OutputCheck check) {
    this.outputCheck = check;
    return this;
  }

  // ---------------------------------------------------------------- lease

  /**
   * Leases up to {@code freeSlots} (at most {@value #MAX_LEASE}) ready tasks of the node's types,
   * with their inputs; empty when none is ready. One statement, which commits on its own.
   */
  public Future<List<LeasedTask>> lease(LeaseRequest r) {
    if (r.freeSlots() <= 0 || r.capabilities().isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    long t0 = System.nanoTime();
    return queue
        .lease(
            r.nodeId(),
            r.capabilities().toArray(new String[0]),
            Math.min(r.freeSlots(), MAX_LEASE),
            settings.lease().toMillis())
        .map(
            leased -> {
              List<LeasedTask> out = new ArrayList<>(leased.size());
              for (QueueStore.Leased x : leased) {
                UUID tid = x.id();
                List<TaskInput> inputs = new ArrayList<>(x.inputs().size());
                for (QueueStore.Input in : x.inputs()) {
                  Optional<String> direct = urls.presignedInput(tid, in.key());
                  inputs.add(
                      new TaskInput(
                          in.name(),
                          in.sha256(),
                          in.size(),
                          direct.orElseGet(() -> urls.input(tid, in.key())),
                          direct.isPresent()));
                }
                out.add(
                    new LeasedTask(
                        tid.toString(),
                        x.attempt(),
                        x.leaseToken(),
                        x.leaseExpiresAt(),
                        x.type(),
                        JsonTrees.toJackson(x.params()),
                        inputs,
                        urls.outputs(tid),
                        urls.presignedOutputs(),
                        settings.lease().toMillis()));
              }
              if (!out.isEmpty()) {
                leases.incrementAndGet();
                leasedTasks.addAndGet(out.size());
                leaseNanos.addAndGet(System.nanoTime() - t0);
              }
              return out;
            });
  }

  // ---------------------------------------------------------------- heartbeat

  /** Extends the leases still held; everything else in the heartbeat is answered as cancelled. */
  public Future<HeartbeatReply> heartbeat(Heartbeat hb) {
    if (hb.leases().isEmpty()) {
      return Future.succeededFuture(new HeartbeatReply(List.of(), List.of(), 0));
    }
    List<UUID> ids = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    List<Double> progress = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    for (Heartbeat.Lease l : hb.leases()) {
      UUID id = Ids.parse(l.taskId());
      if (id == null || l.leaseToken() == null) {
        malformed.add(l.taskId());
        continue;
      }
      ids.add(id);
      tokens.add(l.leaseToken());
      progress.add(l.progress());
    }
    return queue
        .extend(
            ids.toArray(new UUID[0]),
            tokens.toArray(new String[0]),
            progress.toArray(new Double[0]),
            settings.lease().toMillis(),
            settings.maxRuntime().toMillis())
        .compose(
            rows -> {
              Set<String> extended = new HashSet<>();
              long expires = 0;
              for (QueueStore.Extended r : rows) {
                extended.add(r.id().toString());
                expires = Math.max(expires, r.leaseExpiresAt());
              }
              List<String> cancelled = new ArrayList<>(malformed);
              List<Heartbeat.Lease> overdue = new ArrayList<>();
              for (Heartbeat.Lease l : hb.leases()) {
                if (!extended.contains(l.taskId()) && !malformed.contains(l.taskId())) {
                  cancelled.add(l.taskId());
                  overdue.add(l);
                }
              }
              long exp = expires;
              // leases refused because the attempt ran past its max runtime end here, as a
              // timed-out attempt
              return timeOut(overdue)
                  .map(
                      v ->
                          new HeartbeatReply(
                              List.copyOf(extended), cancelled, exp, settings.lease().toMillis()));
            });
  }

  private Future<Void> timeOut(List<Heartbeat.Lease> leases) {
    Future<Void> f = Future.succeededFuture();
    for (Heartbeat.Lease l : leases) {
      TaskError error =
          TaskError.of(
              ErrorCode.TASK_TIMED_OUT, ErrorCode.TASK_TIMED_OUT.format(settings.maxRuntime()));
      f =
          f.compose(
              v ->
                  wakeIfRequeued(
                          queue.timeOut(
                              UUID.fromString(l.taskId()),
                              l.leaseToken(),
                              settings.maxRuntime().toMillis(),
                              error,
                              retry(error, false)))
                      .mapEmpty());
    }
    return f;
  }

  // ---------------------------------------------------------------- complete

  /**
   * Records the end of an attempt, if — and only if — the attempt still holds the lease. Successes
   * are group-committed (see the class comment); failures go one at a time.
   */
  public Future<CompleteReply> complete(CompleteRequest c) {
    UUID taskId = Ids.parse(c.taskId());
    if (taskId == null || c.leaseToken() == null) {
      return Future.succeededFuture(new CompleteReply(false, "malformed task id or lease token"));
    }
    if (c.outcome() == CompleteRequest.Outcome.FAILED) {
      return completeOne(c, taskId);
    }
    OutputCheck check = outputCheck;
    if (check != null && !c.outputs().isEmpty()) {
      return check
          .check(taskId, c.leaseToken(), c.outputs())
          .recover(
              e ->
                  Future.succeededFuture(
                      Optional.of(
                          TaskError.of(
                              ErrorCode.STORAGE_UNAVAILABLE,
                              "the outputs could not be checked in the blob store"))))
          .compose(
              problem ->
                  problem.isPresent()
                      ? completeOne(
                          new CompleteRequest(
                              c.taskId(),
                              c.attempt(),
                              c.leaseToken(),
                              CompleteRequest.Outcome.FAILED,
                              List.of(),
                              null,
                              problem.get()),
                          taskId)
                      : enqueue(c, taskId));
    }
    return enqueue(c, taskId);
  }

  private Future<CompleteReply> enqueue(CompleteRequest c, UUID taskId) {
    Promise<CompleteReply> reply = Promise.promise();
    boolean start;
    synchronized (completions) {
      completions.add(new PendingCompletion(c, taskId, reply));
      start = !completing;
      completing = true;
    }
    if (start) {
      completeBatch();
    }
    return reply.future();
  }

  /** The most completions one batch statement takes. */
  static final int COMPLETE_BATCH_MAX = 512;

  private record PendingCompletion(CompleteRequest req, UUID taskId, Promise<CompleteReply> reply) {
    QueueStore.Completion completion() {
      return new QueueStore.Completion(
          taskId, req.attempt(), req.leaseToken(), req.result(), req.outputs());
    }
  }

  private final ArrayDeque<PendingCompletion> completions = new ArrayDeque<>();
  private boolean completing;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batched = new AtomicLong();
  private final AtomicLong batchFailures = new AtomicLong();

  private final AtomicLong batchNanos = new AtomicLong();
  private final AtomicLong leases = new AtomicLong();
  private final AtomicLong leasedTasks = new AtomicLong();
  private final AtomicLong leaseNanos = new AtomicLong();

  /**
   * Counters of the group commit since start.
   *
   * @param batches batch statements that succeeded
   * @param completed completions those statements took
   * @param failures batch statements that failed (their completions went one by one)
   * @param batchMillis wall time of the batch statements that succeeded, summed
   */
  public record CompletionStats(long batches, long completed, long failures, double batchMillis) {}

  public CompletionStats completionStats() {
    return new CompletionStats(
        batches.get(), batched.get(), batchFailures.get(), batchNanos.get() / 1e6);
  }

  /**
   * What this coordinator's queue did since start, for {@code GET /v1/stats}: leases that found
   * work (statement and inputs, wall time) and the completion batches. Where a task's time between
   * lease and completion goes: a completion waits for the batch in flight, then rides the next.
   */
  public JsonObject queueStats() {
    CompletionStats c = completionStats();
    long n = leases.get();
    return new JsonObject()
        .put("leases", n)
        .put("leasedTasks", leasedTasks.get())
        .put("leaseMeanMs", n == 0 ? 0.0 : leaseNanos.get() / 1e6 / n)
        .put("completionBatches", c.batches())
        .put("batchedCompletions", c.completed())
        .put("batchMeanMs", c.batches() == 0 ? 0.0 : c.batchMillis() / c.batches())
        .put("batchMeanSize", c.batches() == 0 ? 0.0 : (double) c.completed() / c.batches())
        .put("batchFailures", c.failures());
  }

  /** Runs one batch of queued completions; when it ends, the next one (if any) starts. */
  private void completeBatch() {
    List<PendingCompletion> batch = new ArrayList<>();
    List<PendingCompletion> single = new ArrayList<>();
    synchronized (completions) {
      Set<UUID> seen = new HashSet<>();
      while (!completions.isEmpty() && batch.size() < COMPLETE_BATCH_MAX) {
        PendingCompletion p = completions.poll();
        (seen.add(p.taskId()) ? batch : single).add(p);
      }
      if (batch.isEmpty()) {
        completing = false;
        return;
      }
    }
    List<QueueStore.Completion> rows = new ArrayList<>(batch.size());
    for (PendingCompletion p : batch) {
      rows.add(p.completion());
    }
    long t0 = System.nanoTime();
    queue
        .completeBatch(rows)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                // the statement changed nothing: every completion gets its own transaction instead
                LOG.warn(
                    "batch completion of {} task(s) failed, completing one by one: {}",
                    batch.size(),
                    ar.cause().toString());
                batchFailures.incrementAndGet();
                single.addAll(batch);
              } else {
                QueueStore.BatchResult r = ar.result();
                if (r.queued()) {
                  onQueued.run();
                }
                batchNanos.addAndGet(System.nanoTime() - t0);
                batches.incrementAndGet();
                batched.addAndGet(r.done().size());
                for (PendingCompletion p : batch) {
                  if (r.done().contains(p.taskId())) {
                    p.reply().complete(new CompleteReply(true, null));
                  } else {
                    single.add(p);
                  }
                }
              }
              for (PendingCompletion p : single) {
                completeOne(p.req(), p.taskId()).onComplete(p.reply());
              }
              completeBatch();
            });
  }

  /**
   * One completion in its own transaction (failures, inspect, and whatever a batch did not take).
   */
  private Future<CompleteReply> completeOne(CompleteRequest c, UUID taskId) {
    if (c.outcome() == CompleteRequest.Outcome.FAILED) {
      TaskError err =
          c.error() != null ? c.error() : TaskError.of(ErrorCode.INTERNAL_ERROR, "no error given");
      // trust the coordinator's catalogue over the node's claim about retryability
      ErrorCode code = ErrorCode.of(err.code());
      TaskError normalized = new TaskError(code.name(), err.message(), code.retryable());
      return queue
          .holdsLease(taskId, c.attempt(), c.leaseToken())
          .compose(
              held ->
                  held
                      ? wakeIfRequeued(
                              queue.fail(
                                  taskId, c.leaseToken(), normalized, retry(normalized, false)))
                          .map(
                              ended ->
                                  new CompleteReply(
                                      ended.ended() > 0,
                                      ended.ended() > 0 ? null : "lease no longer held"))
                      : Future.succeededFuture(new CompleteReply(false, "lease no longer held")));
    }
    PendingCompletion p = new PendingCompletion(c, taskId, null);
    return queue
        .completeOne(p.completion(), JobPlanner::expandTextures)
        .map(
            o -> {
              if (o.queued()) {
                onQueued.run();
              }
              return o.accepted()
                  ? new CompleteReply(true, null)
                  : new CompleteReply(false, "lease no longer held");
            });
  }

  // ---------------------------------------------------------------- failure, requeue, cancel

  /**
   * The retry policy for an attempt that ended with {@code error}: retried after a backoff while
   * attempts are left and the error's code is retryable; at once when {@code immediate} or when the
   * lease was lost through no fault of the task (expiry, node gone or draining).
   */
  private QueueStore.RetryDecision retry(TaskError error, boolean immediate) {
    boolean lostLease =
        ErrorCode.NODE_LOST.name().equals(error.code())
            || ErrorCode.LEASE_EXPIRED.name().equals(error.code());
    return (attempt, maxAttempts) -> {
      RetryPolicy.Decision d =
          settings.retry().decide(attempt, maxAttempts, error, immediate || lostLease);
      return switch (d.verdict()) {
        case RETRY -> new QueueStore.Verdict(TaskState.QUEUED, d.delayMs());
        case FAIL -> new QueueStore.Verdict(TaskState.FAILED, 0);
        case DEAD -> new QueueStore.Verdict(TaskState.DEAD, 0);
      };
    };
  }

  /** Wakes idle nodes once {@code ended} committed with tasks back in the queue. */
  private Future<QueueStore.Ended> wakeIfRequeued(Future<QueueStore.Ended> ended) {
    return ended.onSuccess(
        e -> {
          if (e.requeued() > 0) {
            onQueued.run();
          }
        });
  }

  /**
   * Requeues (or ends) every lease whose expiry passed by {@code now}. Returns how many attempts
   * were ended.
   *
   * @param now the database's wall clock (see {@link QueueStore#reclaimExpired})
   */
  public Future<Integer> reclaimExpired(Instant now) {
    TaskError error = TaskError.of(ErrorCode.LEASE_EXPIRED, ErrorCode.LEASE_EXPIRED.format());
    return wakeIfRequeued(queue.reclaimExpired(now, error, retry(error, true)))
        .map(QueueStore.Ended::ended);
  }

  /** {@link #reclaimExpired(Instant)} by the system clock. */
  public Future<Integer> reclaimExpired() {
    return reclaimExpired(Clock.systemUTC().instant());
  }

  /** Requeues at once every lease held by a node that left the cluster. */
  public Future<Integer> requeueNode(String nodeId) {
    TaskError error = TaskError.of(ErrorCode.NODE_LOST, "node " + nodeId + " left the cluster");
    return wakeIfRequeued(queue.requeueNode(nodeId, error, retry(error, true)))
        .map(QueueStore.Ended::ended);
  }

  /**
   * Requeues leases held by nodes that are not cluster members any more (missed events, restarts).
   */
  public Future<Integer> requeueOrphans(Set<String> liveNodes) {
    TaskError error =
        TaskError.of(ErrorCode.NODE_LOST, "lease owner is no longer a cluster member");
    return wakeIfRequeued(queue.requeueOrphans(liveNodes, error, retry(error, true)))
        .map(QueueStore.Ended::ended);
  }

  /**
   * Whether a queued task is ready by {@code now}: a parked lease request would find work.
   *
   * @param now the database's wall clock (see {@link QueueStore#reclaimExpired})
   */
  public Future<Boolean> anyReady(Instant now) {
    return queue.anyReady(now);
  }

  /**
   * Cancels a job: tasks not started are cancelled, running ones are told to stop in their next
   * heartbeat reply. Returns false when the job is unknown or already finished.
   */
  public Future<Boolean> cancelJob(Actor actor, UUID jobId) {
    return queue.cancelJob(actor, jobId);
  }

  /**
   * Re-drives a failed or cancelled job: its failed, dead and cancelled tasks get a fresh budget of
   * attempts and go back to the queue (or wait for their dependencies). Earlier attempts stay
   * recorded.
   */
  public Future<Boolean> retryJob(Actor actor, UUID jobId) {
    return queue
        .retryJob(actor, jobId, settings.retry().maxAttempts())
        .onSuccess(
            ok -> {
              if (ok) {
                onQueued.run();
              }
            });
  }
}
