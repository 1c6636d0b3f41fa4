package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.EventPublisher;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/jobs} against the real server and database: one job per entry, all or nothing,
 * the limit, Idempotency-Key, and the jobs running to their end on a real clustered node.
 */
@Timeout(300)
class BulkJobsTest {
  private static final Actor TEST_ACTOR = Actor.system("test");

  @TempDir static Path dataDir;
  static TestGrid grid;

  /**
   * Uploaded tiny GLBs; no node runs until {@link #oneJobPerEntryInRequestOrderAndTheyRunOnANode}
   * starts one.
   */
  static List<String> uploaded = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(dataDir);
    Path f = Files.write(dataDir.resolve("tri.glb"), TinyGlb.triangle());
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = grid.upload(f, "pipeline=noop&name=bulk-" + i);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      uploaded.add(new JsonObject(r.body()).getJsonObject("asset").getString("id"));
    }
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static RowSet<Row> sql(String query, Object... args) throws Exception {
    return grid.sql(query, Tuple.from(args));
  }

  /**
   * Rows of jobs, tasks and job.created events, in that order (a running node adds other events).
   */
  static List<Long> counts() throws Exception {
    Row r =
        sql("SELECT (SELECT count(*) FROM jobs) AS j, (SELECT count(*) FROM tasks) AS t,"
                + " (SELECT count(*) FROM job_events WHERE type = 'job.created') AS e")
            .iterator()
            .next();
    return List.of(r.getLong("j"), r.getLong("t"), r.getLong("e"));
  }

  /**
   * An asset row with no files and no jobs: nothing but the endpoint under test touches its status.
   */
  static String bareAsset(String status) throws Exception {
    UUID id = Ids.newId();
    sql(
        "INSERT INTO assets (id, tenant_id, name, format, sha256, size_bytes, status) VALUES ($1, '00000000-0000-0000-0000-000000000001', 'bare.glb', 'glb', $2, 0, $3)",
        id,
        "0".repeat(64),
        status);
    return id.toString();
  }

  static String status(String assetId) throws Exception {
    return sql("SELECT status FROM assets WHERE id = $1", UUID.fromString(assetId))
        .iterator()
        .next()
        .getString("status");
  }

  static String body(List<String> assets, String pipeline) {
    JsonObject b = new JsonObject().put("assets", new JsonArray(new ArrayList<>(assets)));
    return (pipeline == null ? b : b.put("pipeline", pipeline)).encode();
  }

  static HttpRequest bulk(String json, String key) {
    HttpRequest.Builder b =
        grid.request("/v1/jobs")
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    return (key == null ? b : b.header("Idempotency-Key", key)).build();
  }

  static HttpResponse<String> send(HttpRequest req) throws Exception {
    return TestGrid.checked(grid.http.send(req, HttpResponse.BodyHandlers.ofString()));
  }

  /** The reply's entries as "asset job" strings, in order. */
  static List<String> pairs(HttpResponse<String> r) {
    return new JsonObject(r.body())
        .getJsonArray("jobs").stream()
            .map(JsonObject.class::cast)
            .map(e -> e.getString("asset") + " " + e.getString("job"))
            .toList();
  }

  static <T> List<T> column(HttpResponse<String> r, Function<String, T> pick) {
    return pairs(r).stream().map(pick).toList();
  }

  @Test
  void oneJobPerEntryInRequestOrderAndTheyRunOnANode() throws Exception {
    String a = uploaded.get(0);
    String b = uploaded.get(1);
    String c = uploaded.get(2);
    sql(
        "UPDATE assets SET status = 'ready' WHERE id = ANY($1)",
        (Object) uploaded.stream().map(UUID::fromString).toArray(UUID[]::new));
    List<Long> before = counts();

    List<String> asked = List.of(a, b, a, c, a);
    HttpResponse<String> r = send(bulk(body(asked, "inspect,noop"), null));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(column(r, p -> p.split(" ")[0])).as("request order, repeats kept").isEqualTo(asked);
    List<String> jobs = column(r, p -> p.split(" ")[1]);
    assertThat(jobs).doesNotHaveDuplicates().allMatch(j -> Ids.parse(j) != null);
    List<Long> after = counts();
    assertThat(after.get(0) - before.get(0)).as("jobs").isEqualTo(5);
    assertThat(after.get(1) - before.get(1)).as("tasks: inspect and noop per job").isEqualTo(10);
    assertThat(after.get(2) - before.get(2)).as("one job.created each").isEqualTo(5);
    for (String id : List.of(a, b, c)) {
      assertThat(status(id)).isEqualTo("processing");
    }
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject job = grid.job(jobs.get(i));
      assertThat(job.getString("assetId")).isEqualTo(asked.get(i));
      assertThat(job.getString("state")).isEqualTo("queued");
      assertThat(job.getInteger("tasksTotal")).isEqualTo(2);
      assertThat(
              job.getJsonArray("tasks").stream()
                  .map(t -> ((JsonObject) t).getString("name"))
                  .toList())
          .containsExactlyInAnyOrder("inspect", "noop");
      Row created =
          sql(
                  "SELECT type, data FROM job_events WHERE job_id = $1 ORDER BY id LIMIT 1",
                  UUID.fromString(jobs.get(i)))
              .iterator()
              .next();
      assertThat(created.getString("type")).isEqualTo("job.created");
      assertThat(created.getJsonObject("data").getInteger("tasks")).isEqualTo(2);
    }
    JsonObject assetA = new JsonObject(grid.get("/v1/assets/" + a).body());
    assertThat(assetA.getJsonArray("jobs").getList())
        .contains(jobs.get(0), jobs.get(2), jobs.get(4));

    // GET /v1/stats counts what the tables hold, every state named; no node yet
    JsonObject stats = new JsonObject(grid.get("/v1/stats").body());
    for (Row row : sql("SELECT state, count(*) AS n FROM jobs GROUP BY state")) {
      assertThat(stats.getJsonObject("jobs").getLong(row.getString("state")))
          .isEqualTo(row.getLong("n"));
    }
    for (Row row : sql("SELECT state, count(*) AS n FROM tasks GROUP BY state")) {
      assertThat(stats.getJsonObject("tasks").getLong(row.getString("state")))
          .isEqualTo(row.getLong("n"));
    }
    assertThat(stats.getJsonObject("jobs").fieldNames())
        .contains("queued", "running", "succeeded", "failed", "cancelled");
    assertThat(stats.getJsonObject("tasks").getLong("leased")).isZero();
    assertThat(stats.getLong("assets"))
        .isEqualTo(sql("SELECT count(*) FROM assets").iterator().next().getLong(0));
    assertThat(stats.getJsonObject("nodes").getInteger("count")).isZero();

    // a real clustered node drains them: the upload jobs and the five above
    grid.startNode(4);
    for (String job : jobs) {
      JsonObject done = grid.awaitJob(job, Duration.ofSeconds(90));
      assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
      JsonObject inspect =
          done.getJsonArray("tasks").stream()
              .map(JsonObject.class::cast)
              .filter(t -> "inspect".equals(t.getString("name")))
              .findFirst()
              .orElseThrow();
      assertThat(inspect.getJsonObject("result").getLong("triangles")).isEqualTo(1);
    }
    assertThat(
            new JsonObject(grid.get("/v1/assets/" + c).body())
                .getJsonObject("metadata")
                .getLong("triangles"))
        .isEqualTo(1);
    JsonObject later = new JsonObject(grid.get("/v1/stats").body());
    assertThat(later.getJsonObject("nodes").getInteger("count")).isEqualTo(1);
    assertThat(later.getJsonObject("nodes").getInteger("slots")).isEqualTo(4);
    assertThat(later.getJsonObject("jobs").getLong("succeeded")).isGreaterThanOrEqualTo(8);
    // this coordinator's queue since start: the 3 upload jobs' tasks and the 10 above were leased
    // and batched
    JsonObject queue = later.getJsonObject("queue");
    assertThat(queue.getLong("leasedTasks")).isGreaterThanOrEqualTo(13);
    assertThat(queue.getLong("batchedCompletions")).isGreaterThanOrEqualTo(8);
    assertThat(queue.getDouble("batchMeanMs")).isPositive();
    long total =
        later.getJsonObject("jobs").stream()
            .mapToLong(e -> ((Number) e.getValue()).longValue())
            .sum();
    assertThat(total)
        .as("every job in one state")
        .isEqualTo(sql("SELECT count(*) FROM jobs").iterator().next().getLong(0));
  }

  @Test
  void unknownAssetsAreA404NamingThemAndNothingIsCreated() throws Exception {
    String known = bareAsset("ready");
    String missing1 = Ids.newId().toString();
    String missing2 = Ids.newId().toString();
    List<Long> before = counts();

    HttpResponse<String> r =
        send(bulk(body(List.of(known, missing1, known, missing2, missing1), "noop"), null));

    ApiTest.assertProblem(r, 404, "NOT_FOUND");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getJsonArray("missing").getList()).containsExactly(missing1, missing2);
    assertThat(p.getString("detail")).contains(missing1, missing2).doesNotContain(known);
    assertThat(counts()).isEqualTo(before);
    assertThat(status(known))
        .as("the status change was rolled back with the rest")
        .isEqualTo("ready");
  }

  @Test
  void theLimitIsAThousandJobsPerRequest() throws Exception {
    String asset = bareAsset("ready");
    List<Long> before = counts();
    HttpResponse<String> over =
        send(bulk(body(Collections.nCopies(AssetStore.MAX_BULK_JOBS + 1, asset), "noop"), null));
    ApiTest.assertProblem(over, 422, "INPUT_LIMIT_EXCEEDED");
    assertThat(new JsonObject(over.body()).getString("detail")).contains("1001", "1000");
    assertThat(counts()).isEqualTo(before);

    HttpResponse<String> full =
        send(bulk(body(Collections.nCopies(AssetStore.MAX_BULK_JOBS, asset), "noop"), null));
    assertThat(full.statusCode()).as(full.body()).isEqualTo(202);
    assertThat(pairs(full)).hasSize(1000).doesNotHaveDuplicates();
    assertThat(
            sql("SELECT count(*) AS n FROM jobs WHERE asset_id = $1", UUID.fromString(asset))
                .iterator()
                .next()
                .getLong("n"))
        .isEqualTo(1000);
  }

  @Test
  void idempotencyKeyCreatesOnceAndReplaysTheFirstAnswer() throws Exception {
    String a = bareAsset("ready");
    String b = bareAsset("ready");
    String json = body(List.of(a, b, a), "noop");
    String key = "bulk-" + UUID.randomUUID();
    long jobs = counts().get(0);

    HttpResponse<String> first = send(bulk(json, key));
    HttpResponse<String> again = send(bulk(json, key));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(pairs(again)).isEqualTo(pairs(first));
    assertThat(counts().get(0) - jobs).isEqualTo(3);

    // concurrent first tries with one key: one creates, the others replay its answer
    String racing = "race-" + UUID.randomUUID();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(grid.http.sendAsync(bulk(json, racing), HttpResponse.BodyHandlers.ofString()));
    }
    List<List<String>> answers = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      answers.add(pairs(r));
    }
    assertThat(answers).allMatch(x -> x.equals(answers.get(0)));
    assertThat(counts().get(0) - jobs).as("three more jobs, not twelve").isEqualTo(6);

    // a key already spent on another endpoint is refused, and creates nothing
    String spent = "spent-" + UUID.randomUUID();
    HttpResponse<String> upload =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/assets?filename=k.glb")
                    .header("Idempotency-Key", spent)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TinyGlb.triangle()))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(upload.statusCode()).isEqualTo(202);
    long afterUpload = counts().get(0);
    HttpResponse<String> reused = send(bulk(json, spent));
    ApiTest.assertProblem(reused, 409, "CONFLICT");
    assertThat(new JsonObject(reused.body()).getString("idempotencyKey")).isEqualTo(spent);
    assertThat(counts().get(0)).isEqualTo(afterUpload);
  }

  @Test
  void theKeyIsStoredWithTheJobsSoConcurrentCallsCreateOnce() throws Exception {
    // straight at the store, all in flight at once: the HTTP layer's look-up first cannot hide a
    // race here
    AssetStore store =
        new AssetStore(
            grid.coordinator.pool(), 3, JobPlanner::plan, EventPublisher.NONE, Quotas.unlimited());
    UUID asset = UUID.fromString(bareAsset("ready"));
    String key = "store-" + UUID.randomUUID();
    long jobs = counts().get(0);
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(
          store.createJobs(
              TEST_ACTOR, List.of(asset, asset), PipelineSpec.parse("noop"), key, "/v1/jobs"));
    }
    TestGrid.await(Future.join(calls).otherwiseEmpty()); // every call done, whichever way
    List<JsonObject> created =
        calls.stream().filter(Future::succeeded).map(Future::result).toList();
    assertThat(created).hasSize(1);
    assertThat(calls.stream().filter(Future::failed).map(f -> AssetGridException.codeOf(f.cause())))
        .hasSize(5)
        .containsOnly(ErrorCode.CONFLICT);
    assertThat(counts().get(0) - jobs).isEqualTo(2);
    Row stored =
        sql("SELECT method, path, status, body FROM idempotency_keys WHERE key = $1", key)
            .iterator()
            .next();
    assertThat(stored.getString("path")).isEqualTo("/v1/jobs");
    assertThat(stored.getInteger("status")).isEqualTo(202);
    assertThat(stored.getJsonObject("body")).isEqualTo(created.get(0));
  }

  @Test
  void malformedRequestsAre400sLikeTheSingleEndpoint() throws Exception {
    String a = bareAsset("ready");
    List<Long> before = counts();
    for (String bad :
        List.of(
            "",
            "not json",
            "[]",
            "{}",
            "{\"assets\":[]}",
            "{\"assets\":\"" + a + "\"}",
            "{\"assets\":[42]}")) {
      ApiTest.assertProblem(send(bulk(bad, null)), 400, "INVALID_REQUEST");
    }
    HttpResponse<String> badId = send(bulk(body(List.of(a, "not-an-id"), null), null));
    ApiTest.assertProblem(badId, 400, "INVALID_REQUEST");
    assertThat(new JsonObject(badId.body()).getString("detail")).contains("assets[1]", "not-an-id");
    HttpResponse<String> badPipeline = send(bulk(body(List.of(a), "frobnicate"), null));
    ApiTest.assertProblem(badPipeline, 400, "INVALID_REQUEST");
    assertThat(new JsonObject(badPipeline.body()).getString("detail")).contains("frobnicate");
    ApiTest.assertProblem(send(bulk(body(List.of(a), null), "")), 400, "INVALID_REQUEST");
    assertThat(counts()).isEqualTo(before);
    assertThat(status(a)).isEqualTo("ready");
    // the pipeline forms of the single endpoint: JSON object with params, and the default (inspect)
    HttpResponse<String> json =
        send(
            bulk(
                new JsonObject()
                    .put("assets", new JsonArray().add(a))
                    .put(
                        "pipeline",
                        new JsonObject()
                            .put(
                                "stages",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("type", "noop")
                                            .put("params", new JsonObject().put("sleepMs", 1)))))
                    .encode(),
                null));
    assertThat(json.statusCode()).as(json.body()).isEqualTo(202);
    JsonObject job = grid.job(column(json, p -> p.split(" ")[1]).get(0));
    assertThat(
            job.getJsonObject("pipeline")
                .getJsonArray("stages")
                .getJsonObject(0)
                .getJsonObject("params")
                .getInteger("sleepMs"))
        .isEqualTo(1);
    HttpResponse<String> dflt = send(bulk(body(List.of(a), null), null));
    assertThat(dflt.statusCode()).as(dflt.body()).isEqualTo(202);
    assertThat(
            grid.job(column(dflt, p -> p.split(" ")[1]).get(0))
                .getJsonArray("tasks")
                .getJsonObject(0)
                .getString("name"))
        .isEqualTo("inspect");
    assertThat(counts().get(0) - before.get(0)).isEqualTo(2);
  }
}
