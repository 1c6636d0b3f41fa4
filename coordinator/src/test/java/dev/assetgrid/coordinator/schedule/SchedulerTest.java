package dev.assetgrid.coordinator.schedule;

import static dev.assetgrid.coordinator.access.Principal.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Quotas;
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
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskOutput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The durable queue against a real PostgreSQL: leasing, fencing, retries, requeue, cancellation.
 *
 * <p>Each test is one chain of the queue's futures, its assertions in {@code ctx.verify} steps;
 * nothing in a test body blocks.
 */
@ExtendWith(VertxExtension.class)
class SchedulerTest {
  private static final Actor TEST_ACTOR = Actor.system("test");

  static Vertx vertx;
  static Database db;
  static Pool pool;
  static Scheduler scheduler;
  static AssetStore assets;
  static final AtomicInteger wakes = new AtomicInteger();
  static final List<String> NOOP = List.of("noop");

  /**
   * Blocks (a new database, Flyway over JDBC), here on the JUnit thread, not an event loop; the
   * extension closes this Vert.x instance, and the pool with it, after the class.
   */
  @BeforeAll
  static void start(Vertx classVertx) throws Exception {
    vertx = classVertx;
    db = Database.external(TestPostgres.newDatabase());
    db.migrate();
    pool = db.pool(vertx, 8);
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
    scheduler =
        new Scheduler(
            new QueueStore(pool, JobEvents.publisher(vertx)),
            new Scheduler.Settings(
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(800))),
            urls,
            wakes::incrementAndGet);
    assets =
        new AssetStore(pool, 3, JobPlanner::plan, JobEvents.publisher(vertx), Quotas.unlimited());
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @BeforeEach
  void clean(VertxTestContext ctx) {
    pool.query(
            "TRUNCATE assets, jobs, tasks, task_attempts, task_outputs, job_events, asset_files CASCADE")
        .execute()
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Runs {@code assertions} in {@code ctx.verify}; the chain goes on only if they held. */
  static Future<Void> verified(VertxTestContext ctx, VertxTestContext.ExecutionBlock assertions) {
    ctx.verify(assertions);
    return ctx.failed() ? Future.failedFuture(ctx.causeOfFailure()) : Future.succeededFuture();
  }

  static Future<String> newJob(String pipeline) {
    String sha = "a".repeat(64);
    return assets
        .createAssetWithJob(
            TEST_ACTOR,
            new AssetStore.NewAsset(
                "t.glb",
                ModelFormat.GLB,
                sha,
                10,
                List.of(),
                List.of(
                    new AssetStore.NewFile("original", "original", sha, 10, "model/gltf-binary"))),
            PipelineSpec.parse(pipeline))
        .map(created -> created.getJsonObject("job").getString("id"));
  }

  static Future<List<LeasedTask>> lease(String node, int slots) {
    return scheduler.lease(new LeaseRequest(node, slots, NOOP, 0));
  }

  static Future<CompleteReply> succeed(LeasedTask t, String outputSha) {
    List<TaskOutput> outs =
        outputSha == null
            ? List.of()
            : List.of(new TaskOutput("noop.json", outputSha, 3, "application/json"));
    return scheduler.complete(CompleteRequest.succeeded(t, outs, new JsonObject().put("ok", true)));
  }

  /** The job as the API shows it; fails if there is none. */
  static Future<JsonObject> job(String jobId) {
    return assets.getJob(DEFAULT_TENANT, UUID.fromString(jobId)).map(j -> j.orElseThrow());
  }

  static Future<String> jobState(String jobId) {
    return job(jobId).map(j -> j.getString("state"));
  }

  static Future<Void> expireLeases() {
    return pool.query(
            "UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE state = 'leased'")
        .execute()
        .mapEmpty();
  }

  /** The single count ({@code AS n}) a query returns. */
  static Future<Long> count(String sql) {
    return pool.query(sql).execute().map(rs -> rs.iterator().next().getLong("n"));
  }

  @Test
  void leaseCarriesInputsAndCompletionFinishesTheJob(VertxTestContext ctx) {
    String[] job = new String[1];
    LeasedTask[] t = new LeasedTask[1];
    newJob("noop")
        .compose(
            id -> {
              job[0] = id;
              return lease("n1", 4);
            })
        .compose(
            got ->
                verified(
                    ctx,
                    () -> {
                      assertThat(got).hasSize(1);
                      LeasedTask lt = got.get(0);
                      t[0] = lt;
                      assertThat(lt.attempt()).isEqualTo(1);
                      assertThat(lt.type()).isEqualTo("noop");
                      assertThat(lt.inputs())
                          .singleElement()
                          .satisfies(
                              in -> {
                                assertThat(in.name()).isEqualTo("original");
                                assertThat(in.url())
                                    .isEqualTo(
                                        "http://test/in/" + lt.taskId() + "/" + "a".repeat(64));
                              });
                      assertThat(lt.leaseExpiresAt())
                          .isGreaterThan(System.currentTimeMillis() + 20_000);
                    }))
        .compose(v -> lease("n2", 4))
        .compose(other -> verified(ctx, () -> assertThat(other).isEmpty()))
        .compose(v -> jobState(job[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("running")))
        .compose(v -> succeed(t[0], "b".repeat(64)))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> job(job[0]))
        .compose(
            j ->
                verified(
                    ctx,
                    () -> {
                      assertThat(j.getString("state")).isEqualTo("succeeded");
                      assertThat(j.getDouble("progress")).isEqualTo(1.0);
                    }))
        .compose(v -> assets.events(DEFAULT_TENANT, UUID.fromString(job[0]), 0))
        .compose(
            events ->
                verified(
                    ctx,
                    () ->
                        assertThat(events)
                            .extracting(e -> e.getString("type"))
                            .containsExactly(
                                "job.created",
                                "job.started",
                                "task.leased",
                                "task.succeeded",
                                "job.progress",
                                "job.succeeded")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void staleLeaseHolderIsFencedOffAndOnlyTheWinnerRecordsOutputs(VertxTestContext ctx) {
    String[] job = new String[1];
    LeasedTask[] a = new LeasedTask[1];
    LeasedTask[] b = new LeasedTask[1];
    newJob("noop")
        .compose(
            id -> {
              job[0] = id;
              return lease("node-a", 1);
            })
        .compose(
            got -> {
              a[0] = got.get(0);
              return expireLeases();
            })
        .compose(v -> scheduler.reclaimExpired())
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
        .compose(v -> lease("node-b", 1))
        .compose(
            got ->
                verified(
                    ctx,
                    () -> {
                      b[0] = got.get(0);
                      assertThat(b[0].taskId()).isEqualTo(a[0].taskId());
                      assertThat(b[0].attempt()).isEqualTo(2);
                      assertThat(b[0].leaseToken()).isNotEqualTo(a[0].leaseToken());
                    }))
        // A wakes up late: its heartbeat is answered "cancelled", its completion refused
        .compose(
            v ->
                scheduler.heartbeat(
                    new Heartbeat(
                        "node-a",
                        List.of(new Heartbeat.Lease(a[0].taskId(), a[0].leaseToken(), 0.5)))))
        .compose(
            hb ->
                verified(
                    ctx,
                    () -> {
                      assertThat(hb.extended()).isEmpty();
                      assertThat(hb.cancelled()).containsExactly(a[0].taskId());
                    }))
        .compose(v -> succeed(a[0], "c".repeat(64)))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isFalse()))
        .compose(
            v ->
                scheduler.complete(
                    CompleteRequest.failed(a[0], TaskError.of(ErrorCode.INTERNAL_ERROR, "x"))))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isFalse()))
        // a token from A with B's attempt number is refused as well
        .compose(
            v ->
                scheduler.complete(
                    new CompleteRequest(
                        b[0].taskId(),
                        b[0].attempt(),
                        a[0].leaseToken(),
                        CompleteRequest.Outcome.SUCCEEDED,
                        List.of(),
                        null,
                        null)))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isFalse()))
        .compose(v -> succeed(b[0], "d".repeat(64)))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> succeed(b[0], "e".repeat(64)))
        .compose(
            reply ->
                verified(
                    ctx,
                    () ->
                        assertThat(reply.accepted())
                            .as("second completion of the same lease")
                            .isFalse()))
        .compose(v -> jobState(job[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("succeeded")))
        .compose(v -> pool.query("SELECT sha256 FROM task_outputs").execute())
        .compose(
            rows ->
                verified(
                    ctx,
                    () -> {
                      List<String> outputs = new ArrayList<>();
                      for (Row r : rows) {
                        outputs.add(r.getString("sha256"));
                      }
                      assertThat(outputs).containsExactly("d".repeat(64));
                    }))
        .compose(v -> pool.query("SELECT outcome FROM task_attempts ORDER BY attempt").execute())
        .compose(
            rows ->
                verified(
                    ctx,
                    () -> {
                      List<String> outcomes = new ArrayList<>();
                      for (Row r : rows) {
                        outcomes.add(r.getString("outcome"));
                      }
                      assertThat(outcomes).containsExactly("lease_expired", "succeeded");
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void racingNodesNeverLeaseOrCompleteTheSameTaskTwice(VertxTestContext ctx) {
    int jobs = 120;
    Future<Void> created = Future.succeededFuture();
    for (int i = 0; i < jobs; i++) {
      created = created.compose(v -> newJob("noop").mapEmpty());
    }
    List<Future<List<LeasedTask>>> all = new ArrayList<>();
    List<LeasedTask> leased = new ArrayList<>();
    List<Future<CompleteReply>> completions = new ArrayList<>();
    created
        .compose(
            v -> {
              // two nodes, each firing many concurrent lease requests
              for (int i = 0; i < 40; i++) {
                all.add(scheduler.lease(new LeaseRequest("node-a", 3, NOOP, 0)));
                all.add(scheduler.lease(new LeaseRequest("node-b", 3, NOOP, 0)));
              }
              return Future.join(all);
            })
        .compose(
            v ->
                verified(
                    ctx,
                    () -> {
                      Set<String> ids = new HashSet<>();
                      for (Future<List<LeasedTask>> f : all) {
                        for (LeasedTask t : f.result()) {
                          assertThat(ids.add(t.taskId()))
                              .as("task " + t.taskId() + " leased twice")
                              .isTrue();
                          leased.add(t);
                        }
                      }
                      assertThat(ids).hasSize(jobs);
                    }))
        .compose(
            v -> {
              // both complete every task concurrently, with each lease's own token and with the
              // other's
              for (LeasedTask t : leased) {
                completions.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), null)));
                completions.add(scheduler.complete(CompleteRequest.succeeded(t, List.of(), null)));
              }
              return Future.join(completions);
            })
        .compose(
            v ->
                verified(
                    ctx,
                    () -> {
                      long accepted =
                          completions.stream().filter(f -> f.result().accepted()).count();
                      assertThat(accepted).isEqualTo(jobs);
                    }))
        .compose(v -> count("SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'"))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(jobs)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void retryableFailuresBackOffThenDieNonRetryableFailAtOnce(VertxTestContext ctx) {
    String[] retryJob = new String[1];
    String[] badInput = new String[1];
    LeasedTask[] t1 = new LeasedTask[1];
    newJob("noop")
        .compose(
            id -> {
              retryJob[0] = id;
              return lease("n", 1);
            })
        .compose(
            got -> {
              t1[0] = got.get(0);
              return scheduler.complete(
                  CompleteRequest.failed(t1[0], TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk")));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(
            v ->
                pool.preparedQuery(
                        "SELECT state, extract(epoch FROM (run_at - updated_at)) * 1000 AS ms FROM tasks WHERE id = $1")
                    .execute(Tuple.of(UUID.fromString(t1[0].taskId()))))
        .compose(
            rows ->
                verified(
                    ctx,
                    () -> {
                      Row delay = rows.iterator().next();
                      assertThat(delay.getString("state")).isEqualTo("queued");
                      assertThat(delay.getDouble("ms"))
                          .as("first retry waits base/2..base")
                          .isBetween(100.0, 200.0);
                    }))
        .compose(v -> awaitLease())
        .compose(
            t2 ->
                verified(ctx, () -> assertThat(t2.attempt()).isEqualTo(2))
                    .compose(
                        v ->
                            scheduler.complete(
                                CompleteRequest.failed(
                                    t2, TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk")))))
        .compose(v -> awaitLease())
        .compose(
            t3 ->
                verified(ctx, () -> assertThat(t3.attempt()).isEqualTo(3))
                    .compose(
                        v ->
                            scheduler.complete(
                                CompleteRequest.failed(
                                    t3, TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk")))))
        .compose(v -> job(retryJob[0]))
        .compose(
            j ->
                verified(
                    ctx,
                    () -> {
                      assertThat(j.getString("state")).isEqualTo("failed");
                      JsonObject task = j.getJsonArray("tasks").getJsonObject(0);
                      assertThat(task.getString("state")).isEqualTo("dead");
                      assertThat(task.getJsonArray("attempts")).hasSize(3);
                      assertThat(
                              task.getJsonArray("attempts").getJsonObject(0).getString("errorCode"))
                          .isEqualTo("BLOB_IO_ERROR");
                      assertThat(j.getJsonObject("error").getString("code"))
                          .isEqualTo("BLOB_IO_ERROR");
                    }))
        // re-drive: a fresh budget, the old attempts kept
        .compose(v -> scheduler.retryJob(TEST_ACTOR, UUID.fromString(retryJob[0])))
        .compose(retried -> verified(ctx, () -> assertThat(retried).isTrue()))
        .compose(v -> lease("n", 1))
        .compose(
            got -> {
              LeasedTask t4 = got.get(0);
              return verified(ctx, () -> assertThat(t4.attempt()).isEqualTo(4))
                  .compose(v -> succeed(t4, null));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> jobState(retryJob[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("succeeded")))
        .compose(v -> newJob("noop"))
        .compose(
            id -> {
              badInput[0] = id;
              return lease("n", 1);
            })
        .compose(
            got ->
                scheduler.complete(
                    CompleteRequest.failed(
                        got.get(0), new TaskError("GLB_TRUNCATED", "short", true))))
        .compose(v -> job(badInput[0]))
        .compose(
            bj ->
                verified(
                    ctx,
                    () -> {
                      assertThat(bj.getString("state")).isEqualTo("failed");
                      assertThat(bj.getJsonArray("tasks").getJsonObject(0).getString("state"))
                          .as("the catalogue, not the node, decides retryability")
                          .isEqualTo("failed");
                      assertThat(bj.getJsonArray("tasks").getJsonObject(0).getInteger("attempt"))
                          .isEqualTo(1);
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Leases one task for node "n" as soon as one is ready, polling every 20 ms for 5 s. */
  private static Future<LeasedTask> awaitLease() {
    return awaitLease(System.currentTimeMillis() + 5000);
  }

  private static Future<LeasedTask> awaitLease(long end) {
    return lease("n", 1)
        .compose(
            l -> {
              if (!l.isEmpty()) {
                return Future.succeededFuture(l.get(0));
              }
              if (System.currentTimeMillis() >= end) {
                return Future.failedFuture(new AssertionError("no task became ready"));
              }
              return vertx.timer(20).compose(v -> awaitLease(end));
            });
  }

  @Test
  void dependentTasksWaitAndNodeLossRequeuesAtOnce(VertxTestContext ctx) {
    String[] job = new String[1];
    LeasedTask[] second = new LeasedTask[1];
    LeasedTask[] again = new LeasedTask[1];
    int[] before = new int[1];
    newJob("inspect,noop")
        .compose(
            id -> {
              job[0] = id;
              return scheduler.lease(new LeaseRequest("n1", 5, List.of("inspect", "noop"), 0));
            })
        .compose(
            first ->
                verified(
                        ctx,
                        () ->
                            assertThat(first)
                                .extracting(LeasedTask::type)
                                .containsExactly("inspect"))
                    .compose(
                        v -> {
                          before[0] = wakes.get();
                          return succeed(first.get(0), "f".repeat(64));
                        }))
        .compose(
            reply ->
                verified(
                    ctx,
                    () -> {
                      assertThat(reply.accepted()).isTrue();
                      assertThat(wakes.get())
                          .as("unlocking a dependent wakes nodes")
                          .isGreaterThan(before[0]);
                    }))
        .compose(v -> scheduler.lease(new LeaseRequest("n1", 5, List.of("inspect", "noop"), 0)))
        .compose(
            got ->
                verified(
                    ctx,
                    () -> {
                      second[0] = got.get(0);
                      assertThat(second[0].type()).isEqualTo("noop");
                      // the dependent task gets its dependency's outputs as inputs
                      assertThat(second[0].inputs())
                          .extracting(in -> in.name())
                          .contains("original", "noop.json");
                    }))
        .compose(v -> scheduler.requeueNode("n1"))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
        .compose(v -> lease("n2", 1))
        .compose(
            got ->
                verified(
                    ctx,
                    () -> {
                      again[0] = got.get(0);
                      assertThat(again[0].taskId()).isEqualTo(second[0].taskId());
                      assertThat(again[0].attempt()).isEqualTo(2);
                    }))
        .compose(v -> succeed(again[0], null))
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> jobState(job[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("succeeded")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void textureStageFansOutPerImageAfterInspectAndAssembleWaitsForAll(VertxTestContext ctx) {
    List<String> caps = List.of("inspect", "compress-texture", "optimize-mesh", "assemble");
    String[] job = new String[1];
    newJob("compress-texture,optimize-mesh")
        .compose(
            id -> {
              job[0] = id;
              return job(id);
            })
        .compose(
            planned ->
                verified(
                    ctx,
                    () ->
                        assertThat(planned.getJsonArray("tasks"))
                            .extracting(t -> ((JsonObject) t).getString("name"))
                            .containsExactlyInAnyOrder(
                                "inspect", "optimize-mesh", "compress-texture", "assemble")))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            got -> {
              LeasedTask inspect = got.get(0);
              JsonObject result =
                  new JsonObject()
                      .put(
                          "textures",
                          new io.vertx.core.json.JsonArray()
                              .add(new JsonObject().put("index", 0).put("image", 1))
                              .add(new JsonObject().put("index", 1).put("image", 0))
                              .add(new JsonObject().put("index", 2).put("image", 1)));
              return verified(ctx, () -> assertThat(inspect.type()).isEqualTo("inspect"))
                  .compose(
                      v ->
                          scheduler.complete(
                              CompleteRequest.succeeded(inspect, List.of(), result)));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            wave ->
                verified(
                        ctx,
                        () -> {
                          assertThat(wave)
                              .extracting(LeasedTask::type)
                              .containsExactlyInAnyOrder(
                                  "optimize-mesh", "compress-texture", "compress-texture");
                          assertThat(
                                  wave.stream()
                                      .filter(t -> t.type().equals("compress-texture"))
                                      .map(t -> t.params().path("image").asInt()))
                              .containsExactlyInAnyOrder(0, 1);
                        })
                    .compose(v -> job(job[0]))
                    .compose(
                        mid ->
                            verified(
                                ctx, () -> assertThat(mid.getInteger("tasksTotal")).isEqualTo(5)))
                    .compose(v -> completeInTurn(ctx, wave)))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            got -> {
              LeasedTask assemble = got.get(0);
              return verified(
                      ctx,
                      () -> {
                        assertThat(assemble.type()).isEqualTo("assemble");
                        assertThat(assemble.inputs())
                            .extracting(in -> in.name())
                            .contains("original", "mesh.glb", "texture-0.ktx2", "texture-1.ktx2");
                      })
                  .compose(v -> succeed(assemble, null));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> job(job[0]))
        .compose(
            done ->
                verified(
                    ctx,
                    () -> {
                      assertThat(done.getString("state")).isEqualTo("succeeded");
                      assertThat(done.getDouble("progress")).isEqualTo(1.0);
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Completes the fan-out's tasks one after another; until the last, assemble is not leased. */
  private static Future<Void> completeInTurn(VertxTestContext ctx, List<LeasedTask> wave) {
    Future<Void> turns = Future.succeededFuture();
    for (LeasedTask t : wave) {
      String name =
          t.type().equals("compress-texture")
              ? "texture-" + t.params().path("image").asInt() + ".ktx2"
              : "mesh.glb";
      turns =
          turns
              .compose(
                  v ->
                      scheduler.complete(
                          CompleteRequest.succeeded(
                              t,
                              List.of(
                                  new TaskOutput(
                                      name, "c".repeat(64), 1, "application/octet-stream")),
                              null)))
              .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
              .compose(
                  v ->
                      t == wave.get(wave.size() - 1)
                          ? Future.succeededFuture()
                          : lease("n", 1)
                              .compose(
                                  l ->
                                      verified(
                                          ctx,
                                          () ->
                                              assertThat(l)
                                                  .as("assemble waits for every texture")
                                                  .isEmpty())));
    }
    return turns;
  }

  @Test
  void completionsArrivingTogetherCommitInBatchesWithPerJobCounts(VertxTestContext ctx) {
    // 12 jobs on 6 assets (two per asset); each runs inspect, then validate and noop side by side
    List<String> caps = List.of("inspect", "validate", "noop");
    List<String> jobs = new ArrayList<>();
    Future<Void> created = Future.succeededFuture();
    for (int a = 0; a < 6; a++) {
      created =
          created
              .compose(v -> newJob("validate,noop"))
              .compose(
                  first -> {
                    jobs.add(first);
                    return job(first);
                  })
              .compose(
                  j ->
                      assets.createJob(
                          TEST_ACTOR,
                          UUID.fromString(j.getString("assetId")),
                          PipelineSpec.parse("validate,noop")))
              .map(
                  second -> {
                    jobs.add(second.orElseThrow().toString());
                    return null;
                  });
    }
    List<Future<CompleteReply>> first = new ArrayList<>();
    List<Future<CompleteReply>> replies = new ArrayList<>();
    Scheduler.CompletionStats[] before = new Scheduler.CompletionStats[1];
    created
        .compose(v -> scheduler.lease(new LeaseRequest("n", 64, caps, 0)))
        .compose(
            inspects ->
                verified(
                        ctx,
                        () ->
                            assertThat(inspects)
                                .hasSize(12)
                                .allMatch(t -> t.type().equals("inspect")))
                    .compose(
                        v -> {
                          for (LeasedTask t : inspects) {
                            first.add(
                                scheduler.complete(
                                    CompleteRequest.succeeded(t, List.of(), new JsonObject())));
                          }
                          return Future.all(first);
                        }))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 64, caps, 0)))
        .compose(
            wave ->
                verified(ctx, () -> assertThat(wave).hasSize(24))
                    .compose(
                        v -> {
                          before[0] = scheduler.completionStats();
                          // all at once: the first goes alone, the rest queue behind it and share
                          // a statement
                          for (LeasedTask t : wave) {
                            String out =
                                t.type().equals("validate") ? "validation.json" : "noop.json";
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
                          // a second report of an already reported attempt, in the same burst, is
                          // refused
                          replies.add(
                              scheduler.complete(
                                  CompleteRequest.succeeded(wave.get(0), List.of(), null)));
                          return Future.join(replies);
                        }))
        .compose(
            v ->
                verified(
                    ctx,
                    () -> {
                      assertThat(replies.subList(0, 24)).allMatch(f -> f.result().accepted());
                      assertThat(replies.get(24).result().accepted()).isFalse();
                      Scheduler.CompletionStats after = scheduler.completionStats();
                      assertThat(after.failures()).isEqualTo(before[0].failures());
                      assertThat(after.completed() - before[0].completed()).isEqualTo(24);
                      assertThat(after.batches() - before[0].batches())
                          .as("batches for 24 completions")
                          .isBetween(1L, 4L);
                      assertThat(after.batchMillis()).isGreaterThan(before[0].batchMillis());
                      JsonObject q = scheduler.queueStats();
                      assertThat(q.getLong("leasedTasks")).isGreaterThanOrEqualTo(24 + 12);
                      assertThat(q.getDouble("leaseMeanMs")).isPositive();
                      assertThat(q.getDouble("batchMeanSize"))
                          .isEqualTo((double) after.completed() / after.batches());
                    }))
        .compose(v -> eachJobSucceededWithItsCounts(ctx, jobs))
        .compose(
            v ->
                pool.query(
                        """
        SELECT count(*) AS n, count(DISTINCT asset_id) AS assets FROM asset_files WHERE role = 'derived'""")
                    .execute())
        .compose(
            rows ->
                verified(
                    ctx,
                    () -> {
                      Row files = rows.iterator().next();
                      // both jobs of an asset wrote validation.json and noop.json: one row per
                      // asset and name, no conflict
                      assertThat(files.getLong("n")).isEqualTo(12);
                      assertThat(files.getLong("assets")).isEqualTo(6);
                    }))
        .compose(v -> count("SELECT count(*) AS n FROM task_outputs"))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(24)))
        .compose(v -> count("SELECT count(*) AS n FROM assets WHERE status = 'ready'"))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(6)))
        .compose(v -> count("SELECT count(*) AS n FROM task_attempts WHERE outcome = 'succeeded'"))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(36)))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Every job succeeded with its three tasks, told once in its events, the last one its end. */
  private static Future<Void> eachJobSucceededWithItsCounts(
      VertxTestContext ctx, List<String> jobs) {
    Future<Void> checks = Future.succeededFuture();
    for (String job : jobs) {
      UUID id = UUID.fromString(job);
      checks =
          checks
              .compose(v -> job(job))
              .compose(
                  j ->
                      verified(
                          ctx,
                          () -> {
                            assertThat(j.getString("state")).isEqualTo("succeeded");
                            assertThat(j.getInteger("tasksDone")).isEqualTo(3);
                          }))
              .compose(
                  v ->
                      pool.preparedQuery(
                              "SELECT type, data FROM job_events WHERE job_id = $1 ORDER BY id")
                          .execute(Tuple.of(id)))
              .compose(
                  rows ->
                      verified(
                          ctx,
                          () -> {
                            List<String> types =
                                rows.stream().map(r -> r.getString("type")).toList();
                            assertThat(types).filteredOn("job.succeeded"::equals).hasSize(1);
                            assertThat(types.get(types.size() - 1)).isEqualTo("job.succeeded");
                            assertThat(types).filteredOn("task.succeeded"::equals).hasSize(3);
                          }))
              .compose(
                  v ->
                      pool.preparedQuery(
                              """
          SELECT data FROM job_events WHERE job_id = $1 AND type = 'job.progress' ORDER BY id DESC LIMIT 1""")
                          .execute(Tuple.of(id)))
              .compose(
                  rows ->
                      verified(
                          ctx,
                          () -> {
                            Row last = rows.iterator().next();
                            assertThat(last.getJsonObject("data").getInteger("tasksDone"))
                                .isEqualTo(3);
                            assertThat(last.getJsonObject("data").getDouble("progress"))
                                .isEqualTo(1.0);
                          }));
    }
    return checks;
  }

  @Test
  void queueStatementsPlanOnceWithIndexesWhateverTheStatistics(VertxTestContext ctx) {
    // a big queue that the planner's statistics have not seen yet (no ANALYZE), as after a bulk
    // load
    UUID[] asset = new UUID[1];
    newJob("noop")
        .compose(first -> job(first))
        .compose(
            j -> {
              asset[0] = UUID.fromString(j.getString("assetId"));
              // statistics taken while the grid was idle...
              return pool.query(
                      "ANALYZE tasks, jobs, task_attempts, task_outputs, assets, asset_files, job_events")
                  .execute();
            })
        // ...then a bulk load
        .compose(
            v ->
                pool.preparedQuery(
                        """
        WITH j AS (INSERT INTO jobs (id, tenant_id, asset_id, pipeline, state, tasks_total)
                   SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', $1, '{}', 'queued', 1 FROM generate_series(1, 50000) RETURNING id)
        INSERT INTO tasks (id, job_id, type, name, state, max_attempts) SELECT gen_random_uuid(), id, 'noop', 'noop', 'queued', 3 FROM j""")
                    .execute(Tuple.of(asset[0])))
        // and a history: finished tasks with outputs and attempts
        .compose(
            v ->
                pool.query(
                        """
        WITH t AS (INSERT INTO tasks (id, job_id, type, name, state, max_attempts, attempt)
                   SELECT gen_random_uuid(), id, 'noop', 'done', 'succeeded', 3, 1 FROM jobs RETURNING id, job_id),
             a AS (INSERT INTO task_attempts (task_id, attempt, node_id, lease_token) SELECT id, 1, 'old', 'x' FROM t)
        INSERT INTO task_outputs (task_id, name, sha256, size_bytes, content_type, kind, tenant_id)
        SELECT t.id, 'noop.json', repeat('b', 64), 1, 'application/json', 'derivative', j.tenant_id
          FROM t JOIN jobs j ON j.id = t.job_id""")
                    .execute())
        .compose(v -> lease("n", 64))
        .compose(leased -> genericPlans(ctx, leased))
        .compose(
            plans ->
                verified(
                    ctx,
                    () ->
                        plans.forEach(
                            (name, plan) -> {
                              // tables that grow with every task are never scanned whole (assets
                              // here are one row: a scan is right)
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
                                  .doesNotContain(
                                      "tasks",
                                      "jobs",
                                      "task_attempts",
                                      "task_outputs",
                                      "job_events");
                              assertThat(plan).contains("Index");
                            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void statementsThatNameTasksByIdReachThemByIdWhenFewAreLeased(VertxTestContext ctx) {
    // the end of a big drain: statistics say nearly every task has finished and a few are leased.
    // Fenced on state = 'leased', completion and heartbeat were once planned as a walk of the whole
    // index of running leases filtered by id; finished leases leave dead entries there until
    // vacuum, and the queue fell from ~2,000 to ~250 tasks/s
    List<LeasedTask> leased = new ArrayList<>();
    newJob("noop")
        .compose(first -> job(first))
        .compose(
            j ->
                pool.preparedQuery(
                        """
        WITH j AS (INSERT INTO jobs (id, tenant_id, asset_id, pipeline, state, tasks_total)
                   SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', $1, '{}', 'queued', 1 FROM generate_series(1, 50000) RETURNING id)
        INSERT INTO tasks (id, job_id, type, name, state, max_attempts, attempt)
        SELECT gen_random_uuid(), id, 'noop', 'noop', 'succeeded', 3, 1 FROM j""")
                    .execute(Tuple.of(UUID.fromString(j.getString("assetId")))))
        .compose(
            v ->
                pool.query(
                        "UPDATE tasks SET state = 'queued' WHERE id IN (SELECT id FROM tasks LIMIT 200)")
                    .execute())
        .compose(v -> lease("n", 16)) // a node's worth still running
        .compose(
            got -> {
              leased.addAll(got);
              return pool.query(
                      "ANALYZE tasks, jobs, task_attempts, task_outputs, assets, asset_files, job_events")
                  .execute();
            })
        .compose(v -> genericPlans(ctx, leased))
        .compose(
            plans ->
                verified(
                    ctx,
                    () -> {
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
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** EXPLAIN (FORMAT JSON) of the generic plans of the queue's statements, for these leases. */
  private static Future<java.util.Map<String, String>> genericPlans(
      VertxTestContext ctx, List<LeasedTask> some) {
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
    Future<Void> explained = verified(ctx, () -> assertThat(some).isNotEmpty());
    for (var e : statements.entrySet()) {
      explained =
          explained
              .compose(
                  v ->
                      pool.withConnection(
                          conn ->
                              conn.query("SET plan_cache_mode = force_generic_plan")
                                  .execute()
                                  .compose(
                                      x -> conn.query("PREPARE q AS " + e.getValue()[0]).execute())
                                  .compose(
                                      x ->
                                          conn.query(
                                                  "EXPLAIN (FORMAT JSON) EXECUTE q("
                                                      + e.getValue()[1]
                                                      + ")")
                                              .execute())
                                  .compose(
                                      rs ->
                                          conn.query("DEALLOCATE q")
                                              .execute()
                                              .map(
                                                  x ->
                                                      rs.iterator()
                                                          .next()
                                                          .getValue(0)
                                                          .toString()))))
              .map(
                  plan -> {
                    plans.put(e.getKey(), plan);
                    return null;
                  });
    }
    return explained.map(v -> plans);
  }

  @Test
  void aModelWithoutTexturesDropsThePlaceholder(VertxTestContext ctx) {
    List<String> caps = List.of("inspect", "compress-texture", "assemble");
    String[] job = new String[1];
    newJob("compress-texture")
        .compose(
            id -> {
              job[0] = id;
              return scheduler.lease(new LeaseRequest("n", 8, caps, 0));
            })
        .compose(
            got ->
                scheduler.complete(
                    CompleteRequest.succeeded(got.get(0), List.of(), new JsonObject())))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            got -> {
              LeasedTask assemble = got.get(0);
              return verified(ctx, () -> assertThat(assemble.type()).isEqualTo("assemble"))
                  .compose(v -> succeed(assemble, null));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> jobState(job[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("succeeded")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void assembleOfAConvertedModelWithoutTexturesStillReadsTheConvertedGlb(VertxTestContext ctx) {
    // an STL has no images: the placeholder is dropped, and assemble must still have convert's GLB
    // as an input
    String sha = "b".repeat(64);
    List<String> caps = List.of("convert", "inspect", "compress-texture", "assemble");
    String[] job = new String[1];
    assets
        .createAssetWithJob(
            TEST_ACTOR,
            new AssetStore.NewAsset(
                "t.stl",
                ModelFormat.STL,
                sha,
                10,
                List.of(),
                List.of(new AssetStore.NewFile("original", "original", sha, 10, "model/stl"))),
            PipelineSpec.parse("compress-texture"))
        .compose(
            created -> {
              job[0] = created.getJsonObject("job").getString("id");
              return scheduler.lease(new LeaseRequest("n", 8, caps, 0));
            })
        .compose(
            got -> {
              LeasedTask convert = got.get(0);
              return verified(ctx, () -> assertThat(convert.type()).isEqualTo("convert"))
                  .compose(
                      v ->
                          scheduler.complete(
                              CompleteRequest.succeeded(
                                  convert,
                                  List.of(
                                      new TaskOutput(
                                          "converted.glb", "c".repeat(64), 1, "model/gltf-binary")),
                                  null)));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            got -> {
              LeasedTask inspect = got.get(0);
              return verified(ctx, () -> assertThat(inspect.type()).isEqualTo("inspect"))
                  .compose(
                      v ->
                          scheduler.complete(
                              CompleteRequest.succeeded(inspect, List.of(), new JsonObject())));
            })
        .compose(v -> scheduler.lease(new LeaseRequest("n", 8, caps, 0)))
        .compose(
            got -> {
              LeasedTask assemble = got.get(0);
              return verified(
                      ctx,
                      () -> {
                        assertThat(assemble.type()).isEqualTo("assemble");
                        assertThat(assemble.inputs())
                            .extracting(in -> in.name())
                            .contains("original", "converted.glb");
                      })
                  .compose(v -> succeed(assemble, null));
            })
        .compose(reply -> verified(ctx, () -> assertThat(reply.accepted()).isTrue()))
        .compose(v -> jobState(job[0]))
        .compose(state -> verified(ctx, () -> assertThat(state).isEqualTo("succeeded")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void orphanedLeasesOfNonMembersAreRequeued(VertxTestContext ctx) {
    newJob("noop")
        .compose(v -> lease("gone-node", 1))
        .compose(v -> scheduler.requeueOrphans(Set.of("live-node")))
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
        .compose(v -> lease("live-node", 1))
        .compose(got -> verified(ctx, () -> assertThat(got).hasSize(1)))
        .compose(v -> scheduler.requeueOrphans(Set.of("live-node")))
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void cancellationStopsQueuedWorkAndTellsRunningWorkInTheHeartbeat(VertxTestContext ctx) {
    String[] job = new String[1];
    LeasedTask[] t = new LeasedTask[1];
    newJob("noop")
        .compose(
            id -> {
              job[0] = id;
              return lease("n", 1);
            })
        .compose(
            got -> {
              t[0] = got.get(0);
              return scheduler.cancelJob(TEST_ACTOR, UUID.fromString(job[0]));
            })
        .compose(cancelled -> verified(ctx, () -> assertThat(cancelled).isTrue()))
        .compose(v -> scheduler.cancelJob(TEST_ACTOR, UUID.fromString(job[0])))
        .compose(
            cancelled ->
                verified(ctx, () -> assertThat(cancelled).as("already cancelled").isFalse()))
        .compose(
            v ->
                scheduler.heartbeat(
                    new Heartbeat(
                        "n", List.of(new Heartbeat.Lease(t[0].taskId(), t[0].leaseToken(), 0.1)))))
        .compose(
            hb -> verified(ctx, () -> assertThat(hb.cancelled()).containsExactly(t[0].taskId())))
        .compose(
            v ->
                scheduler.complete(
                    CompleteRequest.failed(
                        t[0], TaskError.of(ErrorCode.TASK_CANCELLED, "stopped"))))
        .compose(v -> job(job[0]))
        .compose(
            j ->
                verified(
                    ctx,
                    () -> {
                      assertThat(j.getString("state")).isEqualTo("cancelled");
                      assertThat(j.getJsonArray("tasks").getJsonObject(0).getString("state"))
                          .isEqualTo("cancelled");
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void heartbeatsExtendHeldLeasesAndReportProgress(VertxTestContext ctx) {
    String[] job = new String[1];
    LeasedTask[] t = new LeasedTask[1];
    newJob("noop")
        .compose(
            id -> {
              job[0] = id;
              return lease("n", 1);
            })
        .compose(
            got -> {
              t[0] = got.get(0);
              return vertx.timer(20);
            })
        .compose(
            v ->
                scheduler.heartbeat(
                    new Heartbeat(
                        "n",
                        List.of(
                            new Heartbeat.Lease(t[0].taskId(), t[0].leaseToken(), 0.5),
                            new Heartbeat.Lease("not-a-uuid", "x", 0)))))
        .compose(
            hb ->
                verified(
                    ctx,
                    () -> {
                      assertThat(hb.extended()).containsExactly(t[0].taskId());
                      assertThat(hb.cancelled()).containsExactly("not-a-uuid");
                      assertThat(hb.leaseExpiresAt()).isGreaterThan(t[0].leaseExpiresAt());
                    }))
        .compose(v -> job(job[0]))
        .compose(j -> verified(ctx, () -> assertThat(j.getDouble("progress")).isEqualTo(0.5)))
        .onComplete(ctx.succeedingThenComplete());
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
