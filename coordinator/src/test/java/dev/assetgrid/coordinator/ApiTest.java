package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against the real server: errors as problems, SSE, cancel, retry, idempotency. */
@Timeout(300)
class ApiTest {
  static final int MAX_UPLOAD = 256 * 1024;

  @TempDir static Path dataDir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase())
                .withWorkers(2)
                .withMaxUploadBytes(MAX_UPLOAD));
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static String noop(String params) {
    return "pipeline="
        + java.net.URLEncoder.encode(
            "{\"stages\":[{\"type\":\"noop\",\"params\":" + params + "}]}", StandardCharsets.UTF_8);
  }

  static long count(String table) throws Exception {
    return grid.sql("SELECT count(*) AS n FROM " + table, Tuple.tuple())
        .iterator()
        .next()
        .getLong("n");
  }

  /** Blobs the store holds under their final names (not staging files of uploads in progress). */
  static long blobFiles() throws Exception {
    Path root = dataDir.resolve("blobs");
    if (!Files.exists(root)) {
      return 0;
    }
    Path staging = root.resolve("tmp");
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.startsWith(staging)).count();
    }
  }

  /**
   * Waits until a refused upload's staging file is gone (it is deleted after the answer is sent).
   */
  static void awaitNoStaging() throws Exception {
    Path staging = dataDir.resolve("blobs").resolve("tmp");
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (Files.isDirectory(staging)) {
      try (Stream<Path> s = Files.list(staging)) {
        if (s.findAny().isEmpty()) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("staging files left behind").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("code")).isEqualTo(code);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("detail")).isNotBlank();
  }

  @Test
  void badUploadsAreClearProblemsAndStoreNothing() throws Exception {
    long assets = count("assets");
    long jobs = count("jobs");
    long blobs = blobFiles();
    byte[] glb = TinyGlb.triangle();

    // oversize: a valid GLB header claiming more than the limit, streamed past it
    byte[] big = new byte[MAX_UPLOAD + 4096];
    System.arraycopy(glb, 0, big, 0, glb.length);
    assertProblem(grid.uploadBytes(big, "big.glb", null), 413, "UPLOAD_TOO_LARGE");

    byte[] noise = new byte[5000];
    new Random(7).nextBytes(noise);
    assertProblem(grid.uploadBytes(noise, "model.glb", null), 415, "UNSUPPORTED_FORMAT");

    assertProblem(
        grid.uploadBytes(java.util.Arrays.copyOf(glb, glb.length - 10), "cut.glb", null),
        422,
        "GLB_TRUNCATED");

    byte[] lying = glb.clone();
    ByteBuffer.wrap(lying)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(12, 4000); // JSON chunk length past the end
    assertProblem(grid.uploadBytes(lying, "lying.glb", null), 422, "GLB_CHUNK_LENGTH_MISMATCH");

    assertProblem(
        grid.uploadBytes("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8), "x.gltf", null),
        422,
        "GLTF_NOT_GLTF");

    assertProblem(grid.uploadBytes(glb, "ok.glb", "pipeline=frobnicate"), 400, "INVALID_REQUEST");

    assertThat(count("assets")).isEqualTo(assets);
    assertThat(count("jobs")).isEqualTo(jobs);
    assertThat(blobFiles()).as("nothing half-stored").isEqualTo(blobs);
    awaitNoStaging();
    assertThat(grid.get("/health").statusCode()).isEqualTo(200);
    assertThat(grid.get("/ready").statusCode()).isEqualTo(200);
  }

  /**
   * A bad stage param is refused before anything is stored, on every POST that takes a pipeline.
   */
  @Test
  void badStageParamsAreRefusedAtTheDoorWithTheirPointer() throws Exception {
    HttpResponse<String> ok = grid.uploadBytes(TinyGlb.triangle(), "ok.glb", noop("{}"));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    String assetId = new JsonObject(ok.body()).getJsonObject("asset").getString("id");
    long assets = count("assets");
    long jobs = count("jobs");
    long tasks = count("tasks");
    long blobs = blobFiles();

    // "simplify": 0.5 used to mean "no simplification" without a word
    String upload =
        "pipeline="
            + java.net.URLEncoder.encode(
                "{\"stages\":[{\"type\":\"optimize-mesh\",\"params\":{\"simplify\":0.5}}]}",
                StandardCharsets.UTF_8);
    assertPointer(
        grid.uploadBytes(TinyGlb.triangle(), "m.glb", upload), "/stages/0/params/simplify");
    // a pipeline in the query is checked before the body is read: over the size limit, the answer
    // is
    // still the bad param, not 413
    assertPointer(
        grid.uploadBytes(new byte[MAX_UPLOAD + 4096], "big.glb", upload),
        "/stages/0/params/simplify");
    // a misspelt key inside a member
    assertPointer(
        grid.post(
            "/v1/assets/" + assetId + "/jobs",
            "{\"pipeline\":{\"stages\":[{\"type\":\"optimize-mesh\",\"params\":{\"simplify\":{\"ratoi\":0.5}}}]}}"),
        "/pipeline/stages/0/params/simplify/ratoi");
    // out of range, in the array form of the bulk endpoint
    assertPointer(
        grid.post(
            "/v1/jobs",
            "{\"assets\":[\""
                + assetId
                + "\"],\"pipeline\":"
                + "[\"inspect\",{\"type\":\"thumbnail\",\"params\":{\"size\":100000}}]}"),
        "/pipeline/1/params/size");
    // wrong type
    assertPointer(
        grid.post(
            "/v1/jobs",
            "{\"assets\":[\""
                + assetId
                + "\"],\"pipeline\":"
                + "{\"stages\":[{\"type\":\"compress-texture\",\"params\":{\"etc1sQuality\":\"high\"}}]}}"),
        "/pipeline/stages/0/params/etc1sQuality");

    assertThat(count("assets")).isEqualTo(assets);
    assertThat(count("jobs")).isEqualTo(jobs);
    assertThat(count("tasks")).isEqualTo(tasks);
    assertThat(blobFiles()).as("nothing stored").isEqualTo(blobs);
    awaitNoStaging();
  }

  private static void assertPointer(HttpResponse<String> r, String pointer) {
    assertProblem(r, 400, "INVALID_REQUEST");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("pointer")).isEqualTo(pointer);
    assertThat(p.getBoolean("retryable")).isFalse();
    assertThat(p.getString("detail"))
        .contains(pointer)
        .doesNotContain("Exception")
        .doesNotContain("java.");
  }

  @Test
  void inputTheReaderRejectsFailsTheJobAtOnceWithItsCode() throws Exception {
    // structurally a GLB, but its buffer claims more bytes than the BIN chunk has: inspect refuses
    // it, no retry
    String json =
        "{\"asset\":{\"version\":\"2.0\"},\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
            + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":300,\"type\":\"VEC3\"}],"
            + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":3600}],\"buffers\":[{\"byteLength\":3600}]}";
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    int jl = (j.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + jl + 8 + 36).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(b.capacity()).putInt(jl).putInt(0x4E4F534A).put(j);
    while (b.position() < 20 + jl) {
      b.put((byte) ' ');
    }
    b.putInt(36).putInt(0x004E4942);
    Path f = Files.write(dataDir.resolve("oob.glb"), b.array());
    JsonObject job = grid.awaitJob(grid.submit(f, null), Duration.ofSeconds(60));
    assertThat(job.getString("state")).isEqualTo("failed");
    assertThat(job.getJsonObject("error").getString("message")).contains("inspect");
    JsonObject task = job.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getString("state")).isEqualTo("failed");
    assertThat(task.getInteger("attempt")).isEqualTo(1);
    assertThat(
            dev.assetgrid.shared.error.ErrorCode.of(task.getJsonObject("error").getString("code"))
                .retryable())
        .isFalse();
  }

  @Test
  void serverSentEventsReplayAndFollowAJobToTheEnd() throws Exception {
    Path f = Files.write(dataDir.resolve("sse.glb"), TinyGlb.triangle());
    String jobId = grid.submit(f, noop("{\"sleepMs\":800}"));
    HttpResponse<InputStream> r =
        grid.http.send(
            grid.request("/v1/jobs/" + jobId + "/events").timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    List<String> types = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("event: ")) {
          types.add(line.substring(7));
        } else if (line.startsWith("id: ")) {
          ids.add(Long.parseLong(line.substring(4)));
        } else if (line.startsWith("data: ")) {
          assertThat(
                  OpenApiContract.get()
                      .eventProblems("/components/schemas/JobEvent", line.substring(6)))
              .as("openapi.yaml's JobEvent: " + line)
              .isEmpty();
        }
      }
    }
    assertThat(types)
        .startsWith("job.created")
        .contains("job.started", "task.leased", "job.progress")
        .endsWith("job.succeeded");
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    // a reconnecting client with Last-Event-ID only gets what followed
    HttpResponse<String> replay =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/jobs/" + jobId + "/events")
                    .header("Last-Event-ID", String.valueOf(ids.get(ids.size() - 2)))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(replay.body()).contains("event: job.succeeded").doesNotContain("event: job.created");
  }

  @Test
  void cancelStopsARunningJobAndRetryRedrivesIt() throws Exception {
    Path f = Files.write(dataDir.resolve("cancel.glb"), TinyGlb.triangle());
    String jobId = grid.submit(f, noop("{\"sleepMs\":30000,\"sleepAttempts\":1}"));
    grid.awaitJobWhere(
        jobId,
        j -> "leased".equals(j.getJsonArray("tasks").getJsonObject(0).getString("state")),
        Duration.ofSeconds(30));
    HttpResponse<String> c = grid.post("/v1/jobs/" + jobId + "/cancel", "");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(202);
    assertThat(new JsonObject(c.body()).getString("state")).isEqualTo("cancelled");
    assertProblem(grid.post("/v1/jobs/" + jobId + "/cancel", ""), 409, "CONFLICT");
    // the node hears it in its next heartbeat and stops; the task ends cancelled, not retried
    JsonObject stopped =
        grid.awaitJobWhere(
            jobId,
            j -> "cancelled".equals(j.getJsonArray("tasks").getJsonObject(0).getString("state")),
            Duration.ofSeconds(30));
    assertThat(stopped.getJsonArray("tasks").getJsonObject(0).getInteger("attempt")).isEqualTo(1);

    HttpResponse<String> retry = grid.post("/v1/jobs/" + jobId + "/retry", "");
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
    JsonObject done = grid.awaitJob(jobId, Duration.ofSeconds(30));
    assertThat(done.getString("state")).isEqualTo("succeeded");
    assertThat(done.getJsonArray("tasks").getJsonObject(0).getInteger("attempt")).isEqualTo(2);
    assertProblem(grid.post("/v1/jobs/" + jobId + "/retry", ""), 409, "CONFLICT");
  }

  @Test
  void newJobOnAnExistingAssetAndNotFoundProblems() throws Exception {
    Path f = Files.write(dataDir.resolve("again.glb"), TinyGlb.triangle());
    HttpResponse<String> up = grid.upload(f, null);
    String assetId = new JsonObject(up.body()).getJsonObject("asset").getString("id");
    assertThat(up.headers().firstValue("Location")).hasValue("/v1/assets/" + assetId);
    HttpResponse<String> r =
        grid.post("/v1/assets/" + assetId + "/jobs", "{\"pipeline\":\"inspect,noop\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject job =
        grid.awaitJob(new JsonObject(r.body()).getString("id"), Duration.ofSeconds(60));
    assertThat(job.getString("state")).isEqualTo("succeeded");
    assertThat(job.getJsonArray("tasks")).hasSize(2);
    JsonObject asset = new JsonObject(grid.get("/v1/assets/" + assetId).body());
    assertThat(asset.getJsonArray("jobs")).hasSize(2);
    assertThat(asset.getJsonObject("metadata").getLong("triangles")).isEqualTo(1);

    assertProblem(grid.get("/v1/jobs/00000000-0000-7000-8000-000000000000"), 404, "NOT_FOUND");
    assertProblem(grid.get("/v1/jobs/not-a-uuid"), 404, "NOT_FOUND");
    assertProblem(grid.get("/v1/assets/" + assetId + "/files/nope.bin"), 404, "NOT_FOUND");
    assertProblem(
        grid.post("/v1/assets/" + assetId + "/jobs", "{\"pipeline\":\"nope\"}"),
        400,
        "INVALID_REQUEST");
    assertProblem(grid.get("/v1/nothing-here"), 404, "NOT_FOUND");
    // the original comes back byte for byte
    HttpResponse<byte[]> orig =
        grid.http.send(
            grid.request("/v1/assets/" + assetId + "/files/original").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(orig.body()).isEqualTo(TinyGlb.triangle());
  }

  @Test
  void listsFilterAndPageWithAKeysetCursor() throws Exception {
    String tag = "page" + System.nanoTime();
    Path f = Files.write(dataDir.resolve("list.glb"), TinyGlb.triangle());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = grid.upload(f, "tags=" + tag + "&name=list-" + i + "_x");
      ids.add(new JsonObject(r.body()).getJsonObject("asset").getString("id"));
    }
    List<String> seen = new ArrayList<>();
    String next = null;
    do {
      JsonObject page =
          new JsonObject(
              grid.get(
                      "/v1/assets?tag=" + tag + "&limit=2" + (next == null ? "" : "&after=" + next))
                  .body());
      page.getJsonArray("items").forEach(a -> seen.add(((JsonObject) a).getString("id")));
      next = page.getString("next");
    } while (next != null);
    java.util.Collections.reverse(ids);
    assertThat(seen).as("newest first, each once").isEqualTo(ids);
    JsonObject byName = new JsonObject(grid.get("/v1/assets?tag=" + tag + "&q=list-1_").body());
    assertThat(byName.getJsonArray("items")).hasSize(1);
    assertThat(
            new JsonObject(grid.get("/v1/assets?tag=" + tag + "&format=stl").body())
                .getJsonArray("items"))
        .isEmpty();
    JsonObject jobs = new JsonObject(grid.get("/v1/jobs?assetId=" + ids.get(0)).body());
    assertThat(jobs.getJsonArray("items")).hasSize(1);
    assertProblem(grid.get("/v1/assets?limit=0"), 400, "INVALID_REQUEST");
    assertProblem(grid.get("/v1/assets?after=garbage"), 400, "INVALID_REQUEST");
    assertProblem(grid.get("/v1/assets?createdFrom=yesterday"), 400, "INVALID_REQUEST");
  }

  @Test
  void idempotencyKeyReplaysTheFirstAnswer() throws Exception {
    Path f = Files.write(dataDir.resolve("idem.glb"), TinyGlb.triangle());
    HttpRequest.Builder req =
        grid.request("/v1/assets?filename=idem.glb")
            .header("Idempotency-Key", "key-" + System.nanoTime())
            .POST(HttpRequest.BodyPublishers.ofFile(f));
    HttpResponse<String> first =
        TestGrid.checked(grid.http.send(req.build(), HttpResponse.BodyHandlers.ofString()));
    HttpResponse<String> second =
        TestGrid.checked(grid.http.send(req.build(), HttpResponse.BodyHandlers.ofString()));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(new JsonObject(second.body()).getJsonObject("asset").getString("id"))
        .isEqualTo(new JsonObject(first.body()).getJsonObject("asset").getString("id"));
  }

  @Test
  void nodesEndpointListsTheInProcessWorker() throws Exception {
    long end = System.currentTimeMillis() + 20_000;
    JsonObject nodes = new JsonObject(grid.get("/v1/nodes").body());
    while (nodes.getJsonArray("nodes").isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(200);
      nodes = new JsonObject(grid.get("/v1/nodes").body());
    }
    JsonObject n = nodes.getJsonArray("nodes").getJsonObject(0);
    assertThat(n.getInteger("slots")).isEqualTo(2);
    assertThat(n.getJsonArray("capabilities").getList()).contains("inspect", "noop");
    assertThat(n.getJsonArray("capabilities").getList().toString())
        .contains("native:meshoptimizer");
  }

  @Test
  void anotherTenantSeesHowBusyANodeIsButNotWhichTasks() throws Exception {
    String pipeline = "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":8000}}]}";
    HttpResponse<String> up =
        grid.uploadBytes(
            TinyGlb.triangle("busy-node"),
            "busy.glb",
            "pipeline="
                + java.net.URLEncoder.encode(pipeline, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
    String jobId = new JsonObject(up.body()).getJsonObject("job").getString("id");
    // the task runs: its owner sees it on its node
    String taskId = null;
    long end = System.currentTimeMillis() + 20_000;
    while (taskId == null && System.currentTimeMillis() < end) {
      for (Object t : grid.job(jobId).getJsonArray("tasks")) {
        JsonObject task = (JsonObject) t;
        if ("noop".equals(task.getString("type")) && "leased".equals(task.getString("state"))) {
          taskId = task.getString("id");
        }
      }
      Thread.sleep(100);
    }
    assertThat(taskId).as("the noop task was leased").isNotNull();
    // and the node has announced it (every few seconds): its own list would now hold the id
    JsonObject own = new JsonObject(grid.get("/v1/nodes").body());
    while (own.getJsonArray("nodes").getJsonObject(0).getInteger("busy") < 1
        && System.currentTimeMillis() < end + 10_000) {
      Thread.sleep(200);
      own = new JsonObject(grid.get("/v1/nodes").body());
    }
    assertThat(own.getJsonArray("nodes").getJsonObject(0).getInteger("busy")).isPositive();
    assertThat(own.encode()).contains(taskId);
    HttpResponse<String> k =
        grid.post("/v1/keys", "{\"role\":\"reader\",\"tenant\":\"node-peer\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    HttpResponse<String> other =
        TestGrid.checked(
            grid.http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(grid.url("/v1/nodes")))
                    .header("Authorization", "Bearer " + new JsonObject(k.body()).getString("key"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).doesNotContain(taskId);
    JsonObject node = new JsonObject(other.body()).getJsonArray("nodes").getJsonObject(0);
    assertThat(node.getInteger("busy")).isPositive();
    assertThat(node.getJsonArray("runningTasks")).isEmpty();
  }
}
