package dev.assetgrid.node.worker;

import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.log.LogFields;
import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.CompleteReply;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.HeartbeatReply;
import dev.assetgrid.shared.protocol.JsonTrees;
import dev.assetgrid.shared.protocol.LeaseReply;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.NodeAnnouncement;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskInput;
import dev.assetgrid.shared.protocol.TaskOutput;
import dev.assetgrid.shared.tls.PemFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker shell: leases tasks by free capacity (long poll), heartbeats, downloads inputs over
 * the URLs in the lease (HTTP or HTTPS, verified against {@link WorkerOptions#trust}), runs the
 * handler on a dedicated worker pool, uploads outputs and reports a fenced completion. On stop it
 * drains: no new leases, running tasks get {@code drainTimeoutMs} to finish, the rest are released
 * (failed with {@code NODE_LOST}, which requeues them at once).
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final long SEND_TIMEOUT_MS = 15_000;

  /** The addresses a worker sends to (the coordinators' handlers). */
  public static final List<String> SENDS_TO =
      List.of(Addresses.LEASE, Addresses.HEARTBEAT, Addresses.COMPLETE, Addresses.NODES);

  private final String nodeId;
  private final String host;
  private final String version;
  private final WorkerOptions options;
  private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
  private final List<String> capabilities;

  /**
   * Running attempts by {@link #key}: a task leased again (its lease expired while this node was
   * paused, say) runs its new attempt beside the old one until the old one returns.
   */
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  private WorkerExecutor pool;
  private HttpClient http;
  private HttpClient storeHttp;
  private boolean leasing;
  private boolean draining;
  private long backoffUntil;
  private boolean backoffPending;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** State of one running attempt, shared between the event loop and the handler thread. */
  private static final class Running {
    final LeasedTask task;
    final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * Handed back at the drain timeout: set before {@link #cancelled}, so the stopped handler does
     * not report a cancel.
     */
    volatile boolean released;

    volatile double progress;

    /**
     * Until when (this JVM's {@link System#nanoTime}) the lease holds: the lease's length counted
     * from when it was received, then from when each heartbeat that extended it was sent, so a
     * coordinator's clock that disagrees with ours changes nothing.
     */
    volatile long validUntilNanos;

    /** Stopped because its lease lapsed with no coordinator reached. */
    volatile boolean lapsed;

    /**
     * Done: only its report is still on the way (retried while no coordinator answers); its slot is
     * free.
     */
    volatile boolean reporting;

    volatile long nextHeartbeatAt;
    final long leaseMs;
    final long heartbeatEveryMs;

    Running(LeasedTask task, long receivedAtNanos) {
      this.task = task;
      this.leaseMs =
          task.leaseMs() > 0
              ? task.leaseMs()
              : Math.max(1000, task.leaseExpiresAt() - System.currentTimeMillis());
      this.validUntilNanos = receivedAtNanos + TimeUnit.MILLISECONDS.toNanos(leaseMs);
      this.heartbeatEveryMs = Math.max(200, (long) (leaseMs * 0.3));
      this.nextHeartbeatAt = System.currentTimeMillis() + heartbeatEveryMs;
    }
  }

  /**
   * @param nodeId the Vert.x cluster node id of this process (lease owner)
   * @param extraCapabilities advertised besides the task types, e.g. {@code
   *     native:meshoptimizer=0.22}
   */
  public WorkerVerticle(
      String nodeId,
      String host,
      String version,
      WorkerOptions options,
      List<TaskHandler> handlers,
      List<String> extraCapabilities) {
    this.nodeId = nodeId;
    this.host = host;
    this.version = version;
    this.options = options;
    for (TaskHandler h : handlers) {
      this.handlers.put(h.type().wire(), h);
    }
    this.capabilities = List.copyOf(this.handlers.keySet());
    List<String> all = new ArrayList<>(capabilities);
    all.addAll(extraCapabilities);
    this.advertised = List.copyOf(all);
  }

  private final List<String> advertised;
  private WorkerMeters meters =
      new WorkerMeters(dev.assetgrid.shared.metrics.GridMeters.none(), 1, () -> 0);

  /**
   * Reports this worker's slots, task times and transferred bytes into {@code registry} (see {@link
   * WorkerMeters}); call before deploying.
   */
  public WorkerVerticle withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meters = new WorkerMeters(registry, options.slots(), this::runningCount);
    return this;
  }

  @Override
  public Future<?> start() throws IOException {
    Files.createDirectories(options.workDir());
    // one worker per Vert.x: the pool's name is a metrics label, so it carries no node id
    pool = vertx.createSharedWorkerExecutor("assetgrid-tasks", options.slots(), 24, TimeUnit.HOURS);
    HttpClientOptions httpOptions =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setIdleTimeout(60)
            // https:// URLs in leases: the certificate must be trusted and name the host (RFC 2818)
            .setVerifyHost(true);
    io.vertx.core.http.PoolOptions poolOptions =
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(Math.max(4, options.slots() * 2));
    // presigned URLs of an object store: the JVM's CAs (a --tls-trust file is the coordinator's)
    storeHttp = vertx.createHttpClient(new HttpClientOptions(httpOptions), poolOptions);
    if (options.trust() != null) {
      httpOptions.setTrustOptions(PemFiles.trust(options.trust(), "--tls-trust"));
    }
    http = vertx.createHttpClient(httpOptions, poolOptions);
    consumers.add(vertx.eventBus().consumer(Addresses.WAKE, m -> leaseMore()));
    vertx.setPeriodic(200, id -> heartbeatIfDue());
    vertx.setPeriodic(10, options.announceMs(), id -> announce());
    vertx.setTimer(1, id -> leaseMore());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** Capabilities advertised (task types + natives). */
  public List<String> capabilities() {
    return advertised;
  }

  /**
   * Attempts that hold a slot: running their handler or moving their bytes (an attempt whose
   * outcome is only being reported holds none).
   */
  public int runningCount() {
    int n = 0;
    for (Running r : running.values()) {
      if (!r.reporting) {
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ leasing

  private void leaseMore() {
    int free = options.slots() - runningCount();
    if (leasing || draining || free <= 0 || capabilities.isEmpty()) {
      return;
    }
    if (System.currentTimeMillis() < backoffUntil) {
      leaseAfterBackoff();
      return;
    }
    leasing = true;
    int generation = this.generation;
    LeaseRequest req = new LeaseRequest(nodeId, free, capabilities, options.leaseWaitMs());
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.LEASE,
            req.toJson(),
            new DeliveryOptions().setSendTimeout(options.leaseWaitMs() + SEND_TIMEOUT_MS))
        .onComplete(
            ar -> {
              if (generation != this.generation) {
                // sent to a coordinator that is gone; leasing went on without this request
                if (ar.succeeded()) {
                  LeaseReply.fromJson(ar.result().body())
                      .tasks()
                      .forEach(t -> inOwnContext(t, System.nanoTime()));
                }
                return;
              }
              leasing = false;
              if (ar.failed()) {
                // no coordinator reachable (yet): try again shortly, looking the coordinators up
                // afresh (a request to one that is gone waits for its time-out: do not send there
                // again)
                LOG.debug("lease request failed: {}", ar.cause().toString());
                ClusterBootstrap.forget(vertx, SENDS_TO);
                backoffUntil = System.currentTimeMillis() + 1000;
                leaseAfterBackoff();
                return;
              }
              List<LeasedTask> tasks = LeaseReply.fromJson(ar.result().body()).tasks();
              // counted from the answer, not the question: a long poll may be answered long after
              // it was asked, with a lease that starts then
              long receivedAt = System.nanoTime();
              for (LeasedTask t : tasks) {
                if (draining) {
                  // leased while we started draining: hand it straight back
                  release(t);
                } else {
                  inOwnContext(t, receivedAt);
                }
              }
              leaseMore();
            });
  }

  /**
   * Leases again once the backoff is over. Every finished task and every wake asks for a lease, so
   * while the coordinator is unreachable this is called often: one pending timer serves them all.
   */
  private void leaseAfterBackoff() {
    if (backoffPending) {
      return;
    }
    backoffPending = true;
    vertx.setTimer(
        Math.max(1, backoffUntil - System.currentTimeMillis()),
        id -> {
          backoffPending = false;
          leaseMore();
        });
  }

  /**
   * Requests sent before the cluster's view was last repaired ({@link #coordinatorBack}): their
   * answers no longer hold back the next lease request or heartbeat.
   */
  private int generation;

  /**
   * A coordinator is back after all were gone (the event bus's view was repaired): requests still
   * waiting on the dead one are left to time out on their own, and this node announces itself,
   * heartbeats its leases and leases at once.
   */
  public void coordinatorBack() {
    context.runOnContext(
        v -> {
          generation++;
          leasing = false;
          heartbeating = false;
          backoffUntil = 0;
          LOG.info("a coordinator is back: announcing, heartbeating and leasing again");
          announce();
          long now = System.currentTimeMillis();
          running.values().forEach(r -> r.nextHeartbeatAt = now);
          heartbeatIfDue();
          leaseMore();
        });
  }

  // ------------------------------------------------------------------ one attempt

  private static String key(LeasedTask task) {
    return task.taskId() + "/" + task.attempt();
  }

  /**
   * Runs the attempt on a duplicated context of this verticle's (same event loop), whose log fields
   * name the task, its attempt and this node: every line of the attempt carries them, on the event
   * loop and on the task pool alike ({@link LogFields}).
   */
  private void inOwnContext(LeasedTask task, long receivedAtNanos) {
    ContextInternal own = ((ContextInternal) context).duplicate();
    own.dispatch(
        v -> {
          LogFields.put(LogFields.TASK, task.taskId());
          LogFields.put(LogFields.ATTEMPT, Integer.toString(task.attempt()));
          LogFields.put(LogFields.NODE, nodeId);
          execute(task, receivedAtNanos);
        });
  }

  private void execute(LeasedTask task, long receivedAtNanos) {
    Running r = new Running(task, receivedAtNanos);
    for (Running older : running.values()) {
      // the coordinator leases a task again only after the earlier attempt lost its lease: its
      // completion would be refused, so stop it and free its slot
      if (older.task.taskId().equals(task.taskId())
          && older.task.attempt() < task.attempt()
          && older.cancelled.compareAndSet(false, true)) {
        LOG.info(
            "task {} leased again (attempt {}): stopping attempt {}",
            task.taskId(),
            task.attempt(),
            older.task.attempt());
      }
    }
    running.put(key(task), r);
    TaskHandler h = handlers.get(task.type());
    // nothing touches the disk unless the task has inputs or its handler asks for a directory
    AttemptDirectory dirs =
        AttemptDirectory.under(options.workDir(), task.taskId(), task.attempt());
    long t0 = System.nanoTime();
    Future<CompleteRequest> outcome;
    if (h == null) {
      outcome =
          Future.failedFuture(AssetGridException.of(ErrorCode.TASK_TYPE_UNSUPPORTED, task.type()));
    } else {
      Future<Map<String, Path>> inputs =
          h.needsInputs() && !task.inputs().isEmpty()
              ? download(task, dirs)
              : Future.succeededFuture(Map.of());
      outcome =
          inputs
              .compose(files -> pool.executeBlocking(() -> run(h, task, r, files, dirs), false))
              .compose(
                  ran -> {
                    Future<List<TaskOutput>> outputs =
                        ran.outputs().isEmpty()
                            ? Future.succeededFuture(List.of())
                            : upload(task, ran.outputs());
                    return outputs.map(
                        o ->
                            CompleteRequest.succeeded(
                                task,
                                o,
                                ran.result()
                                    .put("elapsedMs", (System.nanoTime() - t0) / 1_000_000)));
                  });
    }
    outcome
        .recover(
            e -> {
              // a released attempt reports what the release did: a handler stopped by it must not
              // turn the
              // requeue into a cancel, which would fail the job if it reached the coordinator first
              TaskError err =
                  r.released
                      ? shuttingDown()
                      : r.lapsed
                          ? TaskError.of(
                              ErrorCode.LEASE_EXPIRED,
                              "no coordinator answered this node's heartbeats for "
                                  + r.leaseMs
                                  + " ms")
                          : r.cancelled.get()
                              ? TaskError.of(
                                  ErrorCode.TASK_CANCELLED, "cancelled by the coordinator")
                              : TaskError.of(e);
              if (AssetGridException.codeOf(e) == ErrorCode.INTERNAL_ERROR) {
                LOG.warn("task {} ({}) failed unexpectedly", task.taskId(), task.type(), e);
              }
              return Future.succeededFuture(CompleteRequest.failed(task, err));
            })
        .onSuccess(c -> meters.ran(task.type(), c, System.nanoTime() - t0))
        .compose(
            c -> {
              r.reporting = true;
              leaseMore(); // the slot is free while the report waits for a coordinator
              // a lapsed attempt's lease is someone else's by now: one report, no long retries
              return report(c, r.lapsed ? 38 : 0);
            })
        .onComplete(
            ar -> {
              running.remove(key(task), r);
              // the handler has returned and any download has ended: nothing more will be made on
              // disk
              if (dirs.created()) {
                vertx
                    .executeBlocking(
                        () -> {
                          dirs.delete();
                          return null;
                        },
                        false)
                    .onFailure(
                        e ->
                            LOG.warn(
                                "could not remove the work directory of task {}: {}",
                                task.taskId(),
                                e.toString()));
              }
              if (ar.succeeded() && !ar.result().accepted()) {
                LOG.info(
                    "completion of task {} attempt {} was refused: {}",
                    task.taskId(),
                    task.attempt(),
                    ar.result().reason());
              }
              leaseMore();
            });
  }

  /**
   * What a handler run hands back to the event loop: outputs to upload and the result, already in
   * wire form.
   */
  private record Ran(List<TaskResult.Output> outputs, JsonObject result) {}

  /**
   * Runs the handler; on a {@code pool} thread, so the params and result conversions stay off the
   * event loop.
   */
  private static Ran run(
      TaskHandler h, LeasedTask task, Running r, Map<String, Path> files, AttemptDirectory dirs)
      throws Exception {
    TaskWork work =
        new TaskWork(
            task.taskId(),
            task.attempt(),
            task.params(),
            files,
            dirs,
            p -> r.progress = p,
            r.cancelled::get);
    TaskResult result = h.run(work);
    return new Ran(result.outputs(), JsonTrees.toVertx(result.result()));
  }

  private Future<Map<String, Path>> download(LeasedTask task, AttemptDirectory dirs) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (TaskInput in : task.inputs()) {
      try {
        files.put(in.name(), safeChild(dirs.inputPath(), in.name()));
      } catch (AssetGridException e) {
        return Future.failedFuture(e);
      }
    }
    // one hop makes the input directory (removing a leftover of the same attempt) and every
    // side-file folder
    Future<Void> chain =
        vertx.executeBlocking(
            () -> {
              dirs.inputDir();
              for (Path target : files.values()) {
                Files.createDirectories(target.getParent());
              }
              return null;
            },
            false);
    for (TaskInput in : task.inputs()) {
      Path target = files.get(in.name());
      chain = chain.compose(v -> fetch(task, in, target));
    }
    return chain.map(v -> files);
  }

  /** A GET of the input; a presigned URL of the store carries its own authority, no token. */
  private static RequestOptions inputRequest(LeasedTask task, TaskInput in) {
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(in.url());
    return in.presigned() ? get : get.putHeader("X-Lease-Token", task.leaseToken());
  }

  private Future<Void> fetch(LeasedTask task, TaskInput in, Path target) {
    MessageDigest md = sha256();
    return vertx
        .fileSystem()
        .open(
            target.toString(),
            new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(
            file ->
                (in.presigned() ? storeHttp : http)
                    .request(inputRequest(task, in))
                    .compose(req -> req.send())
                    .compose(
                        resp -> {
                          if (resp.statusCode() != 200) {
                            return resp.body()
                                .compose(
                                    b ->
                                        Future.failedFuture(
                                            transferError(resp.statusCode(), b, in.url())));
                          }
                          Promise<Void> copied = Promise.promise();
                          resp.handler(
                              buf -> {
                                meters.received(buf.length());
                                md.update(buf.getBytes());
                                file.write(buf).onFailure(copied::tryFail);
                                if (file.writeQueueFull()) {
                                  resp.pause();
                                  file.drainHandler(x -> resp.resume());
                                }
                              });
                          resp.exceptionHandler(copied::tryFail);
                          resp.endHandler(x -> copied.tryComplete());
                          return copied.future();
                        })
                    .eventually(() -> file.close()))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof AssetGridException
                        ? e
                        : new AssetGridException(
                            ErrorCode.TRANSFER_FAILED,
                            "download of " + in.name() + " failed: " + e,
                            e)))
        .compose(
            v -> {
              String got = HexFormat.of().formatHex(md.digest());
              return got.equals(in.sha256())
                  ? Future.succeededFuture()
                  : Future.failedFuture(
                      new AssetGridException(
                          ErrorCode.BLOB_CHECKSUM_MISMATCH,
                          in.name() + ": expected " + in.sha256() + ", got " + got));
            });
  }

  private Future<List<TaskOutput>> upload(LeasedTask task, List<TaskResult.Output> files) {
    List<TaskOutput> outputs = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (TaskResult.Output o : files) {
      chain =
          chain.compose(
              v ->
                  vertx
                      .executeBlocking(
                          () -> new Digest(sha256Hex(o.file()), Files.size(o.file())), false)
                      .compose(
                          d ->
                              task.presignedOutputs()
                                  ? putIntoStore(task, o, d)
                                  : putToCoordinator(task, o, d))
                      .map(
                          d -> {
                            meters.sent(d.size());
                            outputs.add(
                                new TaskOutput(o.name(), d.sha256(), d.size(), o.contentType()));
                            return null;
                          }));
    }
    return chain.map(v -> outputs);
  }

  /** SHA-256 and size of an output file. */
  private record Digest(String sha256, long size) {}

  /** {@code PUT outputUploadUrl/name}: the coordinator streams the bytes into its store. */
  private Future<Digest> putToCoordinator(LeasedTask task, TaskResult.Output o, Digest d) {
    String url = task.outputUploadUrl() + "/" + o.name();
    return send(
            http,
            url,
            new RequestOptions()
                .setMethod(HttpMethod.PUT)
                .setAbsoluteURI(url)
                .putHeader("X-Lease-Token", task.leaseToken())
                .putHeader("X-Content-SHA256", d.sha256())
                .putHeader("Content-Type", o.contentType())
                .putHeader("Content-Length", String.valueOf(d.size())),
            o.file(),
            201)
        .map(
            b ->
                new Digest(
                    new JsonObject(b).getString("sha256"), new JsonObject(b).getLong("size")));
  }

  /**
   * Asks the coordinator for a PUT URL of the store for exactly these bytes, then PUTs them there
   * (the signed headers with them); nothing to send when the store has them already.
   */
  private Future<Digest> putIntoStore(LeasedTask task, TaskResult.Output o, Digest d) {
    String ask =
        task.outputUploadUrl()
            + "/"
            + o.name()
            + "/presign?sha256="
            + d.sha256()
            + "&size="
            + d.size();
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(ask)
                .putHeader("X-Lease-Token", task.leaseToken()))
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body()
                    .compose(
                        b ->
                            resp.statusCode() == 200
                                ? Future.succeededFuture(new JsonObject(b))
                                : Future.failedFuture(transferError(resp.statusCode(), b, ask))))
        .compose(
            target -> {
              if (target.getBoolean("stored", false)) {
                return Future.succeededFuture(d);
              }
              String url = target.getString("url");
              RequestOptions put =
                  new RequestOptions()
                      .setMethod(HttpMethod.PUT)
                      .setAbsoluteURI(url)
                      .putHeader("Content-Length", String.valueOf(d.size()));
              JsonObject headers = target.getJsonObject("headers", new JsonObject());
              for (String h : headers.fieldNames()) {
                put.putHeader(h, headers.getString(h));
              }
              return send(storeHttp, url, put, o.file(), 200).map(b -> d);
            });
  }

  /**
   * Sends {@code file} as the body of {@code req}; the answer's body if its status is {@code ok}.
   */
  private Future<Buffer> send(
      HttpClient client, String url, RequestOptions req, Path file, int ok) {
    return vertx
        .fileSystem()
        .open(file.toString(), new OpenOptions().setRead(true))
        .compose(
            f ->
                client
                    .request(req)
                    .compose(r -> r.send(f))
                    .compose(
                        resp ->
                            resp.body()
                                .compose(
                                    b ->
                                        resp.statusCode() == ok
                                            ? Future.succeededFuture(b)
                                            : Future.failedFuture(
                                                transferError(resp.statusCode(), b, url))))
                    .eventually(() -> f.close()));
  }

  /**
   * Reports the completion; transient failures (no coordinator right now) are retried for a while.
   */
  private Future<CompleteReply> report(CompleteRequest c, int tries) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.COMPLETE, c.toJson(), new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS))
        .map(m -> CompleteReply.fromJson(m.body()))
        .recover(
            e -> {
              if (tries >= 40) {
                LOG.warn("giving up reporting task {}: {}", c.taskId(), e.toString());
                return Future.succeededFuture(
                    new CompleteReply(false, "unreported: " + e.getMessage()));
              }
              Promise<CompleteReply> p = Promise.promise();
              vertx.setTimer(
                  Math.min(5000, 250L << Math.min(tries, 4)),
                  id -> report(c, tries + 1).onComplete(p));
              return p.future();
            });
  }

  private void release(LeasedTask t) {
    report(CompleteRequest.failed(t, shuttingDown()), 30);
  }

  private TaskError shuttingDown() {
    return TaskError.of(ErrorCode.NODE_LOST, "node " + nodeId + " is shutting down");
  }

  // ------------------------------------------------------------------ heartbeats, announcements

  private boolean heartbeating;

  /**
   * Stops the attempts whose lease has lapsed by this node's clock (no heartbeat got through for a
   * lease's length: a partition, or no coordinator): the coordinator has requeued them or will, so
   * their work is for nothing and their slots are wanted. They end {@code LEASE_EXPIRED} (a report
   * the coordinator refuses when the task is someone else's by then).
   */
  private void stopLapsed() {
    long now = System.nanoTime();
    for (Running r : running.values()) {
      if (!r.cancelled.get() && now - r.validUntilNanos > 0) {
        r.lapsed = true;
        if (r.cancelled.compareAndSet(false, true)) {
          LOG.warn(
              "task {} attempt {}: its lease lapsed with no coordinator reached; stopping it",
              r.task.taskId(),
              r.task.attempt());
        }
      }
    }
  }

  private void heartbeatIfDue() {
    stopLapsed();
    if (heartbeating || running.isEmpty()) {
      return;
    }
    // a cancelled attempt has no lease left to extend, and would otherwise be due at every tick
    // until its handler returns
    List<Running> sent = running.values().stream().filter(r -> !r.cancelled.get()).toList();
    long now = System.currentTimeMillis();
    if (sent.stream().noneMatch(r -> r.nextHeartbeatAt <= now)) {
      return;
    }
    List<Heartbeat.Lease> leases = new ArrayList<>();
    sent.forEach(
        r -> leases.add(new Heartbeat.Lease(r.task.taskId(), r.task.leaseToken(), r.progress)));
    heartbeating = true;
    int generation = this.generation;
    long sentAt = System.nanoTime();
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.HEARTBEAT,
            new Heartbeat(nodeId, leases).toJson(),
            // a heartbeat lost on the way is sent again before the lease runs out (about three
            // tries per lease), not after the usual send time-out
            new DeliveryOptions()
                .setSendTimeout(
                    Math.max(
                        1000,
                        Math.min(
                            SEND_TIMEOUT_MS,
                            sent.stream().mapToLong(r -> r.heartbeatEveryMs).min().orElse(1000)))))
        .onComplete(
            ar -> {
              if (generation != this.generation) {
                return; // a later heartbeat carries these leases
              }
              heartbeating = false;
              long at = System.currentTimeMillis();
              if (ar.failed()) {
                LOG.debug("heartbeat failed: {}", ar.cause().toString());
                ClusterBootstrap.forget(vertx, SENDS_TO);
                running.values().forEach(r -> r.nextHeartbeatAt = at + 500);
                return;
              }
              // the reply names tasks, not attempts: it is about the attempts of this heartbeat,
              // not a newer
              // attempt of the same task leased while it was under way (an older one sent nothing:
              // it was stopped)
              HeartbeatReply reply = HeartbeatReply.fromJson(ar.result().body());
              Map<String, Running> sentByTask = new LinkedHashMap<>();
              for (Running r : sent) {
                sentByTask.merge(
                    r.task.taskId(), r, (a, b) -> a.task.attempt() >= b.task.attempt() ? a : b);
              }
              for (String id : reply.extended()) {
                Running r = sentByTask.get(id);
                if (r != null) {
                  long length = reply.leaseMs() > 0 ? reply.leaseMs() : r.leaseMs;
                  r.validUntilNanos = sentAt + TimeUnit.MILLISECONDS.toNanos(length);
                  r.nextHeartbeatAt = at + r.heartbeatEveryMs;
                }
              }
              for (String id : reply.cancelled()) {
                Running r = sentByTask.get(id);
                if (r != null && r.cancelled.compareAndSet(false, true)) {
                  LOG.info("task {} attempt {} cancelled by the coordinator", id, r.task.attempt());
                }
              }
            });
  }

  private void announce() {
    List<String> ids = running.values().stream().map(r -> r.task.taskId()).distinct().toList();
    vertx
        .eventBus()
        .publish(
            Addresses.NODES,
            new NodeAnnouncement(
                    nodeId,
                    host,
                    options.slots(),
                    advertised,
                    version,
                    (double) runningCount() / options.slots(),
                    ids)
                .toJson());
  }

  // ------------------------------------------------------------------ drain

  @Override
  public Future<?> stop() {
    draining = true;
    long deadline = System.currentTimeMillis() + options.drainTimeoutMs();
    Promise<Void> done = Promise.promise();
    waitDrained(deadline, done);
    // the HTTP client and the worker pool belong to this verticle's context: Vert.x closes them
    // after stop() completes (awaiting their close here would wait on the undeploy itself)
    return done.future()
        .eventually(
            () -> Future.join(consumers.stream().map(MessageConsumer::unregister).toList()));
  }

  private void waitDrained(long deadline, Promise<Void> done) {
    if (running.isEmpty()) {
      done.complete();
      return;
    }
    if (System.currentTimeMillis() >= deadline) {
      LOG.warn("drain timeout: releasing {} task(s)", running.size());
      List<Future<CompleteReply>> all = new ArrayList<>();
      for (Running r : running.values()) {
        r.released = true;
        r.cancelled.set(true);
        all.add(report(CompleteRequest.failed(r.task, shuttingDown()), 36));
      }
      Future.join(all).onComplete(x -> done.complete());
      return;
    }
    vertx.setTimer(100, id -> waitDrained(deadline, done));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Resolves an input name (possibly a relative path of a side file) inside {@code dir}, refusing
   * escapes.
   */
  static Path safeChild(Path dir, String name) {
    if (name == null || name.isBlank() || name.indexOf('\0') >= 0 || name.length() > 1024) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "bad input name");
    }
    Path p = dir.resolve(name.replace('\\', '/')).normalize();
    if (!p.startsWith(dir) || p.equals(dir)) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "input name escapes the work directory: " + name);
    }
    return p;
  }

  private static AssetGridException transferError(int status, Buffer body, String url) {
    String code = null;
    try {
      code = new JsonObject(body).getString("code");
    } catch (RuntimeException ignored) {
      // not a problem document
    }
    ErrorCode c = code != null ? ErrorCode.of(code) : ErrorCode.TRANSFER_FAILED;
    if (c == ErrorCode.INTERNAL_ERROR) {
      c = ErrorCode.TRANSFER_FAILED;
    }
    // without the query: a presigned URL's signature is a credential
    int q = url.indexOf('?');
    return new AssetGridException(
        c, "HTTP " + status + " from " + (q < 0 ? url : url.substring(0, q)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (var in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
