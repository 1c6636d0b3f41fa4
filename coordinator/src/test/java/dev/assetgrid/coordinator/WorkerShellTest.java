package dev.assetgrid.coordinator;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.NoopHandler;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.node.worker.WorkerVerticle;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's worker shell ({@link WorkerVerticle}) on real nodes against the real coordinator:
 * leasing, input and output transfers, attempt directories, heartbeats, cancellation and drain.
 * Every test runs its own grid; what the shell did is read back through the HTTP API, the database
 * and the node's work directory.
 */
@Timeout(240)
class WorkerShellTest {
  @TempDir Path dataDir;
  TestGrid grid;
  WorkRoot work;

  @AfterEach
  void stop() throws IOException {
    if (grid != null) {
      grid.close();
    }
    if (work != null) {
      work.close();
    }
  }

  /** A fresh, watched work root for the node under test. */
  private WorkerOptions watchedNode(int slots, long drainTimeoutMs) throws IOException {
    work = new WorkRoot(Files.createDirectories(dataDir.resolve("node-work")));
    return new WorkerOptions(slots, work.dir, 5_000, drainTimeoutMs, 500);
  }

  // ------------------------------------------------------------------ transfers and directories

  @Test
  void noopTasksNeverTouchTheDisk() throws Exception {
    grid = TestGrid.start(dataDir);
    Node node = grid.startNode(watchedNode(4, 5_000));
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jobs.add(grid.submit(glb, "pipeline=noop"));
    }

