package dev.assetgrid.coordinator.store;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the coordinator uses: an external server ({@code --db-url}) or an embedded real
 * PostgreSQL 17 (zonky) whose data directory survives restarts. Migrations run with Flyway (JDBC)
 * before the reactive pool is built. All methods here block; call them off the event loop.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private volatile EmbeddedPostgres embedded;
  private final PgConnectOptions connect;
  private final String jdbcUrl;

  /** The embedded server's folder; null for an external one. */
  private final Path dataDir;

  private java.util.concurrent.ScheduledExecutorService supervisor;
  private volatile ProcessHandle watched;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicInteger restarts =
      new java.util.concurrent.atomic.AtomicInteger();

  private Database(EmbeddedPostgres embedded, PgConnectOptions connect, Path dataDir) {
    this.embedded = embedded;
    this.connect = connect;
    this.dataDir = dataDir;
    this.jdbcUrl =
        "jdbc:postgresql://"
            + connect.getHost()
            + ":"
            + connect.getPort()
            + "/"
            + connect.getDatabase();
  }

  /**
   * Starts the embedded server with its data in {@code dataDir} (created when missing, kept on
   * close) and supervises it: a server left running by a coordinator that was killed (its {@code
   * postmaster.pid} names a live PostgreSQL on this folder) is stopped first, and a server that
   * dies under this coordinator is started again on the same port, so the pools reconnect.
   */
  public static Database embedded(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      stopLeftover(dataDir, Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      EmbeddedPostgres pg = startEmbedded(dataDir, 0);
      LOG.info(
          "embedded PostgreSQL on port {} (data {}) started in {} ms",
          pg.getPort(),
          dataDir,
          (System.nanoTime() - t0) / 1_000_000);
      Database db = new Database(pg, embeddedOptions("127.0.0.1", pg.getPort()), dataDir);
      db.supervise();
      db.exitHook = new Thread(db::closeAtExit, "assetgrid-pg-stop");
      Runtime.getRuntime().addShutdownHook(db.exitHook);
      return db;
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.STORE_UNAVAILABLE, "embedded PostgreSQL failed to start: " + e.getMessage(), e);
    }
  }

  /** Starts the server on {@code dataDir}; {@code port} 0 = a free one. */
  private static EmbeddedPostgres startEmbedded(Path dataDir, int port) throws IOException {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "200")
            // zonky turns synchronous commit off; an accepted upload must survive a power cut, so
            // the server keeps PostgreSQL's default and only the queue's own connections opt out
            // (see queuePool)
            .setServerConfig("synchronous_commit", "on")
            // the queue tables churn: look for autovacuum work every 10 s instead of every minute
            .setServerConfig("autovacuum_naptime", "10s")
            // crash recovery after a kill replays the WAL; give it time before zonky gives up
            .setPGStartupWait(Duration.ofSeconds(60))
            // zonky's hook would stop the server while the coordinator's own hook still drains
            // its workers against it (JVM hooks run at once): ours waits for the owner's close
            .setRegisterShutdownHook(false);
    if (port > 0) {
      b.setPort(port);
    }
    return b.start();
  }

  /**
   * The postmaster that runs on {@code dataDir} by its {@code postmaster.pid} (its first two lines:
   * process id and data folder), if that process is alive and is PostgreSQL's.
   */
  static Optional<ProcessHandle> postmaster(Path dataDir) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
      if (!Files.isSameFile(Path.of(lines.get(1).trim()), dataDir)) {
        return Optional.empty(); // the folder was copied from another one with its pid file
      }
    } catch (NumberFormatException | IOException | java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info()
                    .command()
                    .map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                    // a process we may not inspect: PostgreSQL's own check refuses to start then
                    .orElse(true));
  }

  /**
   * Stops a PostgreSQL that an earlier coordinator started on {@code dataDir} and left behind when
   * it was killed (the postmaster outlives the JVM: zonky stops it from a shutdown hook, which a
   * kill -9 skips). Its clients died with that JVM, so a smart shutdown (SIGTERM) ends it at once;
   * if it does not, a fast one (SIGINT), then an immediate one (SIGQUIT, crash recovery at the next
   * start). Nothing to do when no server runs there.
   */
  static void stopLeftover(Path dataDir, Duration timeout) throws IOException {
    Optional<ProcessHandle> left = postmaster(dataDir);
    if (left.isEmpty()) {
      return;
    }
    ProcessHandle pm = left.get();
    LOG.warn(
        "a PostgreSQL left running on {} (pid {}) by a coordinator that did not stop: stopping it",
        dataDir,
        pm.pid());
    long end = System.nanoTime() + timeout.toNanos();
    String[] signals = {"TERM", "INT", "QUIT", "KILL"};
    for (int i = 0; i < signals.length && pm.isAlive(); i++) {
      signal(pm.pid(), signals[i]);
      long step = System.nanoTime() + timeout.toNanos() / signals.length;
      while (pm.isAlive() && System.nanoTime() < Math.min(step, end)) {
        sleep(50);
      }
    }
    if (pm.isAlive()) {
      throw AssetGridException.of(
          ErrorCode.STORE_UNAVAILABLE,
          "the PostgreSQL left running on " + dataDir + " (pid " + pm.pid() + ") did not stop");
    }
  }

  private static void signal(long pid, String signal) throws IOException {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How often the supervisor looks at the embedded postmaster. */
  static final long SUPERVISE_EVERY_MS = 500;

  /**
   * Watches the embedded postmaster; when it is gone (killed, crashed, out of memory) starts it
   * again on the same data folder and port. The pools' broken connections fail their statements
   * (the queue retries, HTTP answers {@code STORE_UNAVAILABLE}) and new ones reach the new server.
   */
  private void supervise() {
    supervisor =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "assetgrid-pg-supervisor");
              t.setDaemon(true);
              return t;
            });
    watched = postmaster(dataDir).orElse(null);
    supervisor.scheduleWithFixedDelay(
        this::check,
        SUPERVISE_EVERY_MS,
        SUPERVISE_EVERY_MS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void check() {
    if (closed || (watched != null && watched.isAlive())) {
      return;
    }
    int port = connect.getPort();
    LOG.warn("embedded PostgreSQL (port {}) is gone: starting it again", port);
    long t0 = System.nanoTime();
    try {
      EmbeddedPostgres old = embedded;
      try {
        old.close(); // its pg_ctl stop finds nothing to stop; zonky releases its folder lock
      } catch (IOException | RuntimeException ignored) {
        // already dead
      }
      // backends of the killed server may still hold its shared memory for a moment
      stopLeftover(dataDir, Duration.ofSeconds(10));
      EmbeddedPostgres pg = startEmbedded(dataDir, port);
      synchronized (this) {
        if (closed) {
          pg.close();
          return;
        }
        embedded = pg;
      }
      watched = postmaster(dataDir).orElse(null);
      restarts.incrementAndGet();
      LOG.info(
          "embedded PostgreSQL started again on port {} in {} ms",
          port,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      // the next check tries again
      LOG.warn("embedded PostgreSQL did not start again: {}", e.getMessage());
    }
  }

  /** How long the exit waits for an owner's {@link #close} before it stops the server itself. */
  static final Duration OWNER_CLOSE_WAIT = Duration.ofMinutes(2);

  private volatile boolean owned;
  private Thread exitHook;
  private final java.util.concurrent.CountDownLatch closedLatch =
      new java.util.concurrent.CountDownLatch(1);

  /**
   * Says that the caller closes this database when the JVM exits (from its own shutdown hook, after
   * its work is drained): the server then stays up until that close, up to {@link
   * #OWNER_CLOSE_WAIT}.
   */
  public Database closedByOwnerAtExit() {
    owned = true;
    return this;
  }

  private void closeAtExit() {
    if (owned) {
      try {
        closedLatch.await(OWNER_CLOSE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  /** How many times the supervisor started the embedded server again. */
  public int restarts() {
    return restarts.get();
  }

  /** The process id of the embedded postmaster, or -1 (external server, or none running). */
  public long postmasterPid() {
    return dataDir == null ? -1 : postmaster(dataDir).map(ProcessHandle::pid).orElse(-1L);
  }

  /**
   * The embedded server a running coordinator started on {@code dataDir} (the folder holding {@code
   * PG_VERSION}), found by its {@code postmaster.pid}: the server's process id, data folder, start
   * time, port, socket folder and listen address, one per line. Empty when no server runs there (no
   * file, or its process is gone). Closing the result leaves that server running.
   */
  public static Optional<Database> running(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw AssetGridException.of(
          ErrorCode.STORE_UNAVAILABLE, "cannot read " + pidFile + ": " + e.getMessage());
    }
    if (lines.size() < 4) {
      return Optional.empty(); // a server still writing its file, or not PostgreSQL's
    }
    long pid;
    int port;
    try {
      pid = Long.parseLong(lines.get(0).trim());
      port = Integer.parseInt(lines.get(3).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return Optional.empty(); // stale: the server died without removing it
    }
    String listen = lines.size() > 5 ? lines.get(5).trim().split(",")[0].trim() : "";
    String host = listen.isEmpty() || listen.equals("*") ? "127.0.0.1" : listen;
    return Optional.of(new Database(null, embeddedOptions(host, port), null));
  }

  private static PgConnectOptions embeddedOptions(String host, int port) {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase("postgres")
        .setUser("postgres")
        .setPassword("postgres");
  }

  /** An external server, e.g. {@code postgresql://user:secret@db:5432/assetgrid}. */
  public static Database external(String url) {
    PgConnectOptions o = PgConnectOptions.fromUri(url.startsWith("jdbc:") ? url.substring(5) : url);
    return new Database(null, o, null);
  }

  /** Applies pending migrations. */
  public void migrate() {
    Flyway.configure()
        .dataSource(jdbcUrl, connect.getUser(), connect.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** Drops and recreates the schema (tests). */
  public void reset() {
    Flyway f =
        Flyway.configure()
            .cleanDisabled(false)
            .dataSource(jdbcUrl, connect.getUser(), connect.getPassword())
            .locations("classpath:db/migration")
            .load();
    f.clean();
    f.migrate();
  }

  public Pool pool(Vertx vertx, int maxSize) {
    return build(
        vertx,
        "main",
        maxSize,
        new PgConnectOptions(connect).setPipeliningLimit(256).setCachePreparedStatements(true));
  }

  /**
   * Both pools prepare every statement once per connection, however long its text: the client's
   * default leaves statements over 2,048 characters unprepared, and the queue's completion
   * statement (4,300 characters) would be parsed and planned again on every batch.
   */
  static final int PREPARED_SQL_LIMIT = 64 * 1024;

  /**
   * @param name the pool's name in the metrics ({@code pool_name}): {@code main} or {@code queue}
   */
  private static Pool build(Vertx vertx, String name, int maxSize, PgConnectOptions options) {
    options.setPreparedStatementCacheSqlLimit(PREPARED_SQL_LIMIT);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setName(name))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * A pool for the task queue's own writes (lease, heartbeat, completion, requeue), whose commits
   * do not wait for the WAL flush ({@code synchronous_commit=off} set per connection).
   *
   * <p>Design note. The queue is at-least-once already, so a queue commit lost in a database crash
   * (at most a few hundred milliseconds of them) is recovered like any lost lease: a lost lease
   * makes its holder's completion fenced off, a lost completion leaves an expiring lease and the
   * task runs again. Acceptances that a client was told about (uploads, jobs) stay on the durable
   * pool. On a disk where a flush costs milliseconds this is what keeps lease-to-complete latency
   * below the flush time.
   */
  public Pool queuePool(Vertx vertx, int maxSize) {
    // no pipelining: a lease must not queue behind a completion batch on a shared connection
    PgConnectOptions o =
        new PgConnectOptions(connect).setPipeliningLimit(1).setCachePreparedStatements(true);
    o.addProperty("synchronous_commit", "off");
    // the queue runs a handful of fixed statements thousands of times a second: plan them once per
    // connection (a custom plan of the completion statement costs more than running it); they are
    // written so their generic plans use indexes whatever the statistics say (SchedulerTest checks)
    o.addProperty("plan_cache_mode", "force_generic_plan");
    o.addProperty("application_name", "assetgrid-queue");
    return build(vertx, "queue", maxSize, o);
  }

  public PgConnectOptions connectOptions() {
    return connect;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public URI describe() {
    return URI.create(
        "postgresql://"
            + connect.getHost()
            + ":"
            + connect.getPort()
            + "/"
            + connect.getDatabase());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (exitHook != null && Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException exiting) {
        // the JVM is exiting: the hook runs, finds this closed and returns
      }
    }
    if (supervisor != null) {
      supervisor.shutdownNow();
      try {
        supervisor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly", e);
      }
    }
    closedLatch.countDown();
  }
}
