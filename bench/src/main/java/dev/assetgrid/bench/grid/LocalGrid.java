package dev.assetgrid.bench.grid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.bench.client.GridClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A grid on this machine made of separate processes: a coordinator with {@code --workers 0}
 * (embedded PostgreSQL under the data dir unless a DB URL is given) and N node JVMs joined over
 * Hazelcast on 127.0.0.1 with a random cluster name. {@link #close()} stops the nodes, then the
 * coordinator (SIGTERM, then SIGKILL after a grace period); a JVM shutdown hook calls it on Ctrl-C.
 *
 * <p>With authentication on, the grid's API key is the admin key the coordinator writes to {@code
 * <data dir>/coordinator/admin.key} on its first start (read once it is ready), or the options' key
 * when it wrote none (a database that already had keys).
 */
public final class LocalGrid implements AutoCloseable {
  /**
   * @param nodeSlots task slots per node; 0 = the node's default (one per core)
   * @param jvmOptions extra JVM options for every spawned process (e.g. -Xmx1g)
   * @param maxUpload the coordinator's --max-upload
   * @param auth the coordinator's --auth: false = every request is the default tenant's admin
   * @param apiKey the key to use with auth on when the coordinator wrote no admin.key; may be null
   * @param rateLimit the coordinator's --rate-limit in requests/s per key (0 = none); null = its
   *     default
   */
  public record Options(
      Path coordinatorJar,
      Path nodeJar,
      Path dataDir,
      String dbUrl,
      int nodeSlots,
      List<String> jvmOptions,
      long maxUpload,
      Duration startTimeout,
      PrintStream log,
      boolean auth,
      String apiKey,
      Double rateLimit,
      List<String> coordinatorArgs,
      java.util.Map<String, String> coordinatorEnv) {

    public Options {
      coordinatorArgs = coordinatorArgs == null ? List.of() : List.copyOf(coordinatorArgs);
      coordinatorEnv =
          coordinatorEnv == null ? java.util.Map.of() : java.util.Map.copyOf(coordinatorEnv);
    }

    public Options(
        Path coordinatorJar,
        Path nodeJar,
        Path dataDir,
        String dbUrl,
        int nodeSlots,
        List<String> jvmOptions,
        long maxUpload,
        Duration startTimeout,
        PrintStream log,
        boolean auth,
        String apiKey,
        Double rateLimit) {
      this(
          coordinatorJar,
          nodeJar,
          dataDir,
          dbUrl,
          nodeSlots,
          jvmOptions,
          maxUpload,
          startTimeout,
          log,
          auth,
          apiKey,
          rateLimit,
          List.of(),
          java.util.Map.of());
    }

    /** Extra coordinator flags and environment (e.g. {@code --s3-bucket} and AWS keys). */
    public Options withCoordinator(List<String> args, java.util.Map<String, String> env) {
      return new Options(
          coordinatorJar,
          nodeJar,
          dataDir,
          dbUrl,
          nodeSlots,
          jvmOptions,
          maxUpload,
          startTimeout,
          log,
          auth,
          apiKey,
          rateLimit,
          args,
          env);
    }

    public Options withAuth(boolean on) {
      return new Options(
          coordinatorJar,
          nodeJar,
          dataDir,
          dbUrl,
          nodeSlots,
          jvmOptions,
          maxUpload,
          startTimeout,
          log,
          on,
          apiKey,
          rateLimit,
          coordinatorArgs,
          coordinatorEnv);
    }

    public Options withDataDir(Path dir) {
      return new Options(
          coordinatorJar,
          nodeJar,
          dir,
          dbUrl,
          nodeSlots,
          jvmOptions,
          maxUpload,
          startTimeout,
          log,
          auth,
          apiKey,
          rateLimit,
          coordinatorArgs,
          coordinatorEnv);
    }

    public Options withRateLimit(Double perSecond) {
      return new Options(
          coordinatorJar,
          nodeJar,
          dataDir,
          dbUrl,
          nodeSlots,
          jvmOptions,
          maxUpload,
          startTimeout,
          log,
          auth,
          apiKey,
          perSecond,
          coordinatorArgs,
          coordinatorEnv);
    }
  }

  /** Where the coordinator writes its first admin key, under its --data-dir. */
  static final String ADMIN_KEY_FILE = "admin.key";

  private final Options options;
  private final String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final int httpPort;
  private final int clusterPort;
  private volatile Process coordinator;
  private final List<String> coordinatorCmd;
  private int coordinatorStarts = 1;
  private final java.util.Set<Process> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<Process> nodes = new ArrayList<>();
  private final ProcessMemory memory = new ProcessMemory(250);
  private volatile GridClient client;
  private volatile String apiKey;
  private final Thread hook;
  private volatile boolean closed;

