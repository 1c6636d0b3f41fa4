package dev.assetgrid.node.worker;

import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.CompleteReply;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.HeartbeatReply;
import dev.assetgrid.shared.protocol.LeaseReply;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskInput;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's half of the task protocol, in one JVM on a local (non-clustered) event bus: it
 * answers lease, heartbeat and completion requests and serves blobs over HTTP, recording everything a
 * test wants to assert on. The node module cannot start the real coordinator (it depends on the node),
 * so worker tests run the real {@link WorkerVerticle} against this.
 *
 * <p>Leases are answered from a queue of offered tasks ({@link #offer}); with {@code autoLease} off
 * they are held in {@link #leases} for the test to answer itself, to control when a lease returns.
 */
final class StubCoordinator implements AutoCloseable {
  /** A lease request the test answers with {@link #answer}. */
  record HeldLease(LeaseRequest request, Message<JsonObject> message) {}

  final Vertx vertx = Vertx.vertx();
  final BlockingQueue<HeldLease> leases = new LinkedBlockingQueue<>();
  final List<LeaseRequest> leaseRequests = new CopyOnWriteArrayList<>();
  final BlockingQueue<CompleteRequest> completions = new LinkedBlockingQueue<>();
  final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
  /** Uploaded outputs by {@code taskId/name}. */
  final Map<String, Buffer> uploads = new ConcurrentHashMap<>();
  /** GET requests received, by blob name. */
  final List<String> downloads = new CopyOnWriteArrayList<>();

  private final boolean autoLease;
  private final Queue<LeasedTask> queued = new ArrayDeque<>();
  private final Map<String, Buffer> blobs = new ConcurrentHashMap<>();
  private final Set<String> cancel = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  StubCoordinator(boolean autoLease) {
    this.autoLease = autoLease;
    vertx.eventBus().<JsonObject>consumer(Addresses.LEASE, this::onLease).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.HEARTBEAT, this::onHeartbeat).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.COMPLETE, m -> {
      completions.add(CompleteRequest.fromJson(m.body()));
      m.reply(new CompleteReply(true, null).toJson());
    }).completion().await();
    server = vertx.createHttpServer().requestHandler(this::onHttp).listen(0, "127.0.0.1").await();
  }

  /** Base URL of the blob server. */
  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Serves {@code bytes} at {@code /blobs/<name>} and returns an input that points there. */
  TaskInput blob(String name, byte[] bytes) {
    blobs.put(name, Buffer.buffer(bytes));
    return new TaskInput(name, sha256(bytes), bytes.length, url() + "/blobs/" + name);
  }

  /** A task leasable for 10 s, uploading under {@code /outputs/<taskId>}. */
  LeasedTask task(String taskId, String type, JsonObject params, List<TaskInput> inputs) {
    return task(taskId, type, params, inputs, System.currentTimeMillis() + 10_000);
  }

  LeasedTask task(String taskId, String type, JsonObject params, List<TaskInput> inputs, long leaseExpiresAt) {
    return new LeasedTask(taskId, 1, "token-" + taskId, leaseExpiresAt, type, params, inputs,
        url() + "/outputs/" + taskId);
  }

  /** Queues tasks for the next lease requests (auto-lease mode). */
  synchronized void offer(Collection<LeasedTask> tasks) {
    queued.addAll(tasks);
    serve();
  }

  /** Answers a held lease request. */
  static void answer(HeldLease lease, List<LeasedTask> tasks) {
    lease.message().reply(new LeaseReply(tasks).toJson());
  }

  /** The next held lease request, or null after {@code ms}. */
  HeldLease nextLease(long ms) throws InterruptedException {
    return leases.poll(ms, TimeUnit.MILLISECONDS);
  }

  /** The next completion, or null after {@code ms}. */
  CompleteRequest nextCompletion(long ms) throws InterruptedException {
    return completions.poll(ms, TimeUnit.MILLISECONDS);
  }

  /** Tells the node to stop the task in the reply to its next heartbeat. */
  void cancel(String taskId) {
    cancel.add(taskId);
  }

  private synchronized void onLease(Message<JsonObject> m) {
    LeaseRequest req = LeaseRequest.fromJson(m.body());
    leaseRequests.add(req);
    leases.add(new HeldLease(req, m));
    serve();
  }

  private void serve() {
    if (!autoLease) {
      return;
    }
    while (!queued.isEmpty() && !leases.isEmpty()) {
      HeldLease l = leases.poll();
      List<LeasedTask> tasks = new ArrayList<>();
      while (tasks.size() < l.request().freeSlots() && !queued.isEmpty()) {
        tasks.add(queued.poll());
      }
      answer(l, tasks);
    }
  }

  private void onHeartbeat(Message<JsonObject> m) {
    Heartbeat hb = Heartbeat.fromJson(m.body());
    heartbeats.add(hb);
    List<String> ids = hb.leases().stream().map(Heartbeat.Lease::taskId).toList();
    m.reply(new HeartbeatReply(ids.stream().filter(id -> !cancel.contains(id)).toList(),
        ids.stream().filter(cancel::contains).toList(), System.currentTimeMillis() + 10_000).toJson());
  }

  private void onHttp(HttpServerRequest req) {
    String path = req.path();
    if (req.getHeader("X-Lease-Token") == null) {
      req.response().setStatusCode(401).end();
    } else if (req.method() == HttpMethod.GET && path.startsWith("/blobs/")) {
      String name = path.substring("/blobs/".length());
      downloads.add(name);
      Buffer b = blobs.get(name);
      req.response().setStatusCode(b == null ? 404 : 200).end(b == null ? Buffer.buffer() : b);
    } else if (req.method() == HttpMethod.PUT && path.startsWith("/outputs/")) {
      req.body().onSuccess(b -> {
        String sha = sha256(b.getBytes());
        if (!sha.equals(req.getHeader("X-Content-SHA256"))) {
          req.response().setStatusCode(422).end(new JsonObject().put("code", "BLOB_CHECKSUM_MISMATCH").encode());
          return;
        }
        uploads.put(path.substring("/outputs/".length()), b);
        req.response().setStatusCode(201).end(new JsonObject().put("sha256", sha).put("size", b.length()).encode());
      });
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
