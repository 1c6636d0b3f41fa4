package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.schedule.RetryPolicy;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.coordinator.store.QueueStore;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue over a fresh database of the test PostgreSQL, for the duty tests: 30 s leases, and retry
 * backoffs of 30 to 60 minutes, so a retried task is not ready again unless a clock moves on.
 */
final class QueueFixture {
  private static final Actor TEST_ACTOR = Actor.system("test");

  static final Duration LEASE = Duration.ofSeconds(30);
  static final List<String> NOOP = List.of("noop");

  final Database db;
  final Pool pool;
  final Scheduler scheduler;
  final AssetStore assets;
  final AtomicInteger wakes = new AtomicInteger();

  private QueueFixture(Vertx vertx) throws Exception {
    db = Database.external(TestPostgres.newDatabase());
    db.migrate();
    pool = db.pool(vertx, 4);
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
                LEASE,
                Duration.ofMinutes(5),
                new RetryPolicy(3, Duration.ofHours(1), Duration.ofHours(2))),
            urls,
            wakes::incrementAndGet);
    assets =
        new AssetStore(pool, 3, JobPlanner::plan, JobEvents.publisher(vertx), Quotas.unlimited());
  }

  /** Blocks (JDBC migrations): call it from {@code @BeforeAll}. */
  static QueueFixture start(Vertx vertx) throws Exception {
    return new QueueFixture(vertx);
  }

  Future<Void> clean() {
    return pool.query(
            "TRUNCATE assets, jobs, tasks, task_attempts, task_outputs, job_events, asset_files CASCADE")
        .execute()
        .mapEmpty();
  }

  /** A noop job over a new asset; its id. */
  Future<UUID> noopJob() {
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
            PipelineSpec.parse("noop"))
        .map(created -> UUID.fromString(created.getJsonObject("job").getString("id")));
  }

  Future<List<LeasedTask>> lease(String node, int slots) {
    return scheduler.lease(new LeaseRequest(node, slots, NOOP, 0));
  }

  /** The task's state and attempt, as {@code state/attempt}. */
  Future<String> task(String taskId) {
    return pool.preparedQuery("SELECT state, attempt FROM tasks WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(taskId)))
        .map(
            rs ->
                rs.iterator().next().getString("state")
                    + "/"
                    + rs.iterator().next().getInteger("attempt"));
  }
}
