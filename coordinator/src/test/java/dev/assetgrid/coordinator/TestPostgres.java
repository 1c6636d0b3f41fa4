package dev.assetgrid.coordinator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM; every caller gets a fresh database in it, so test
 * classes never see each other's rows and pay the server start only once.
 */
public final class TestPostgres {
  private static EmbeddedPostgres pg;
  private static final AtomicInteger SEQ = new AtomicInteger();

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() throws Exception {
    if (pg == null) {
      pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (Exception ignored) {
                      // JVM is ending
                    }
                  }));
    }
    return pg;
  }

  /** A new, empty database; returns its {@code postgresql://} URL. */
  public static String newDatabase() throws Exception {
    EmbeddedPostgres s = server();
    String name = "t" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    try (Connection c = s.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + s.getPort() + "/" + name;
  }
}
