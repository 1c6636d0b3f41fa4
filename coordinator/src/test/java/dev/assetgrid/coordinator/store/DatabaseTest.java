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

  private static String setting(Pool pool) throws Exception {
    return await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
