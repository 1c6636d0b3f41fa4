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
}