  private LocalGrid(Options options) throws IOException {
    this.options = options;
    Files.createDirectories(options.dataDir().resolve("logs"));
    this.httpPort = freePort();
    this.clusterPort = freePort();
    List<String> cmd = java(options.coordinatorJar());
    cmd.addAll(
        List.of(
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(httpPort),
            "--data-dir",
            options.dataDir().resolve("coordinator").toString(),
            "--workers",
            "0",
            "--cluster-name",
            clusterName,
            "--cluster-host",
            "127.0.0.1",
            "--cluster-port",
            Integer.toString(clusterPort),
            "--max-upload",
            Long.toString(options.maxUpload()),
            "--auth",
            options.auth() ? "on" : "off"));
    if (options.rateLimit() != null) {
      cmd.addAll(List.of("--rate-limit", Double.toString(options.rateLimit())));
    }
    if (options.dbUrl() != null) {
      cmd.addAll(List.of("--db-url", options.dbUrl()));
    }
    cmd.addAll(options.coordinatorArgs());
    this.hook = new Thread(this::close, "bench-grid-teardown");
    Runtime.getRuntime().addShutdownHook(hook);
    this.coordinatorCmd = List.copyOf(cmd);
    this.coordinator = start(cmd, "coordinator", options.coordinatorEnv());
    memory.track("coordinator", coordinator.toHandle(), false);
    // /ready needs no key; the keyed client replaces this one once the coordinator is ready
    this.client = new GridClient(url(), 4);
  }

