package dev.assetgrid.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server commits durably; only the queue's connections skip the WAL flush wait. */
class DatabaseTest {
  @TempDir
  Path dir;

  @Test
  void acceptancesAreDurableAndQueueWritesAreAsynchronous() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.embedded(dir.resolve("pg"))) {
      db.migrate();
      Pool durable = db.pool(vertx, 1);
      Pool queue = db.queuePool(vertx, 1);
      assertThat(setting(durable)).isEqualTo("on");
      assertThat(setting(queue)).isEqualTo("off");
      // the queue pool reaches the same database
      assertThat(await(queue.query("SELECT count(*) AS n FROM tasks").execute()).iterator().next().getLong("n"))
          .isZero();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void longStatementsArePreparedOncePerConnection() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.embedded(dir.resolve("pg"))) {
      // longer than the client's default limit (2,048 characters), like the queue's completion batch
      String sql = "SELECT $1::int + 1 AS n -- " + "padding ".repeat(600);
      for (Pool pool : new Pool[] {db.pool(vertx, 1), db.queuePool(vertx, 1)}) {
        io.vertx.sqlclient.Row r = await(pool.withConnection(conn -> {
          Future<?> runs = Future.succeededFuture();
          for (int i = 0; i < 3; i++) {
            int k = i;
            runs = runs.compose(v -> conn.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(k)));
          }
          return runs.compose(v -> conn.query("SELECT count(*) AS statements, sum(generic_plans + custom_plans) AS runs,"
              + " sum(generic_plans) AS generic FROM pg_prepared_statements WHERE statement LIKE '%padding padding%'")
              .execute()).map(rs -> rs.iterator().next());
        }));
        assertThat(r.getLong("statements")).as("one named statement on the connection").isEqualTo(1);
        assertThat(r.getLong("runs")).as("three runs of it").isEqualTo(3);
        if (setting(pool).equals("off")) {
          assertThat(r.getLong("generic")).as("the queue pool plans once").isEqualTo(3);
        }
      }
    } finally {
      await(vertx.close());
    }
  }

  private static String setting(Pool pool) throws Exception {
    return await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
