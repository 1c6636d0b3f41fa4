package dev.assetgrid.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server commits durably; only the queue's connections skip the WAL flush wait. */
@ExtendWith(VertxExtension.class)
class DatabaseTest {
  @TempDir Path dir;
  private Database db;

  /**
   * A fresh embedded server per test; starting it blocks, here on the JUnit thread, not an event
   * loop.
   */
  @BeforeEach
  void startDatabase() {
    db = Database.embedded(dir.resolve("pg"));
  }

  /**
   * Runs before the extension closes the test's Vert.x instance, as the old try-with-resources did.
   */
  @AfterEach
  void stopDatabase() {
    db.close();
  }

  @Test
  void acceptancesAreDurableAndQueueWritesAreAsynchronous(Vertx vertx, VertxTestContext ctx) {
    vertx
        .<Void>executeBlocking(
            () -> {
              db.migrate(); // Flyway over JDBC: a worker thread's job
              return null;
            })
        .compose(
            v -> {
              Pool durable = db.pool(vertx, 1);
              Pool queue = db.queuePool(vertx, 1);
              return Future.all(
                  setting(durable),
                  setting(queue),
                  queue.query("SELECT count(*) AS n FROM tasks").execute());
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(all.<String>resultAt(0)).isEqualTo("on");
                          assertThat(all.<String>resultAt(1)).isEqualTo("off");
                          // the queue pool reaches the same database
                          assertThat(all.<RowSet<Row>>resultAt(2).iterator().next().getLong("n"))
                              .isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void longStatementsArePreparedOncePerConnection(Vertx vertx, VertxTestContext ctx) {
    // longer than the client's default limit (2,048 characters), like the queue's completion batch
    String sql = "SELECT $1::int + 1 AS n -- " + "padding ".repeat(600);
    Future<Void> checks = Future.succeededFuture();
    for (Pool pool : new Pool[] {db.pool(vertx, 1), db.queuePool(vertx, 1)}) {
      checks =
          checks
              .compose(
                  v ->
                      pool.withConnection(
                          conn -> {
                            Future<?> runs = Future.succeededFuture();
                            for (int i = 0; i < 3; i++) {
                              int k = i;
                              runs =
                                  runs.compose(x -> conn.preparedQuery(sql).execute(Tuple.of(k)));
                            }
                            return runs.compose(
                                    x ->
                                        conn.query(
                                                "SELECT count(*) AS statements, sum(generic_plans + custom_plans) AS runs,"
                                                    + " sum(generic_plans) AS generic FROM pg_prepared_statements WHERE statement LIKE '%padding padding%'")
                                            .execute())
                                .map(rs -> rs.iterator().next());
                          }))
              .compose(
                  r ->
                      setting(pool)
                          .compose(
                              commit ->
                                  verified(
                                      ctx,
                                      () -> {
                                        assertThat(r.getLong("statements"))
                                            .as("one named statement on the connection")
                                            .isEqualTo(1);
                                        assertThat(r.getLong("runs"))
                                            .as("three runs of it")
                                            .isEqualTo(3);
                                        if (commit.equals("off")) {
                                          assertThat(r.getLong("generic"))
                                              .as("the queue pool plans once")
                                              .isEqualTo(3);
                                        }
                                      })));
    }
    checks.onComplete(ctx.succeedingThenComplete());
  }

  private static Future<String> setting(Pool pool) {
    return pool.query("SHOW synchronous_commit")
        .execute()
        .map(rs -> rs.iterator().next().getString(0));
  }

  /** Runs {@code assertions} in {@code ctx.verify}; the chain goes on only if they held. */
  private static Future<Void> verified(
      VertxTestContext ctx, VertxTestContext.ExecutionBlock assertions) {
    ctx.verify(assertions);
    return ctx.failed() ? Future.failedFuture(ctx.causeOfFailure()) : Future.succeededFuture();
  }

  /**
   * The embedded postmaster killed under a running coordinator (kill -9, as the OOM killer would):
   * the supervisor starts it again on the same folder and port, and a pool that held connections to
   * the dead server answers again without being rebuilt.
   */
  @Test
  void aKilledEmbeddedServerIsStartedAgainAndThePoolReconnects() throws Exception {
    db.migrate();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = db.pool(vertx, 2);
      assertThat(count(pool)).isZero();
      long pid = db.postmasterPid();
      assertThat(pid).isPositive();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (db.restarts() == 0 && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(db.restarts()).as("restarted by the supervisor").isEqualTo(1);
      assertThat(db.postmasterPid()).isPositive().isNotEqualTo(pid);
      Integer n = null;
      for (int i = 0; i < 50 && n == null; i++) {
        try {
          n = count(pool); // the first statements may meet connections to the dead server
        } catch (Exception broken) {
          Thread.sleep(100);
        }
      }
      assertThat(n).as("the pool reaches the new server").isZero();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** A server left running on the folder (its coordinator was killed) is stopped at the start. */
  @Test
  void aServerLeftRunningOnTheFolderIsStoppedBeforeTheStart() throws Exception {
    long pid = db.postmasterPid();
    // what a kill -9 of the coordinator leaves: the server runs on, nobody will stop it
    Database.stopLeftover(dir.resolve("elsewhere"), java.time.Duration.ofSeconds(1));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
    Database.stopLeftover(dir.resolve("pg"), java.time.Duration.ofSeconds(30));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  private static int count(Pool pool) throws Exception {
    return pool.query("SELECT count(*) AS n FROM tasks")
        .execute()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS)
        .iterator()
        .next()
        .getInteger("n");
  }
}
