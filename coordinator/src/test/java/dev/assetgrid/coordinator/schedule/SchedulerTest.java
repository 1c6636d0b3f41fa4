package dev.assetgrid.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.coordinator.store.QueueStore;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.protocol.CompleteReply;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.HeartbeatReply;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskOutput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The durable queue against a real PostgreSQL: leasing, fencing, retries, requeue, cancellation.
 */
class SchedulerTest {
  static Vertx vertx;
  static Database db;
  static Pool pool;
  static Scheduler scheduler;
  static AssetStore assets;
  static final AtomicInteger wakes = new AtomicInteger();
  static final List<String> NOOP = List.of("noop");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = Database.external(TestPostgres.newDatabase());
    db.migrate();
    pool = db.pool(vertx, 8);
    Scheduler.Urls urls =
        new Scheduler.Urls() {
          @Override
          public String input(UUID taskId, String sha256) {
            return "http://test/in/" + taskId + "/" + sha256;
          }

          @Override
          public String outputs(UUID taskId) {
            return "http://test/out/" + taskId;
          }
        };
    scheduler =
        new Scheduler(
            new QueueStore(pool, JobEvents.publisher(vertx)),
            new Scheduler.Settings(
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(800))),
            urls,
            wakes::incrementAndGet);
    assets = new AssetStore(pool, 3, JobPlanner::plan, JobEvents.publisher(vertx));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    db.close();
  }

  @BeforeEach
  void clean() throws Exception {
    await(
        pool.query(
                "TRUNCATE assets, jobs, tasks, task_attempts, task_outputs, job_events, asset_files CASCADE")
            .execute());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static String newJob(String pipeline) throws Exception {
    String sha = "a".repeat(64);
    JsonObject created =
        await(
            assets.createAssetWithJob(
                new AssetStore.NewAsset(
                    "t.glb",
                    ModelFormat.GLB,
                    sha,
                    10,
                    List.of(),
                    List.of(
                        new AssetStore.NewFile(
                            "original", "original", sha, 10, "model/gltf-binary"))),
                PipelineSpec.parse(pipeline)));
    return created.getJsonObject("job").getString("id");
  }

  static List<LeasedTask> lease(String node, int slots) throws Exception {
    return await(scheduler.lease(new LeaseRequest(node, slots, NOOP, 0)));
  }

  static CompleteReply succeed(LeasedTask t, String outputSha) throws Exception {
    List<TaskOutput> outs =
        outputSha == null
            ? List.of()
            : List.of(new TaskOutput("noop.json", outputSha, 3, "application/json"));
    return await(
        scheduler.complete(CompleteRequest.succeeded(t, outs, new JsonObject().put("ok", true))));
  }

  static String jobState(String jobId) throws Exception {
    return await(assets.getJob(UUID.fromString(jobId))).orElseThrow().getString("state");
  }

  static void expireLeases() throws Exception {
    await(
        pool.query(
                "UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE state = 'leased'")
            .execute());
  }

  @Test
  void leaseCarriesInputsAndCompletionFinishesTheJob() throws Exception {
    String job = newJob("noop");
    List<LeasedTask> got = lease("n1", 4);
    assertThat(got).hasSize(1);
    LeasedTask t = got.get(0);
    assertThat(t.attempt()).isEqualTo(1);
    assertThat(t.type()).isEqualTo("noop");
    assertThat(t.inputs())
        .singleElement()
        .satisfies(
            in -> {
              assertThat(in.name()).isEqualTo("original");
              assertThat(in.url()).isEqualTo("http://test/in/" + t.taskId() + "/" + "a".repeat(64));
            });
    assertThat(t.leaseExpiresAt()).isGreaterThan(System.currentTimeMillis() + 20_000);
    assertThat(lease("n2", 4)).isEmpty();
    assertThat(jobState(job)).isEqualTo("running");
    assertThat(succeed(t, "b".repeat(64)).accepted()).isTrue();
    JsonObject j = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(j.getString("state")).isEqualTo("succeeded");
    assertThat(j.getDouble("progress")).isEqualTo(1.0);
    List<JsonObject> events = await(assets.events(UUID.fromString(job), 0));
    assertThat(events)
        .extracting(e -> e.getString("type"))
        .containsExactly(
            "job.created",
            "job.started",
            "task.leased",
            "task.succeeded",
            "job.progress",
            "job.succeeded");
  }

  @Test
  void staleLeaseHolderIsFencedOffAndOnlyTheWinnerRecordsOutputs() throws Exception {
    String job = newJob("noop");
    LeasedTask a = lease("node-a", 1).get(0);
    expireLeases();
    assertThat(await(scheduler.reclaimExpired())).isEqualTo(1);
    LeasedTask b = lease("node-b", 1).get(0);
    assertThat(b.taskId()).isEqualTo(a.taskId());
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(b.leaseToken()).isNotEqualTo(a.leaseToken());

    // A wakes up late: its heartbeat is answered "cancelled", its completion refused
    HeartbeatReply hb =
        await(
            scheduler.heartbeat(
                new Heartbeat(
                    "node-a", List.of(new Heartbeat.Lease(a.taskId(), a.leaseToken(), 0.5)))));
    assertThat(hb.extended()).isEmpty();
    assertThat(hb.cancelled()).containsExactly(a.taskId());
    assertThat(succeed(a, "c".repeat(64)).accepted()).isFalse();
    assertThat(
            await(
                    scheduler.complete(
                        CompleteRequest.failed(a, TaskError.of(ErrorCode.INTERNAL_ERROR, "x"))))
                .accepted())
        .isFalse();
    // a token from A with B's attempt number is refused as well
    assertThat(
            await(
                    scheduler.complete(
                        new CompleteRequest(
                            b.taskId(),
                            b.attempt(),
                            a.leaseToken(),
                            CompleteRequest.Outcome.SUCCEEDED,
                            List.of(),
                            null,
                            null)))
                .accepted())
        .isFalse();

    assertThat(succeed(b, "d".repeat(64)).accepted()).isTrue();
    assertThat(succeed(b, "e".repeat(64)).accepted())
        .as("second completion of the same lease")
        .isFalse();
    assertThat(jobState(job)).isEqualTo("succeeded");
    List<String> outputs = new ArrayList<>();
    for (Row r : await(pool.query("SELECT sha256 FROM task_outputs").execute())) {
      outputs.add(r.getString("sha256"));
    }
    assertThat(outputs).containsExactly("d".repeat(64));
    List<String> outcomes = new ArrayList<>();
    for (Row r :
        await(pool.query("SELECT outcome FROM task_attempts ORDER BY attempt").execute())) {
      outcomes.add(r.getString("outcome"));
    }
    assertThat(outcomes).containsExactly("lease_expired", "succeeded");
  }

  @Test
  void racingNodesNeverLeaseOrCompleteTheSameTaskTwice() throws Exception {
    int jobs = 120;
    for (int i = 0; i < jobs; i++) {
      newJob("noop");
    }
    // two nodes, each firing many concurrent lease requests
    List<Future<List<LeasedTask>>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(scheduler.lease(new LeaseRequest("node-a", 3, NOOP, 0)));
      all.add(scheduler.lease(new LeaseRequest("node-b", 3, NOOP, 0)));
    }
    await(Future.join(all));
    Set<String> ids = new HashSet<>();
    List<LeasedTask> leased = new ArrayList<>();
    for (Future<List<LeasedTask>> f : all) {
      for (LeasedTask t : f.result()) {
        assertThat(ids.add(t.taskId())).as("task " + t.taskId() + " leased twice").isTrue();
        leased.add(t);
      }
    }
    assertThat(ids).hasSize(jobs);
    // both complete every task concurrently, with each lease's own token and with the other's
    List<Future<CompleteReply>> completions = new ArrayList<>();
    for (LeasedTask t : leased) {
      completions.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), null)));
      completions.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), null)));
    }
    await(Future.join(completions));
    long accepted = completions.stream().filter(f -> f.result().accepted()).count();
    assertThat(accepted).isEqualTo(jobs);
    Row r =
        await(pool.query("SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'").execute())
            .iterator()
            .next();
    assertThat(r.getLong("n")).isEqualTo(jobs);
  }

  @Test
  void retryableFailuresBackOffThenDieNonRetryableFailAtOnce() throws Exception {
    String retryJob = newJob("noop");
    LeasedTask t1 = lease("n", 1).get(0);
    assertThat(
            await(
                    scheduler.complete(
                        CompleteRequest.failed(t1, TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk"))))
                .accepted())
        .isTrue();
    Row delay =
        await(
                pool.preparedQuery(
                        "SELECT state, extract(epoch FROM (run_at - updated_at)) * 1000 AS ms FROM tasks WHERE id = $1")
                    .execute(Tuple.of(UUID.fromString(t1.taskId()))))
            .iterator()
            .next();
    assertThat(delay.getString("state")).isEqualTo("queued");
    assertThat(delay.getDouble("ms")).as("first retry waits base/2..base").isBetween(100.0, 200.0);
    LeasedTask t2 = awaitLease();
    assertThat(t2.attempt()).isEqualTo(2);
    await(
        scheduler.complete(
            CompleteRequest.failed(t2, TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk"))));
    LeasedTask t3 = awaitLease();
    assertThat(t3.attempt()).isEqualTo(3);
    await(
        scheduler.complete(
            CompleteRequest.failed(t3, TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk"))));
    JsonObject j = await(assets.getJob(UUID.fromString(retryJob))).orElseThrow();
    assertThat(j.getString("state")).isEqualTo("failed");
    JsonObject task = j.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getString("state")).isEqualTo("dead");
    assertThat(task.getJsonArray("attempts")).hasSize(3);
    assertThat(task.getJsonArray("attempts").getJsonObject(0).getString("errorCode"))
        .isEqualTo("BLOB_IO_ERROR");
    assertThat(j.getJsonObject("error").getString("code")).isEqualTo("BLOB_IO_ERROR");

    // re-drive: a fresh budget, the old attempts kept
    assertThat(await(scheduler.retryJob(UUID.fromString(retryJob)))).isTrue();
    LeasedTask t4 = lease("n", 1).get(0);
    assertThat(t4.attempt()).isEqualTo(4);
    assertThat(succeed(t4, null).accepted()).isTrue();
    assertThat(jobState(retryJob)).isEqualTo("succeeded");

    String badInput = newJob("noop");
    LeasedTask b = lease("n", 1).get(0);
    await(
        scheduler.complete(
            CompleteRequest.failed(b, new TaskError("GLB_TRUNCATED", "short", true))));
    JsonObject bj = await(assets.getJob(UUID.fromString(badInput))).orElseThrow();
    assertThat(bj.getString("state")).isEqualTo("failed");
    assertThat(bj.getJsonArray("tasks").getJsonObject(0).getString("state"))
        .as("the catalogue, not the node, decides retryability")
        .isEqualTo("failed");
    assertThat(bj.getJsonArray("tasks").getJsonObject(0).getInteger("attempt")).isEqualTo(1);
  }

  private static LeasedTask awaitLease() throws Exception {
    long end = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < end) {
      List<LeasedTask> l = lease("n", 1);
      if (!l.isEmpty()) {
        return l.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no task became ready");
  }

  @Test
  void dependentTasksWaitAndNodeLossRequeuesAtOnce() throws Exception {
    String job = newJob("inspect,noop");
    List<LeasedTask> first =
        await(scheduler.lease(new LeaseRequest("n1", 5, List.of("inspect", "noop"), 0)));
    assertThat(first).extracting(LeasedTask::type).containsExactly("inspect");
    int before = wakes.get();
    assertThat(succeed(first.get(0), "f".repeat(64)).accepted()).isTrue();
    assertThat(wakes.get()).as("unlocking a dependent wakes nodes").isGreaterThan(before);
    LeasedTask second =
        await(scheduler.lease(new LeaseRequest("n1", 5, List.of("inspect", "noop"), 0))).get(0);
    assertThat(second.type()).isEqualTo("noop");
    // the dependent task gets its dependency's outputs as inputs
    assertThat(second.inputs()).extracting(in -> in.name()).contains("original", "noop.json");

    assertThat(await(scheduler.requeueNode("n1"))).isEqualTo(1);
    LeasedTask again = lease("n2", 1).get(0);
    assertThat(again.taskId()).isEqualTo(second.taskId());
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(succeed(again, null).accepted()).isTrue();
    assertThat(jobState(job)).isEqualTo("succeeded");
  }

  @Test
  void textureStageFansOutPerImageAfterInspectAndAssembleWaitsForAll() throws Exception {
    String job = newJob("compress-texture,optimize-mesh");
    List<String> caps = List.of("inspect", "compress-texture", "optimize-mesh", "assemble");
    JsonObject planned = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(planned.getJsonArray("tasks"))
        .extracting(t -> ((JsonObject) t).getString("name"))
        .containsExactlyInAnyOrder("inspect", "optimize-mesh", "compress-texture", "assemble");
    LeasedTask inspect = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(inspect.type()).isEqualTo("inspect");
    JsonObject result =
        new JsonObject()
            .put(
                "textures",
                new io.vertx.core.json.JsonArray()
                    .add(new JsonObject().put("index", 0).put("image", 1))
                    .add(new JsonObject().put("index", 1).put("image", 0))
                    .add(new JsonObject().put("index", 2).put("image", 1)));
    assertThat(
            await(scheduler.complete(CompleteRequest.succeeded(inspect, List.of(), result)))
                .accepted())
        .isTrue();

    List<LeasedTask> wave = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0)));
    assertThat(wave)
        .extracting(LeasedTask::type)
        .containsExactlyInAnyOrder("optimize-mesh", "compress-texture", "compress-texture");
    assertThat(
            wave.stream()
                .filter(t -> t.type().equals("compress-texture"))
                .map(t -> t.params().path("image").asInt()))
        .containsExactlyInAnyOrder(0, 1);
    JsonObject mid = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(mid.getInteger("tasksTotal")).isEqualTo(5);
    for (LeasedTask t : wave) {
      String name =
          t.type().equals("compress-texture")
              ? "texture-" + t.params().path("image").asInt() + ".ktx2"
              : "mesh.glb";
      assertThat(
              await(
                      scheduler.complete(
                          CompleteRequest.succeeded(
                              t,
                              List.of(
                                  new TaskOutput(
                                      name, "c".repeat(64), 1, "application/octet-stream")),
                              null)))
                  .accepted())
          .isTrue();
      if (t != wave.get(wave.size() - 1)) {
        assertThat(lease("n", 1)).as("assemble waits for every texture").isEmpty();
      }
    }
    LeasedTask assemble = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(assemble.type()).isEqualTo("assemble");
    assertThat(assemble.inputs())
        .extracting(in -> in.name())
        .contains("original", "mesh.glb", "texture-0.ktx2", "texture-1.ktx2");
    assertThat(succeed(assemble, null).accepted()).isTrue();
    JsonObject done = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(done.getString("state")).isEqualTo("succeeded");
    assertThat(done.getDouble("progress")).isEqualTo(1.0);
  }

  @Test
  void completionsArrivingTogetherCommitInBatchesWithPerJobCounts() throws Exception {
    // 12 jobs on 6 assets (two per asset); each runs inspect, then validate and noop side by side
    List<String> caps = List.of("inspect", "validate", "noop");
    String sha = "a".repeat(64);
    List<String> jobs = new ArrayList<>();
    for (int a = 0; a < 6; a++) {
      String first = newJob("validate,noop");
      jobs.add(first);
      UUID asset =
          UUID.fromString(
              await(assets.getJob(UUID.fromString(first))).orElseThrow().getString("assetId"));
      jobs.add(
          await(assets.createJob(asset, PipelineSpec.parse("validate,noop")))
              .orElseThrow()
              .toString());
    }
    List<LeasedTask> inspects = await(scheduler.lease(new LeaseRequest("n", 64, caps, 0)));
    assertThat(inspects).hasSize(12).allMatch(t -> t.type().equals("inspect"));
    List<Future<CompleteReply>> first = new ArrayList<>();
    for (LeasedTask t : inspects) {
      first.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), new JsonObject())));
    }
    await(Future.all(first));
    List<LeasedTask> wave = await(scheduler.lease(new LeaseRequest("n", 64, caps, 0)));
    assertThat(wave).hasSize(24);
    Scheduler.CompletionStats before = scheduler.completionStats();
    // all at once: the first goes alone, the rest queue behind it and share a statement
    List<Future<CompleteReply>> replies = new ArrayList<>();
    for (LeasedTask t : wave) {
      String out = t.type().equals("validate") ? "validation.json" : "noop.json";
      replies.add(
          scheduler.complete(
              CompleteRequest.succeeded(
                  t,
                  List.of(
                      new TaskOutput(
                          out,
                          Integer.toHexString(t.taskId().hashCode())
                              .repeat(8)
                              .substring(0, 8)
                              .repeat(8),
                          7,
                          "application/json")),
                  new JsonObject().put("task", t.taskId()))));
    }
    // a second report of an already reported attempt, in the same burst, is refused
    replies.add(scheduler.complete(CompleteRequest.succeeded(wave.get(0), List.of(), null)));
    await(Future.join(replies));
    assertThat(replies.subList(0, 24)).allMatch(f -> f.result().accepted());
    assertThat(replies.get(24).result().accepted()).isFalse();
    Scheduler.CompletionStats after = scheduler.completionStats();
    assertThat(after.failures()).isEqualTo(before.failures());
    assertThat(after.completed() - before.completed()).isEqualTo(24);
    assertThat(after.batches() - before.batches())
        .as("batches for 24 completions")
        .isBetween(1L, 4L);
    assertThat(after.batchMillis()).isGreaterThan(before.batchMillis());
    JsonObject q = scheduler.queueStats();
    assertThat(q.getLong("leasedTasks")).isGreaterThanOrEqualTo(24 + 12);
    assertThat(q.getDouble("leaseMeanMs")).isPositive();
    assertThat(q.getDouble("batchMeanSize"))
        .isEqualTo((double) after.completed() / after.batches());

    for (String job : jobs) {
      JsonObject j = await(assets.getJob(UUID.fromString(job))).orElseThrow();
      assertThat(j.getString("state")).isEqualTo("succeeded");
      assertThat(j.getInteger("tasksDone")).isEqualTo(3);
      List<String> types =
          await(
                  pool.preparedQuery(
                          "SELECT type, data FROM job_events WHERE job_id = $1 ORDER BY id")
                      .execute(Tuple.of(UUID.fromString(job))))
              .stream()
              .map(r -> r.getString("type"))
              .toList();
      assertThat(types).filteredOn("job.succeeded"::equals).hasSize(1);
      assertThat(types.get(types.size() - 1)).isEqualTo("job.succeeded");
      assertThat(types).filteredOn("task.succeeded"::equals).hasSize(3);
      Row last =
          await(
                  pool.preparedQuery(
                          """
          SELECT data FROM job_events WHERE job_id = $1 AND type = 'job.progress' ORDER BY id DESC LIMIT 1""")
                      .execute(Tuple.of(UUID.fromString(job))))
              .iterator()
              .next();
      assertThat(last.getJsonObject("data").getInteger("tasksDone")).isEqualTo(3);
      assertThat(last.getJsonObject("data").getDouble("progress")).isEqualTo(1.0);
    }
    Row files =
        await(
                pool.query(
                        """
        SELECT count(*) AS n, count(DISTINCT asset_id) AS assets FROM asset_files WHERE role = 'derived'""")
                    .execute())
            .iterator()
            .next();
    // both jobs of an asset wrote validation.json and noop.json: one row per asset and name, no
    // conflict
    assertThat(files.getLong("n")).isEqualTo(12);
    assertThat(files.getLong("assets")).isEqualTo(6);
    assertThat(
            await(pool.query("SELECT count(*) AS n FROM task_outputs").execute())
                .iterator()
                .next()
                .getLong("n"))
        .isEqualTo(24);
    assertThat(
            await(pool.query("SELECT count(*) AS n FROM assets WHERE status = 'ready'").execute())
                .iterator()
                .next()
                .getLong("n"))
        .isEqualTo(6);
    assertThat(
            await(
                    pool.query(
                            "SELECT count(*) AS n FROM task_attempts WHERE outcome = 'succeeded'")
                        .execute())
                .iterator()
                .next()
                .getLong("n"))
        .isEqualTo(36);
  }

  @Test
  void queueStatementsPlanOnceWithIndexesWhateverTheStatistics() throws Exception {
    // a big queue that the planner's statistics have not seen yet (no ANALYZE), as after a bulk
    // load
    String first = newJob("noop");
    UUID asset =
        UUID.fromString(
            await(assets.getJob(UUID.fromString(first))).orElseThrow().getString("assetId"));
    // statistics taken while the grid was idle...
    await(
        pool.query(
                "ANALYZE tasks, jobs, task_attempts, task_outputs, assets, asset_files, job_events")
            .execute());
    // ...then a bulk load
    await(
        pool.preparedQuery(
                """
        WITH j AS (INSERT INTO jobs (id, asset_id, pipeline, state, tasks_total)
                   SELECT gen_random_uuid(), $1, '{}', 'queued', 1 FROM generate_series(1, 50000) RETURNING id)
        INSERT INTO tasks (id, job_id, type, name, state, max_attempts) SELECT gen_random_uuid(), id, 'noop', 'noop', 'queued', 3 FROM j""")
            .execute(Tuple.of(asset)));
    // and a history: finished tasks with outputs and attempts
    await(
        pool.query(
                """
        WITH t AS (INSERT INTO tasks (id, job_id, type, name, state, max_attempts, attempt)
                   SELECT gen_random_uuid(), id, 'noop', 'done', 'succeeded', 3, 1 FROM jobs RETURNING id),
             a AS (INSERT INTO task_attempts (task_id, attempt, node_id, lease_token) SELECT id, 1, 'old', 'x' FROM t)
        INSERT INTO task_outputs (task_id, name, sha256, size_bytes, content_type)
        SELECT id, 'noop.json', repeat('b', 64), 1, 'application/json' FROM t""")
            .execute());
    java.util.Map<String, String> plans = genericPlans(lease("n", 64));
    plans.forEach(
        (name, plan) -> {
          // tables that grow with every task are never scanned whole (assets here are one row: a
          // scan is right)
          java.util.regex.Matcher m =
              java.util.regex.Pattern.compile(
                      "\"Node Type\":\"Seq Scan\",[^{}]*?\"Relation Name\":\"(\\w+)\"")
                  .matcher(plan);
          List<String> scanned = new ArrayList<>();
          while (m.find()) {
            scanned.add(m.group(1));
          }
          assertThat(scanned)
              .as(name + " plan: " + plan)
              .doesNotContain("tasks", "jobs", "task_attempts", "task_outputs", "job_events");
          assertThat(plan).contains("Index");
        });
  }

  @Test
  void statementsThatNameTasksByIdReachThemByIdWhenFewAreLeased() throws Exception {
    // the end of a big drain: statistics say nearly every task has finished and a few are leased.
    // Fenced on state = 'leased', completion and heartbeat were once planned as a walk of the whole
    // index of running leases filtered by id; finished leases leave dead entries there until
    // vacuum, and the queue fell from ~2,000 to ~250 tasks/s
    String first = newJob("noop");
    UUID asset =
        UUID.fromString(
            await(assets.getJob(UUID.fromString(first))).orElseThrow().getString("assetId"));
    await(
        pool.preparedQuery(
                """
        WITH j AS (INSERT INTO jobs (id, asset_id, pipeline, state, tasks_total)
                   SELECT gen_random_uuid(), $1, '{}', 'queued', 1 FROM generate_series(1, 50000) RETURNING id)
        INSERT INTO tasks (id, job_id, type, name, state, max_attempts, attempt)
        SELECT gen_random_uuid(), id, 'noop', 'noop', 'succeeded', 3, 1 FROM j""")
            .execute(Tuple.of(asset)));
    await(
        pool.query("UPDATE tasks SET state = 'queued' WHERE id IN (SELECT id FROM tasks LIMIT 200)")
            .execute());
    List<LeasedTask> leased = lease("n", 16); // a node's worth still running
    await(
        pool.query(
                "ANALYZE tasks, jobs, task_attempts, task_outputs, assets, asset_files, job_events")
            .execute());
    java.util.Map<String, String> plans = genericPlans(leased);
    for (String name : List.of("complete", "extend")) {
      String plan = plans.get(name);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"Index Name\":\"(tasks_\\w+)\"")
              .matcher(plan); // the indexes of tasks (plain or bitmap scans)
      List<String> indexes = new ArrayList<>();
      while (m.find()) {
        indexes.add(m.group(1));
      }
      assertThat(indexes)
          .as(name + " plan: " + plan)
          .contains("tasks_pkey")
          .doesNotContain("tasks_leased", "tasks_ready");
    }
  }

  /** EXPLAIN (FORMAT JSON) of the generic plans of the queue's statements, for these leases. */
  private java.util.Map<String, String> genericPlans(List<LeasedTask> some) throws Exception {
    assertThat(some).isNotEmpty();
    String ids =
        some.stream()
            .map(LeasedTask::taskId)
            .collect(java.util.stream.Collectors.joining(",", "'{", "}'"));
    String tokens =
        some.stream()
            .map(LeasedTask::leaseToken)
            .collect(java.util.stream.Collectors.joining(",", "'{", "}'"));
    String n = "array_fill(1, ARRAY[" + some.size() + "])";
    java.util.Map<String, String[]> statements =
        java.util.Map.of(
            "lease", new String[] {QueueStore.LEASE_SQL, "'n', '{noop}', 16, 60000"},
            "extend",
                new String[] {
                  QueueStore.EXTEND_SQL,
                  ids
                      + ", "
                      + tokens
                      + ", array_fill(0.5::float8, ARRAY["
                      + some.size()
                      + "]), 60000, 300000"
                },
            "complete",
                new String[] {
                  QueueStore.COMPLETE_BATCH_SQL,
                  ids
                      + ", "
                      + n
                      + ", "
                      + tokens
                      + ", array_fill(NULL::text, ARRAY["
                      + some.size()
                      + "]), '{}', '{}', '{}', '{}', '{}', false"
                });
    java.util.Map<String, String> plans = new java.util.TreeMap<>();
    for (var e : statements.entrySet()) {
      plans.put(
          e.getKey(),
          await(
              pool.withConnection(
                  conn ->
                      conn.query("SET plan_cache_mode = force_generic_plan")
                          .execute()
                          .compose(v -> conn.query("PREPARE q AS " + e.getValue()[0]).execute())
                          .compose(
                              v ->
                                  conn.query(
                                          "EXPLAIN (FORMAT JSON) EXECUTE q("
                                              + e.getValue()[1]
                                              + ")")
                                      .execute())
                          .compose(
                              rs ->
                                  conn.query("DEALLOCATE q")
                                      .execute()
                                      .map(v -> rs.iterator().next().getValue(0).toString())))));
    }
    return plans;
  }

  @Test
  void aModelWithoutTexturesDropsThePlaceholder() throws Exception {
    String job = newJob("compress-texture");
    List<String> caps = List.of("inspect", "compress-texture", "assemble");
    LeasedTask inspect = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    await(scheduler.complete(CompleteRequest.succeeded(inspect, List.of(), new JsonObject())));
    LeasedTask assemble = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(assemble.type()).isEqualTo("assemble");
    assertThat(succeed(assemble, null).accepted()).isTrue();
    assertThat(jobState(job)).isEqualTo("succeeded");
  }

  @Test
  void assembleOfAConvertedModelWithoutTexturesStillReadsTheConvertedGlb() throws Exception {
    // an STL has no images: the placeholder is dropped, and assemble must still have convert's GLB
    // as an input
    String sha = "b".repeat(64);
    JsonObject created =
        await(
            assets.createAssetWithJob(
                new AssetStore.NewAsset(
                    "t.stl",
                    ModelFormat.STL,
                    sha,
                    10,
                    List.of(),
                    List.of(new AssetStore.NewFile("original", "original", sha, 10, "model/stl"))),
                PipelineSpec.parse("compress-texture")));
    String job = created.getJsonObject("job").getString("id");
    List<String> caps = List.of("convert", "inspect", "compress-texture", "assemble");
    LeasedTask convert = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(convert.type()).isEqualTo("convert");
    assertThat(
            await(
                    scheduler.complete(
                        CompleteRequest.succeeded(
                            convert,
                            List.of(
                                new TaskOutput(
                                    "converted.glb", "c".repeat(64), 1, "model/gltf-binary")),
                            null)))
                .accepted())
        .isTrue();
    LeasedTask inspect = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(inspect.type()).isEqualTo("inspect");
    await(scheduler.complete(CompleteRequest.succeeded(inspect, List.of(), new JsonObject())));
    LeasedTask assemble = await(scheduler.lease(new LeaseRequest("n", 8, caps, 0))).get(0);
    assertThat(assemble.type()).isEqualTo("assemble");
    assertThat(assemble.inputs()).extracting(in -> in.name()).contains("original", "converted.glb");
    assertThat(succeed(assemble, null).accepted()).isTrue();
    assertThat(jobState(job)).isEqualTo("succeeded");
  }

  @Test
  void orphanedLeasesOfNonMembersAreRequeued() throws Exception {
    newJob("noop");
    lease("gone-node", 1);
    assertThat(await(scheduler.requeueOrphans(Set.of("live-node")))).isEqualTo(1);
    assertThat(lease("live-node", 1)).hasSize(1);
    assertThat(await(scheduler.requeueOrphans(Set.of("live-node")))).isZero();
  }

  @Test
  void cancellationStopsQueuedWorkAndTellsRunningWorkInTheHeartbeat() throws Exception {
    String job = newJob("noop");
    LeasedTask t = lease("n", 1).get(0);
    assertThat(await(scheduler.cancelJob(UUID.fromString(job)))).isTrue();
    assertThat(await(scheduler.cancelJob(UUID.fromString(job)))).as("already cancelled").isFalse();
    HeartbeatReply hb =
        await(
            scheduler.heartbeat(
                new Heartbeat("n", List.of(new Heartbeat.Lease(t.taskId(), t.leaseToken(), 0.1)))));
    assertThat(hb.cancelled()).containsExactly(t.taskId());
    await(
        scheduler.complete(
            CompleteRequest.failed(t, TaskError.of(ErrorCode.TASK_CANCELLED, "stopped"))));
    JsonObject j = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(j.getString("state")).isEqualTo("cancelled");
    assertThat(j.getJsonArray("tasks").getJsonObject(0).getString("state")).isEqualTo("cancelled");
  }

  @Test
  void heartbeatsExtendHeldLeasesAndReportProgress() throws Exception {
    String job = newJob("noop");
    LeasedTask t = lease("n", 1).get(0);
    Thread.sleep(20);
    HeartbeatReply hb =
        await(
            scheduler.heartbeat(
                new Heartbeat(
                    "n",
                    List.of(
                        new Heartbeat.Lease(t.taskId(), t.leaseToken(), 0.5),
                        new Heartbeat.Lease("not-a-uuid", "x", 0)))));
    assertThat(hb.extended()).containsExactly(t.taskId());
    assertThat(hb.cancelled()).containsExactly("not-a-uuid");
    assertThat(hb.leaseExpiresAt()).isGreaterThan(t.leaseExpiresAt());
    JsonObject j = await(assets.getJob(UUID.fromString(job))).orElseThrow();
    assertThat(j.getDouble("progress")).isEqualTo(0.5);
  }

  @Test
  void retryPolicyBacksOffExponentiallyWithinTheCap() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 100; i++) {
      assertThat(p.delayMs(1)).isBetween(50L, 100L);
      assertThat(p.delayMs(3)).isBetween(200L, 400L);
      assertThat(p.delayMs(10)).isBetween(500L, 1000L);
    }
    TaskError retryable = TaskError.of(ErrorCode.BLOB_IO_ERROR, "x");
    assertThat(p.decide(1, 5, retryable, false).verdict()).isEqualTo(RetryPolicy.Verdict.RETRY);
    assertThat(p.decide(5, 5, retryable, false).verdict()).isEqualTo(RetryPolicy.Verdict.DEAD);
    assertThat(p.decide(1, 5, TaskError.of(ErrorCode.DATA_ERROR, "x"), false).verdict())
        .isEqualTo(RetryPolicy.Verdict.FAIL);
    assertThat(p.decide(1, 5, retryable, true).delayMs()).isZero();
  }
}
