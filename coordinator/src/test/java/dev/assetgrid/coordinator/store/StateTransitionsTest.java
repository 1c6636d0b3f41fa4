package dev.assetgrid.coordinator.store;

import static dev.assetgrid.coordinator.access.Principal.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.schedule.RetryPolicy;
import dev.assetgrid.coordinator.schedule.Scheduler;
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
import dev.assetgrid.shared.state.JobState;
import dev.assetgrid.shared.state.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transition tables of {@link TaskState} and {@link JobState} are true of the SQL: a trigger
 * (installed in this test's database only) logs every state a row of {@code tasks} or {@code jobs}
 * is created in and every change of state, a broad scenario drives the queue through its paths, and
 * every logged change must be one {@code canBecome} allows.
 */
class StateTransitionsTest {
  private static final Actor TEST_ACTOR = Actor.system("test");

  static Vertx vertx;
  static Pool pool;
  static Scheduler scheduler;
  static AssetStore assets;
  static final List<String> ALL =
      List.of("noop", "inspect", "validate", "compress-texture", "optimize-mesh", "assemble");

  static final String TRIGGERS =
      """
      CREATE TABLE state_log (id bigserial PRIMARY KEY, tbl text NOT NULL, old_state text, new_state text NOT NULL);
      CREATE FUNCTION log_state() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO state_log (tbl, old_state, new_state)
        VALUES (TG_TABLE_NAME, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.state END, NEW.state);
        RETURN NULL;
      END $$;
      CREATE TRIGGER tasks_created AFTER INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION log_state();
      CREATE TRIGGER tasks_changed AFTER UPDATE ON tasks FOR EACH ROW
        WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION log_state();
      CREATE TRIGGER jobs_created AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION log_state();
      CREATE TRIGGER jobs_changed AFTER UPDATE ON jobs FOR EACH ROW
        WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION log_state();
      """;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Database db = Database.external(TestPostgres.newDatabase());
    db.migrate();
    pool = db.pool(vertx, 8);
    await(pool.query(TRIGGERS).execute());
    Scheduler.Urls urls =
        new Scheduler.Urls() {
          @Override
          public String input(UUID taskId, dev.assetgrid.coordinator.blob.BlobKey key) {
            String sha256 = key.sha256();
            return "http://test/in/" + taskId + "/" + sha256;
          }

          @Override
          public String outputs(UUID taskId) {
            return "http://test/out/" + taskId;
          }
        };
    // the queue's own pool settings: the statements run as they do in production
    Pool queuePool = db.queuePool(vertx, 4);
    scheduler =
        new Scheduler(
            new QueueStore(queuePool, EventPublisher.NONE),
            new Scheduler.Settings(
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                new RetryPolicy(3, Duration.ofMinutes(10), Duration.ofMinutes(20))),
            urls,
            () -> {});
    assets = new AssetStore(pool, 3, JobPlanner::plan, EventPublisher.NONE, Quotas.unlimited());
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static UUID job(String pipeline) throws Exception {
    String sha = "a".repeat(64);
    JsonObject created =
        await(
            assets.createAssetWithJob(
                TEST_ACTOR,
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
    return UUID.fromString(created.getJsonObject("job").getString("id"));
  }

  static List<LeasedTask> lease(String node) throws Exception {
    return await(scheduler.lease(new LeaseRequest(node, 64, ALL, 0)));
  }

  static LeasedTask leaseOne(String node) throws Exception {
    List<LeasedTask> l = await(scheduler.lease(new LeaseRequest(node, 1, ALL, 0)));
    assertThat(l).as("a ready task").hasSize(1);
    return l.get(0);
  }

  static CompleteReply succeed(LeasedTask t, JsonObject result) throws Exception {
    return await(scheduler.complete(CompleteRequest.succeeded(t, List.of(), result)));
  }

  static CompleteReply fail(LeasedTask t, ErrorCode code) throws Exception {
    return await(scheduler.complete(CompleteRequest.failed(t, TaskError.of(code, "x"))));
  }

  /** Ends every backoff (the retry policy waits minutes): a change of run_at, not of state. */
  static void backoffOver() throws Exception {
    await(pool.query("UPDATE tasks SET run_at = now() WHERE state = 'queued'").execute());
  }

  static String state(UUID job) throws Exception {
    return await(assets.getJob(DEFAULT_TENANT, job)).orElseThrow().getString("state");
  }

  /** Leases and completes whatever is ready until the job ends. */
  static void drain(UUID job) throws Exception {
    for (int i = 0; i < 20 && !JobState.fromWire(state(job)).terminal(); i++) {
      List<Future<CompleteReply>> all = new ArrayList<>();
      for (LeasedTask t : lease("n")) {
        JsonObject result = t.type().equals("inspect") ? new JsonObject() : null;
        all.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), result)));
      }
      await(Future.all(all));
    }
    assertThat(state(job)).isEqualTo("succeeded");
  }

  @Test
  void everyStateChangeTheQueueMakesIsInTheTransitionTable() throws Exception {
    // lease, heartbeat, complete
    UUID ok = job("noop");
    LeasedTask t = leaseOne("n");
    HeartbeatReply hb =
        await(
            scheduler.heartbeat(
                new Heartbeat("n", List.of(new Heartbeat.Lease(t.taskId(), t.leaseToken(), 0.5)))));
    assertThat(hb.extended()).containsExactly(t.taskId());
    assertThat(succeed(t, null).accepted()).isTrue();
    assertThat(state(ok)).isEqualTo("succeeded");

    // retryable failures back off, then the attempts are spent (dead), then the job is re-driven
    UUID flaky = job("noop");
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(fail(leaseOne("n"), ErrorCode.BLOB_IO_ERROR).accepted()).isTrue();
      backoffOver();
    }
    assertThat(state(flaky)).isEqualTo("failed");
    assertThat(await(scheduler.retryJob(TEST_ACTOR, flaky))).isTrue();
    drain(flaky);

    // a non-retryable failure fails the job and cancels what waited; the re-drive queues inspect
    // and leaves validate waiting for it
    UUID bad = job("validate");
    assertThat(fail(leaseOne("n"), ErrorCode.GLB_TRUNCATED).accepted()).isTrue();
    assertThat(state(bad)).isEqualTo("failed");
    assertThat(await(scheduler.retryJob(TEST_ACTOR, bad))).isTrue();
    drain(bad);

    // cancel a queued job, re-drive it; cancel a running one, whose node then stops
    UUID queued = job("noop");
    assertThat(await(scheduler.cancelJob(TEST_ACTOR, queued))).isTrue();
    assertThat(await(scheduler.retryJob(TEST_ACTOR, queued))).isTrue();
    drain(queued);
    UUID running = job("noop");
    LeasedTask r = leaseOne("n");
    assertThat(await(scheduler.cancelJob(TEST_ACTOR, running))).isTrue();
    assertThat(
            await(
                    scheduler.heartbeat(
                        new Heartbeat(
                            "n", List.of(new Heartbeat.Lease(r.taskId(), r.leaseToken(), 0.1)))))
                .cancelled())
        .containsExactly(r.taskId());
    fail(r, ErrorCode.TASK_CANCELLED);
    assertThat(state(running)).isEqualTo("cancelled");

    // lost leases: a node that left, an expired lease, an attempt past its max runtime, an orphan
    UUID lost = job("noop");
    leaseOne("gone");
    assertThat(await(scheduler.requeueNode("gone"))).isEqualTo(1);
    leaseOne("n");
    assertThat(await(scheduler.reclaimExpired(Instant.now().plusSeconds(31)))).isEqualTo(1);
    LeasedTask slow = leaseOne("n");
    await(
        pool.query("UPDATE tasks SET leased_at = now() - interval '1 hour' WHERE state = 'leased'")
            .execute());
    assertThat(
            await(
                    scheduler.heartbeat(
                        new Heartbeat(
                            "n",
                            List.of(new Heartbeat.Lease(slow.taskId(), slow.leaseToken(), 0)))))
                .cancelled())
        .containsExactly(slow.taskId());
    assertThat(state(lost)).as("the third attempt timed out: dead").isEqualTo("failed");
    UUID orphan = job("noop");
    leaseOne("gone-too");
    assertThat(await(scheduler.requeueOrphans(Set.of("n")))).isEqualTo(1);
    drain(orphan);

    // texture fan-out after inspect, then the textures and the mesh in one group-committed batch
    UUID textured = job("compress-texture,optimize-mesh");
    LeasedTask inspect = leaseOne("n");
    JsonObject images =
        new JsonObject()
            .put(
                "textures",
                new JsonArray()
                    .add(new JsonObject().put("image", 0))
                    .add(new JsonObject().put("image", 1)));
    assertThat(succeed(inspect, images).accepted()).isTrue();
    List<LeasedTask> wave = lease("n");
    assertThat(wave)
        .extracting(LeasedTask::type)
        .containsExactlyInAnyOrder("compress-texture", "compress-texture", "optimize-mesh");
    List<Future<CompleteReply>> replies = new ArrayList<>();
    for (LeasedTask w : wave) {
      replies.add(
          scheduler.complete(
              CompleteRequest.succeeded(
                  w,
                  List.of(
                      new TaskOutput(
                          w.taskId() + ".bin", "c".repeat(64), 1, "application/octet-stream")),
                  null)));
    }
    await(Future.all(replies));
    drain(textured);

    // the log: every creation in an initial state, every change in the table
    List<String> created = new ArrayList<>();
    Set<String> changes = new TreeSet<>();
    List<String> outside = new ArrayList<>();
    for (Row row :
        await(
            pool.query("SELECT tbl, old_state, new_state FROM state_log ORDER BY id").execute())) {
      String tbl = row.getString("tbl");
      String from = row.getString("old_state");
      String to = row.getString("new_state");
      if (from == null) {
        created.add(tbl + ":" + to);
        boolean initial =
            tbl.equals("tasks")
                ? TaskState.fromWire(to).initial()
                : JobState.fromWire(to).initial();
        if (!initial) {
          outside.add(tbl + " created " + to);
        }
        continue;
      }
      changes.add(tbl + ":" + from + "->" + to);
      boolean allowed =
          tbl.equals("tasks")
              ? TaskState.fromWire(from).canBecome(TaskState.fromWire(to))
              : JobState.fromWire(from).canBecome(JobState.fromWire(to));
      if (!allowed) {
        outside.add(tbl + " " + from + " -> " + to);
      }
    }
    assertThat(outside)
        .as("state changes the SQL made that the transition tables do not allow")
        .isEmpty();
    assertThat(created).contains("tasks:queued", "tasks:pending", "jobs:queued");

    // the scenario went through most of the tables: what it did not reach, the SQL cannot do
    // (a task fails only once leased, so never from pending; a re-driven failed or dead task's
    // dependencies had succeeded, so it is queued, never pending; a job succeeds only once running)
    Set<String> table = new TreeSet<>();
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        if (from.canBecome(to)) {
          table.add("tasks:" + from.wire() + "->" + to.wire());
        }
      }
    }
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        if (from.canBecome(to)) {
          table.add("jobs:" + from.wire() + "->" + to.wire());
        }
      }
    }
    Set<String> missed = new TreeSet<>(table);
    missed.removeAll(changes);
    assertThat(missed)
        .containsExactlyInAnyOrder(
            "tasks:pending->failed",
            "tasks:failed->pending",
            "tasks:dead->pending",
            "jobs:queued->succeeded",
            "jobs:queued->failed");
    assertThat(changes).hasSize(table.size() - missed.size());
  }
}