  /** Starts the coordinator and waits until {@code /ready}. */
  public static LocalGrid start(Options options) throws IOException, InterruptedException {
    LocalGrid g = new LocalGrid(options);
    try {
      g.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      g.close();
      throw e;
    }
    return g;
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The key every {@code /v1} request to this grid needs; null with auth off. */
  public String apiKey() {
    return apiKey;
  }

  /** Whether the coordinator was started with {@code --auth on}. */
  public boolean auth() {
    return options.auth();
  }

  /** A client of this grid's API, with its key. */
  public GridClient client(int maxConnections) {
    return new GridClient(url(), apiKey, maxConnections);
  }

  public long coordinatorPid() {
    return coordinator.pid();
  }

  public ProcessMemory memory() {
    return memory;
  }

  public int nodeCount() {
    return nodes.size();
  }

  /** Starts {@code n} more nodes; with {@code await}, waits until /v1/nodes lists all of them. */
  public void addNodes(int n, boolean await) throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) {
      int k = nodes.size() + 1;
      List<String> cmd = java(options.nodeJar());
      cmd.addAll(
          List.of(
              "--join",
              "127.0.0.1:" + clusterPort,
              "--cluster-name",
              clusterName,
              "--cluster-secret-file",
              options.dataDir().resolve("coordinator").resolve("cluster.secret").toString(),
              "--bind",
              "127.0.0.1",
              "--work-dir",
              options.dataDir().resolve("node-" + k).toString()));
      if (options.nodeSlots() > 0) {
        cmd.addAll(List.of("--slots", Integer.toString(options.nodeSlots())));
      }
      Process p = start(cmd, "node-" + k);
      nodes.add(p);
      memory.track("node-" + k, p.toHandle(), false);
    }
    if (await) {
      awaitNodes(nodes.size());
    }
  }

  /** Waits until /v1/nodes lists at least {@code n} nodes. */
  public void awaitNodes(int n) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + options.startTimeout().toMillis();
    while (true) {
      checkAlive();
      try {
        JsonNode j = client.nodes();
        if (j != null && j.path("nodes").size() >= n) {
          return;
        }
      } catch (GridClient.ApiKeyRefused e) {
        throw e;
      } catch (IOException e) {
        // coordinator busy: retry
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(
            "only some of "
                + n
                + " nodes joined within "
                + options.startTimeout().toSeconds()
                + " s; see "
                + options.dataDir().resolve("logs"));
      }
      Thread.sleep(250);
    }
  }

  /** nodeId → slots, as /v1/nodes reports them now. */
  public static Map<String, Integer> slots(GridClient c) {
    Map<String, Integer> out = new TreeMap<>();
    try {
      JsonNode j = c.nodes();
      if (j != null) {
        for (JsonNode n : j.path("nodes")) {
          out.put(n.path("nodeId").asText(), n.path("slots").asInt(1));
        }
      }
    } catch (IOException e) {
      // leave empty
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + options.startTimeout().toMillis();
    while (!client.ready()) {
      checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(
            "coordinator not ready within "
                + options.startTimeout().toSeconds()
                + " s; see "
                + options.dataDir().resolve("logs/coordinator.log"));
      }
      Thread.sleep(200);
    }
    apiKey = options.auth() ? readApiKey() : null;
    client = new GridClient(url(), apiKey, 4);
    trackDatabase();
  }

  /**
   * The admin key the coordinator wrote on its first start (before it was ready, so it is there now
   * if it was written at all), else the options' key: a database that already had keys (an external
   * one) gets no new admin key. A key of the environment meant for another grid never shadows this
   * grid's own.
   */
  private String readApiKey() throws IOException {
    Path file = options.dataDir().resolve("coordinator").resolve(ADMIN_KEY_FILE);
    if (Files.isRegularFile(file)) {
      String key = Files.readString(file).trim();
      if (key.isEmpty()) {
        throw new IOException(file + " is empty");
      }
      return key;
    }
    if (options.apiKey() != null && !options.apiKey().isBlank()) {
      return options.apiKey().trim();
    }
    throw new IOException(
        "the coordinator wrote no "
            + file
            + " (its database already had keys"
            + (options.dbUrl() != null ? ": the --db-url database is not new" : "")
            + "): pass --api-key or ASSETGRID_API_KEY, or --auth off");
  }

  /**
   * The embedded PostgreSQL is started through pg_ctl, so its server is not a child of the
   * coordinator: find the postmaster by the pid file in its data directory and count it with its
   * backends. An external database (--db-url) is not measured.
   */
  private void trackDatabase() {
    if (options.dbUrl() != null) {
      return;
    }
    Path pidFile = options.dataDir().resolve("coordinator").resolve("pg").resolve("postmaster.pid");
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                memory.track("database", h, false);
                memory.track("database backends", h, true);
              });
    } catch (IOException | RuntimeException e) {
      // no figures for the database then
    }
  }

  // ------------------------------------------------------------------ faults (the chaos workload)

  /** Kills the coordinator's JVM hard (SIGKILL): no hook runs, its embedded PostgreSQL lives on. */
  public synchronized void killCoordinator() throws InterruptedException {
    killed.add(coordinator);
    coordinator.destroyForcibly().waitFor();
  }

  /**
   * Starts the coordinator again with the same flags on the same data folder (its log: {@code
   * coordinator-N.log}) and waits until it is ready.
   */
  public void restartCoordinator() throws IOException, InterruptedException {
    synchronized (this) {
      coordinatorStarts++;
      coordinator =
          start(coordinatorCmd, "coordinator-" + coordinatorStarts, options.coordinatorEnv());
      client = new GridClient(url(), 4);
    }
    awaitReady();
  }

  /** Kills node {@code i} (0-based, in start order) hard; it is not restarted. */
  public void killNode(int i) throws InterruptedException {
    Process p = nodes.get(i);
    killed.add(p);
    p.destroyForcibly().waitFor();
  }

  /**
   * Kills the embedded PostgreSQL's postmaster hard (its coordinator supervises it and starts it
   * again); the pid it had, or -1 when there is none (an external database).
   */
  public long killDatabase() throws IOException {
    Path pidFile = options.dataDir().resolve("coordinator").resolve("pg").resolve("postmaster.pid");
    if (options.dbUrl() != null || !Files.isRegularFile(pidFile)) {
      return -1;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    return pid;
  }

  /** Why the grid is unusable (a process exited on its own), or null while all are running. */
  public String failure() {
    if (closed) {
      return null;
    }
    try {
      checkAlive();
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private void checkAlive() throws IOException {
    if (!coordinator.isAlive() && !killed.contains(coordinator)) {
      throw new IOException(
          "coordinator exited with " + coordinator.exitValue() + ": " + tail("coordinator"));
    }
    for (int i = 0; i < nodes.size(); i++) {
      if (!nodes.get(i).isAlive() && !killed.contains(nodes.get(i))) {
        throw new IOException(
            "node-"
                + (i + 1)
                + " exited with "
                + nodes.get(i).exitValue()
                + ": "
                + tail("node-" + (i + 1)));
      }
    }
  }

  private String tail(String name) {
    try {
      List<String> lines = Files.readAllLines(options.dataDir().resolve("logs/" + name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private List<String> java(Path jar) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options.jvmOptions());
    cmd.add("-Dhazelcast.phone.home.enabled=false");
    cmd.addAll(List.of("-jar", jar.toString()));
    return cmd;
  }

  private Process start(List<String> cmd, String name) throws IOException {
    return start(cmd, name, java.util.Map.of());
  }

  private Process start(List<String> cmd, String name, java.util.Map<String, String> env)
      throws IOException {
    Path log = options.dataDir().resolve("logs/" + name + ".log");
    if (options.log() != null) {
      options.log().println("  starting " + name + " (log: " + log + ")");
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Stops nodes (they drain), then the coordinator; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    memory.close();
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      stop(p, 20);
    }
    List<ProcessHandle> children = coordinator.descendants().toList();
    coordinator.destroy();
    stop(coordinator, 30);
    // the embedded PostgreSQL normally stops with the coordinator; a killed coordinator leaves it
    // behind
    for (ProcessHandle h : children) {
      if (h.isAlive()) {
        h.destroy();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: we are the hook
    }
  }

  private static void stop(Process p, int seconds) {
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