    for (String id : jobs) {
      JsonObject job = grid.awaitJob(id, Duration.ofSeconds(60));
      assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
      JsonObject task = task(job);
      assertThat(task.getJsonObject("result").getInteger("attempt")).isEqualTo(1);
      assertThat(task.getJsonObject("result").getLong("elapsedMs")).isNotNegative();
      assertThat(attempt(task, 0).getString("node")).isEqualTo(node.nodeId());
    }
    assertThat(work.created()).as("made in the work root for no-op tasks").isEmpty();
    assertThat(work.entries()).isEmpty();
  }

  @Test
  void outputsAreUploadedWithTheirHashAndTheAttemptDirectoryIsRemoved() throws Exception {
    grid = TestGrid.start(dataDir);
    grid.startNode(watchedNode(2, 5_000));
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());

    JsonObject job =
        grid.awaitJob(grid.submit(glb, noop("{\"output\":true}")), Duration.ofSeconds(60));

    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonObject task = task(job);
    byte[] expected =
        ("{\"task\":\"" + task.getString("id") + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(task.getJsonArray("outputs")).hasSize(1);
    JsonObject out = task.getJsonArray("outputs").getJsonObject(0);
    assertThat(out.getString("name")).isEqualTo("noop.json");
    assertThat(out.getString("sha256")).isEqualTo(sha256(expected));
    assertThat(out.getLong("size")).isEqualTo(expected.length);
    assertThat(out.getString("contentType")).isEqualTo("application/json");
    HttpResponse<byte[]> file =
        grid.http.send(
            grid.request("/v1/assets/" + job.getString("assetId") + "/files/noop.json").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(expected);
    assertThat(work.created()).containsExactly(task.getString("id") + "-1");
    work.awaitEmpty();
  }

  @Test
  void inputsAreDownloadedIntoTheirFoldersAndRemovedAfterwards() throws Exception {
    grid = TestGrid.start(dataDir);
    grid.startNode(watchedNode(2, 5_000));
    // a .gltf whose buffer and image sit in subfolders: inspect reads both through their relative
    // URIs,
    // so it only succeeds when every side file was put in its folder beside the original
    byte[] gltf = gltf("buffers/tri.bin", "textures/wood.png").getBytes(StandardCharsets.UTF_8);
    byte[] bin = triangleBuffer();
    byte[] png = png(3, 2);
    Path zip = dataDir.resolve("model.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (var e :
          List.of(
              Map.entry("model/model.gltf", gltf),
              Map.entry("model/buffers/tri.bin", bin),
              Map.entry("model/textures/wood.png", png))) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());

    JsonObject sides = grid.awaitJob(grid.submit(zip, "pipeline=inspect"), Duration.ofSeconds(60));
    JsonObject original =
        grid.awaitJob(grid.submit(glb, "pipeline=inspect"), Duration.ofSeconds(60));

    assertThat(sides.getString("state")).as(sides.encodePrettily()).isEqualTo("succeeded");
    JsonObject report = task(sides).getJsonObject("result");
    assertThat(report.getLong("triangles")).isEqualTo(1);
    assertThat(report.getLong("sizeBytes"))
        .as("the .gltf, its buffer and its image")
        .isEqualTo(gltf.length + bin.length + png.length);
    assertThat(report.getJsonArray("textures")).hasSize(1);
    JsonObject texture = report.getJsonArray("textures").getJsonObject(0);
    assertThat(texture.getString("mimeType")).isEqualTo("image/png");
    assertThat(texture.getInteger("width")).isEqualTo(3);
    assertThat(texture.getInteger("height")).isEqualTo(2);

    assertThat(original.getString("state")).as(original.encodePrettily()).isEqualTo("succeeded");
    assertThat(task(original).getJsonObject("result").getLong("triangles")).isEqualTo(1);
    assertThat(task(original).getJsonObject("result").getLong("sizeBytes"))
        .isEqualTo(TinyGlb.triangle().length);

    assertThat(work.created())
        .containsExactlyInAnyOrder(
            task(sides).getString("id") + "-1", task(original).getString("id") + "-1");
    work.awaitEmpty();
  }

  @Test
  void anInputWhoseHashDoesNotMatchFailsTheTaskBeforeTheHandlerRuns() throws Exception {
    grid = TestGrid.start(dataDir);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String jobId = grid.submit(glb, "pipeline=inspect");
    // the stored blob now holds another valid GLB: had the handler run, inspect would have
    // succeeded
    Path blob = blobFile(sha256(TinyGlb.triangle()));
    blob.toFile().setWritable(true);
    Files.write(blob, TinyGlb.triangle("not the uploaded bytes"));
    grid.startNode(watchedNode(2, 5_000));

    JsonObject job = grid.awaitJob(jobId, Duration.ofSeconds(60));

    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("failed");
    JsonObject task = task(job);
    assertThat(task.getJsonObject("error").getString("code")).isEqualTo("BLOB_CHECKSUM_MISMATCH");
    assertThat(task.getJsonArray("attempts"))
        .isNotEmpty()
        .allSatisfy(
            a ->
                assertThat(((JsonObject) a).getString("errorCode"))
                    .isEqualTo("BLOB_CHECKSUM_MISMATCH"));
    assertThat(task.getValue("result")).isNull();
    assertThat(task.getJsonArray("outputs")).isEmpty();
    work.awaitEmpty();
  }

  /**
   * Params that got past the door anyway (a task planned by an older coordinator, say) fail the
   * task on its first attempt with a code that is not retried, naming the field.
   */
  @Test
  void aBadParamThatReachesANodeFailsTheTaskAtOnce() throws Exception {
    grid = TestGrid.start(dataDir);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String jobId = grid.submit(glb, noop("{}"));
    grid.sql(
        "UPDATE tasks SET params = '{\"sleepMs\":-5,\"sleepMS\":1}'::jsonb WHERE job_id = $1",
        Tuple.of(java.util.UUID.fromString(jobId)));
    grid.startNode(watchedNode(2, 5_000));

    JsonObject job = grid.awaitJob(jobId, Duration.ofSeconds(60));

    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("failed");
    JsonObject task = task(job);
    assertThat(task.getString("state")).isEqualTo("failed");
    assertThat(task.getJsonArray("attempts")).hasSize(1);
    JsonObject error = task.getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(dev.assetgrid.shared.error.ErrorCode.of(error.getString("code")).retryable())
        .isFalse();
    assertThat(error.getString("message")).contains("/sleep").doesNotContain("Exception");
  }

  @Test
  void aLeftoverDirectoryOfTheSameAttemptIsRemovedBeforeItIsReused() throws Exception {
    grid = TestGrid.start(dataDir);
    // the model refers to an image that was never uploaded
    Path model =
        Files.writeString(
            dataDir.resolve("stale.gltf"), gltf(dataUri(triangleBuffer()), "textures/stale.png"));
    String jobId = grid.submit(model, "pipeline=inspect");
    String taskId = task(grid.job(jobId)).getString("id");
    // a crashed earlier run of the same attempt left the missing image (and scratch output) behind;
    // reading it would make inspect succeed
    WorkerOptions options = watchedNode(2, 5_000);
    Path leftover = work.dir.resolve(taskId + "-1");
    Files.createDirectories(leftover.resolve("in/textures"));
    Files.createDirectories(leftover.resolve("out"));
    Files.write(leftover.resolve("in/textures/stale.png"), png(2, 2));
    Files.writeString(leftover.resolve("out/inspect.json"), "{}");
    work.created();
    grid.startNode(options);

    JsonObject job = grid.awaitJob(jobId, Duration.ofSeconds(60));

    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("failed");
    JsonObject error = task(job).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("GLTF_RESOURCE_MISSING");
    assertThat(error.getString("message")).contains("textures/stale.png");
    work.awaitEmpty();
  }

  // ------------------------------------------------------------------ leasing

  @Test
  void queuedJobsDrainThroughTheNodesOwnLeaseLoop() throws Exception {
    grid = TestGrid.start(dataDir);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      jobs.add(grid.submit(glb, "pipeline=noop"));
    }
    // everything was queued (and every wake published) before the node joined: from here on only
    // its own lease-on-start, lease-after-reply and lease-after-completion keep it busy
    long t0 = System.nanoTime();
    Node node = grid.startNode(watchedNode(2, 5_000));

    for (String id : jobs) {
      JsonObject job = grid.awaitJob(id, Duration.ofSeconds(60));
      assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
      assertThat(task(job).getJsonArray("attempts")).hasSize(1);
      assertThat(attempt(task(job), 0).getString("node")).isEqualTo(node.nodeId());
    }
    System.out.printf(
        "[measure] 30 queued no-op jobs done by a 2-slot node in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aNodeIsOnlyLeasedTheTaskTypesItHandles() throws Exception {
    grid = TestGrid.start(dataDir);
    // the real worker shell with the no-op handler only, as on a node whose build offers nothing
    // else
    Vertx vertx = TestGrid.await(ClusterBootstrap.start(grid.nodeCluster(), new VertxOptions()));
    try {
      String noopNode = ClusterBootstrap.nodeId(vertx);
      WorkerVerticle noopOnly =
          new WorkerVerticle(
              noopNode,
              "127.0.0.1",
              "test",
              watchedNode(2, 5_000),
              List.of(new NoopHandler()),
              List.of());
      TestGrid.await(vertx.deployVerticle(noopOnly));
      assertThat(noopOnly.capabilities()).containsExactly("noop");
      Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
      String inspect = grid.submit(glb, "pipeline=inspect");
      String noop = grid.submit(glb, "pipeline=noop");

      JsonObject noopJob = grid.awaitJob(noop, Duration.ofSeconds(60));
      assertThat(noopJob.getString("state")).as(noopJob.encodePrettily()).isEqualTo("succeeded");
      assertThat(attempt(task(noopJob), 0).getString("node")).isEqualTo(noopNode);
      Thread.sleep(1_500);
      JsonObject waiting = grid.job(inspect);
      assertThat(task(waiting).getString("state")).as(waiting.encodePrettily()).isEqualTo("queued");
      assertThat(task(waiting).getJsonArray("attempts")).isEmpty();

      Node full = grid.startNode(1);
      JsonObject inspected = grid.awaitJob(inspect, Duration.ofSeconds(60));
      assertThat(inspected.getString("state"))
          .as(inspected.encodePrettily())
          .isEqualTo("succeeded");
      assertThat(task(inspected).getJsonArray("attempts")).hasSize(1);
      assertThat(attempt(task(inspected), 0).getString("node")).isEqualTo(full.nodeId());
    } finally {
      TestGrid.await(vertx.close());
    }
  }

  // ------------------------------------------------------------------ heartbeats, cancellation

  @Test
  void heartbeatsCarryProgressAndACancelStopsTheTask() throws Exception {
    grid = TestGrid.start(dataDir);
    Node node = grid.startNode(watchedNode(2, 5_000));
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String jobId = grid.submit(glb, noop("{\"sleepMs\":30000}"));

    // a 3 s lease: the node heartbeats about every 0.9 s, and each heartbeat stores the task's
    // progress
    JsonObject running =
        grid.awaitJobWhere(jobId, j -> task(j).getDouble("progress") > 0, Duration.ofSeconds(30));
    assertThat(task(running).getString("state")).isEqualTo("leased");
    assertThat(task(running).getDouble("progress")).isBetween(0.0, 0.5);
    assertThat(node.worker().runningCount()).isEqualTo(1);

    long t0 = System.nanoTime();
    assertThat(grid.post("/v1/jobs/" + jobId + "/cancel", "").statusCode()).isEqualTo(202);
    awaitRunning(node, 0, Duration.ofSeconds(15));
    long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
    JsonObject cancelled =
        grid.awaitJobWhere(
            jobId, j -> "cancelled".equals(task(j).getString("state")), Duration.ofSeconds(15));

    assertThat(stoppedMs).as("ms from the cancel until the handler returned").isLessThan(15_000);
    // the node stopped the handler and reported it (an ignored cancel would end in LEASE_EXPIRED)
    assertThat(attempt(task(cancelled), 0).getString("errorCode")).isEqualTo("TASK_CANCELLED");
    assertThat(task(cancelled).getJsonArray("attempts")).hasSize(1);
  }

  /**
   * The whole node pauses (as in a long GC) past its lease: the coordinator reclaims the lease and,
   * since the node's lease request for its free slot is waiting, leases the task straight back to
   * it. When the node resumes, the old attempt (which lost its lease) is still running beside the
   * new one. The old attempt's end must not take the new attempt's bookkeeping with it, or the new
   * attempt stops heartbeating, loses its lease too and the task needs a third attempt.
   */
  @Test
  void aTaskLeasedAgainWhileItsOldAttemptStillRunsKeepsItsNewAttemptAlive() throws Exception {
    // a 2 s lease: the node heartbeats about every 0.6 s
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase()).withLease(Duration.ofSeconds(2)));
    Process node = grid.spawnNode(2);
    awaitNodes(1);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    // the first two attempts sleep 10 s, a third would not
    String jobId = grid.submit(glb, noop("{\"sleepMs\":10000,\"sleepAttempts\":2}"));
    JsonObject leased =
        grid.awaitJobWhere(
            jobId, j -> "leased".equals(task(j).getString("state")), Duration.ofSeconds(60));
    String nodeId = task(leased).getString("node");
    // the new attempt must outlive the old one by more than a lease plus a reclaim period
    Thread.sleep(3_000);

    signal(node, "STOP");
    try {
      grid.awaitJobWhere(
          jobId,
          j -> task(j).getInteger("attempt") == 2 && "leased".equals(task(j).getString("state")),
          Duration.ofSeconds(8));
    } finally {
      signal(node, "CONT");
    }
    JsonObject done = grid.awaitJob(jobId, Duration.ofSeconds(60));

    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    JsonArray attempts = task(done).getJsonArray("attempts");
    assertThat(attempts).as(done.encodePrettily()).hasSize(2);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("lease_expired");
    assertThat(attempts.getJsonObject(1).getString("outcome")).isEqualTo("succeeded");
    assertThat(attempts.getJsonObject(0).getString("node")).isEqualTo(nodeId);
    assertThat(attempts.getJsonObject(1).getString("node")).isEqualTo(nodeId);
  }

  // ------------------------------------------------------------------ drain

  @Test
  void stoppingANodeLetsRunningTasksFinishAndReleasesWhatIsLeasedMeanwhile() throws Exception {
    grid = TestGrid.start(dataDir);
    Node first = grid.startNode(watchedNode(2, 10_000));
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String running = grid.submit(glb, noop("{\"sleepMs\":3000}"));
    awaitRunning(first, 1, Duration.ofSeconds(30));
    // by now the free slot's lease request waits at the coordinator
    Thread.sleep(300);

    CompletableFuture<Void> stopped = grid.beginStop(first);
    Thread.sleep(500);
    // answered to the parked request of the draining node, which hands it straight back
    String late = grid.submit(glb, "pipeline=noop");
    JsonObject released =
        grid.awaitJobWhere(
            late,
            j -> attempts(task(j)).size() == 1 && attempt(task(j), 0).getString("outcome") != null,
            Duration.ofSeconds(30));
    stopped.get(30, TimeUnit.SECONDS);

    JsonObject ran = grid.job(running);
    assertThat(ran.getString("state")).as(ran.encodePrettily()).isEqualTo("succeeded");
    assertThat(task(ran).getJsonArray("attempts")).hasSize(1);
    assertThat(attempt(task(ran), 0).getString("node")).isEqualTo(first.nodeId());
    JsonObject handedBack = attempt(task(released), 0);
    assertThat(handedBack.getString("node")).isEqualTo(first.nodeId());
    assertThat(handedBack.getString("errorCode"))
        .as(released.encodePrettily())
        .isEqualTo("NODE_LOST");
    assertThat(handedBack.getString("errorMessage")).contains("shutting down");
    assertThat(task(grid.job(late)).getString("state")).isEqualTo("queued");
    assertThat(attemptsBy(first.nodeId())).as("attempts of the stopped node").isEqualTo(2);

    Node second = grid.startNode(1);
    JsonObject done = grid.awaitJob(late, Duration.ofSeconds(60));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(attempt(task(done), 1).getString("node")).isEqualTo(second.nodeId());
  }

  @Test
  void aTaskStillRunningAtTheDrainTimeoutIsReleased() throws Exception {
    grid = TestGrid.start(dataDir);
    // one slot: no lease request of the stopping node waits at the coordinator to take the released
    // task again
    Node node = grid.startNode(watchedNode(1, 300));
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String jobId = grid.submit(glb, noop("{\"sleepMs\":60000,\"sleepAttempts\":1}"));
    awaitRunning(node, 1, Duration.ofSeconds(30));

    long t0 = System.nanoTime();
    grid.stopNode(node);
    long stopMs = (System.nanoTime() - t0) / 1_000_000;

    assertThat(stopMs).as("ms to stop with a 300 ms drain timeout").isLessThan(20_000);
    JsonObject released = grid.job(jobId);
    JsonObject first = attempt(task(released), 0);
    assertThat(first.getString("node")).isEqualTo(node.nodeId());
    assertThat(first.getString("errorCode")).as(released.encodePrettily()).isEqualTo("NODE_LOST");
    assertThat(first.getString("errorMessage")).contains("shutting down");
    assertThat(task(released).getString("state")).isEqualTo("queued");

    grid.startNode(1);
    JsonObject done = grid.awaitJob(jobId, Duration.ofSeconds(60));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(task(done).getInteger("attempt")).isEqualTo(2);
  }

  // ------------------------------------------------------------------ helpers

  private static String noop(String params) {
    return "pipeline="
        + URLEncoder.encode(
            "{\"stages\":[{\"type\":\"noop\",\"params\":" + params + "}]}", StandardCharsets.UTF_8);
  }

  private static JsonObject task(JsonObject job) {
    return job.getJsonArray("tasks").getJsonObject(0);
  }

  private static JsonArray attempts(JsonObject task) {
    return task.getJsonArray("attempts");
  }

  private static JsonObject attempt(JsonObject task, int i) {
    return task.getJsonArray("attempts").getJsonObject(i);
  }

  private long attemptsBy(String nodeId) throws Exception {
    long n = 0;
    for (Row r :
        grid.sql("SELECT count(*) AS n FROM task_attempts WHERE node_id = $1", Tuple.of(nodeId))) {
      n = r.getLong("n");
    }
    return n;
  }

  private static void awaitRunning(Node node, int n, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (node.worker().runningCount() != n && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(node.worker().runningCount()).as("tasks running on the node").isEqualTo(n);
  }

  private void awaitNodes(int n) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (new JsonObject(grid.get("/v1/nodes").body()).getJsonArray("nodes").size() < n) {
      assertThat(System.nanoTime())
          .as("nodes did not join: " + grid.get("/v1/nodes").body())
          .isLessThan(end);
      Thread.sleep(200);
    }
  }

  /**
   * Sends a signal to a child process ({@code STOP} pauses the whole JVM, {@code CONT} resumes it).
   */
  private static void signal(Process p, String signal) throws Exception {
    int rc =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid()))
            .inheritIO()
            .start()
            .waitFor();
    assertThat(rc).as("kill -" + signal).isZero();
  }

  /** Where the coordinator's local blob store keeps the original {@code sha256}. */
  private Path blobFile(String sha256) {
    Path p =
        dataDir
            .resolve("blobs")
            .resolve(dev.assetgrid.coordinator.access.Principal.DEFAULT_TENANT.toString())
            .resolve("originals")
            .resolve(sha256.substring(0, 2))
            .resolve(sha256.substring(2, 4))
            .resolve(sha256);
    assertThat(p).isRegularFile();
    return p;
  }

  /** One triangle, as a .gltf whose buffer and base colour image are at the given URIs. */
  private static String gltf(String bufferUri, String imageUri) {
    return "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}],"
        + "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"material\":0}]}],"
        + "\"materials\":[{\"pbrMetallicRoughness\":{\"baseColorTexture\":{\"index\":0}}}],"
        + "\"textures\":[{\"source\":0}],\"images\":[{\"uri\":\""
        + imageUri
        + "\"}],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\",\"min\":[0,0,0],\"max\":[1,1,0]}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36}],\"buffers\":[{\"byteLength\":36,\"uri\":\""
        + bufferUri
        + "\"}]}";
  }

  private static byte[] triangleBuffer() {
    ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static String dataUri(byte[] bytes) {
    return "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] png(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * A node's work root, watched for entries made directly under it (inotify on Linux, so nothing is
   * missed).
   */
  private static final class WorkRoot implements AutoCloseable {
    final Path dir;
    private final WatchService watch;

    WorkRoot(Path dir) throws IOException {
      this.dir = dir;
      this.watch = dir.getFileSystem().newWatchService();
      dir.register(watch, ENTRY_CREATE);
    }

    /** Names made directly under the root since the last call, once nothing new came for 300 ms. */
    List<String> created() throws InterruptedException {
      List<String> names = new ArrayList<>();
      for (WatchKey key = watch.poll(300, TimeUnit.MILLISECONDS);
          key != null;
          key = watch.poll(300, TimeUnit.MILLISECONDS)) {
        for (WatchEvent<?> e : key.pollEvents()) {
          names.add(String.valueOf(e.context()));
        }
        key.reset();
      }
      return names;
    }

    List<String> entries() throws IOException {
      try (Stream<Path> s = Files.list(dir)) {
        return s.map(p -> p.getFileName().toString()).toList();
      }
    }

    /**
     * Waits for the attempt directories to be removed (cleanup runs after the completion is
     * reported).
     */
    void awaitEmpty() throws IOException, InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!entries().isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(entries()).as("left in the work root").isEmpty();
    }

    @Override
    public void close() throws IOException {
      watch.close();
    }
  }
}
