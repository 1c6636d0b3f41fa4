package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real grid for tests: a coordinator (real HTTP on a free port, real PostgreSQL, real Hazelcast
 * on 127.0.0.1 under a random cluster name) plus clustered nodes in this JVM or in child JVMs.
 */
public final class TestGrid implements AutoCloseable {
  public static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

  public final Coordinator coordinator;
  public final String clusterName;

  /** HTTP/1.1; with TLS on, trusting the coordinator's certificate (and nothing else). */
  public final HttpClient http;

  private final List<Node> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private TestGrid(Coordinator coordinator, String clusterName) {
    this.coordinator = coordinator;
    this.clusterName = clusterName;
    this.http = TestTls.client(HttpClient.Version.HTTP_1_1, coordinator.config().tls());
  }

  /**
   * Test defaults: short leases and retry delays, no in-process workers, external test database.
   */
  public static CoordinatorConfig config(Path dataDir, String dbUrl) {
    String cluster = "test-" + UUID.randomUUID();
    return CoordinatorConfig.defaults()
        .withHttpPort(0)
        .withDataDir(dataDir)
        .withDbUrl(dbUrl)
        .withWorkers(0)
        .withLease(Duration.ofSeconds(3))
        .withRetry(3, Duration.ofMillis(100), Duration.ofMillis(400))
        .withCluster(ClusterOptions.loopback(cluster, false, List.of()));
  }

  public static TestGrid start(CoordinatorConfig config) throws Exception {
    return new TestGrid(Coordinator.start(config), config.cluster().clusterName());
  }

  public static TestGrid start(Path dataDir) throws Exception {
    return start(config(dataDir, TestPostgres.newDatabase()));
  }

  /** A node in this JVM (its own clustered Vert.x, a Hazelcast lite member). */
  public Node startNode(int slots) throws Exception {
    return startNode(
        new WorkerOptions(slots, Files.createTempDirectory("ag-node"), 5_000, 5_000, 500));
  }

  /**
   * A node in this JVM with the given worker options (to watch its work directory, shorten its
   * drain...).
   */
  public Node startNode(WorkerOptions options) throws Exception {
    Node n = await(Node.start(nodeCluster(), options));
    nodes.add(n);
    return n;
  }

  /** How a node in this JVM joins this grid's cluster (as a Hazelcast lite member). */
  public ClusterOptions nodeCluster() {
    return ClusterOptions.loopback(clusterName, true, List.of(coordinator.clusterAddress()))
        .withSecret(coordinator.config().cluster().secret())
        .withTls(coordinator.config().cluster().tls());
  }

  /** A node in a child JVM, so it can be killed hard. */
  /**
   * The command that starts {@code main} in a child JVM like this one: this JVM's java, the module
   * flags Hazelcast wants (as this JVM got them), a heap of {@code xmx} and this classpath;
   * mutable, for the caller's arguments.
   */
  public static List<String> javaCommand(String main, String xmx) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    cmd.addAll(List.of("-Xmx" + xmx, "-cp", System.getProperty("java.class.path"), main));
    return cmd;
  }

  /** The {@code --add-*} module flags this JVM was started with (the ones Hazelcast wants). */
  public static List<String> jvmFlags() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-"))
        .toList();
  }

  public Process spawnNode(int slots) throws Exception {
    List<String> cmd = javaCommand("dev.assetgrid.node.NodeMain", "256m");
    cmd.addAll(
        List.of(
            "--join",
            coordinator.clusterAddress(),
            "--cluster-name",
            clusterName,
            "--cluster-secret",
            coordinator.config().cluster().secret().text(),
            "--slots",
            String.valueOf(slots),
            "--bind",
            "127.0.0.1",
            "--drain-timeout",
            "1"));
    // the same encryption in transit as the coordinator, by the node's own flags
    if (coordinator.config().tls().enabled()) {
      cmd.addAll(List.of("--tls-trust", coordinator.config().tls().cert().toString()));
    }
    var bus = coordinator.config().cluster().tls();
    if (bus != null) {
      cmd.addAll(
          List.of(
              "--cluster-tls-cert",
              bus.cert().toString(),
              "--cluster-tls-key",
              bus.key().toString(),
              "--cluster-tls-trust",
              bus.trust().toString()));
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(Files.createTempFile("ag-node", ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public void stopNode(Node n) throws Exception {
    beginStop(n).get();
  }

  /** Starts stopping a node (drain, then leave the cluster) without waiting for it. */
  public java.util.concurrent.CompletableFuture<Void> beginStop(Node n) {
    nodes.remove(n);
    return n.stop();
  }

  // ------------------------------------------------------------------ blocking waits

  /** How long {@link #await} waits for a future before the test fails. */
  public static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Waits for a Vert.x future on the calling thread, at most {@link #AWAIT_TIMEOUT}, and returns
   * its result or throws its failure. The one blocking wait of the grid-level tests (ApiTest,
   * BulkJobsTest, NodeFailureTest, CoordinatorRestartTest, GridCorpusTest, WorkerShellTest...):
   * they run on the JUnit thread, never on an event loop, and drive real processes (a coordinator,
   * clustered nodes, child JVMs) over the blocking JDK HttpClient, so blocking for a look into the
   * coordinator's database or for a node to start is in keeping with the rest of them. Tests of the
   * asynchronous parts themselves chain their futures with vertx-junit5 instead (SchedulerTest,
   * DatabaseTest, the duty tests).
   */
  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(AWAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** One statement on {@code pool}, its rows; blocks (see {@link #await}). */
  public static RowSet<Row> sql(Pool pool, String query, Tuple args) throws Exception {
    return await(pool.preparedQuery(query).execute(args));
  }

  /** One statement on this grid's coordinator database, its rows; blocks (see {@link #await}). */
  public RowSet<Row> sql(String query, Tuple args) throws Exception {
    return sql(coordinator.pool(), query, args);
  }

  // ------------------------------------------------------------------ HTTP helpers

  public String url(String path) {
    return coordinator.baseUrl() + path;
  }

  /** The bootstrap admin key of the coordinator (from {@code DATA_DIR/admin.key}). */
  public String adminKey() {
    if (adminKey == null) {
      adminKey = adminKey(coordinator);
    }
    return adminKey;
  }

  private String adminKey;

  /** The bootstrap admin key a coordinator wrote into its data folder. */
  public static String adminKey(Coordinator c) {
    try {
      return Files.readString(c.config().dataDir().resolve("admin.key")).trim();
    } catch (java.io.IOException e) {
      throw new AssertionError("no admin.key in " + c.config().dataDir(), e);
    }
  }

  /** A request to {@code path} carrying the admin key. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url(path)))
        .header("Authorization", "Bearer " + adminKey());
  }

  public HttpResponse<String> get(String path) throws Exception {
    return checked(
        http.send(
            request(path).timeout(Duration.ofSeconds(60)).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * Sends a request and checks the answer against {@code openapi.yaml} ({@link #checked}); for the
   * requests the helpers here do not make.
   */
  public HttpResponse<String> send(HttpRequest request) throws Exception {
    return checked(http.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * The answer, after checking it against the API's document ({@link OpenApiContract#check}): its
   * status must be documented for the route, and a JSON body must match the route's schema for that
   * status (a problem, the {@code Problem} schema). A mismatch fails the calling test, naming the
   * route, the status and the validator's messages. Every helper of this class that sends a request
   * goes through here.
   */
  public static HttpResponse<String> checked(HttpResponse<String> r) {
    OpenApiContract.get().check(r);
    return r;
  }

  public HttpResponse<String> post(String path, String json) throws Exception {
    return send(
        request(path)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** Raw-body upload of a file; {@code query} e.g. {@code pipeline=noop}. */
  public HttpResponse<String> upload(Path file, String query) throws Exception {
    String q =
        "filename="
            + java.net.URLEncoder.encode(
                file.getFileName().toString(), java.nio.charset.StandardCharsets.UTF_8)
            + (query == null ? "" : "&" + query);
    return send(
        request("/v1/assets?" + q)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofFile(file))
            .build());
  }

  public HttpResponse<String> uploadBytes(byte[] bytes, String filename, String query)
      throws Exception {
    return send(
        request("/v1/assets?filename=" + filename + (query == null ? "" : "&" + query))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build());
  }

  /** Uploads and returns the job id (asserting 202). */
  public String submit(Path file, String query) throws Exception {
    HttpResponse<String> r = upload(file, query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getJsonObject("job").getString("id");
  }

  public JsonObject job(String id) throws Exception {
    HttpResponse<String> r = get("/v1/jobs/" + id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Polls until the job is terminal; fails the test after {@code timeout}. */
  public JsonObject awaitJob(String id, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    JsonObject j = job(id);
    while (!TERMINAL.contains(j.getString("state"))) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "job " + id + " not finished after " + timeout + ": " + j.encodePrettily());
      }
      Thread.sleep(50);
      j = job(id);
    }
    return j;
  }

  /** Polls until {@code check} holds for the job, returning it. */
  public JsonObject awaitJobWhere(
      String id, java.util.function.Predicate<JsonObject> check, Duration timeout)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    JsonObject j = job(id);
    while (!check.test(j)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met after " + timeout + ": " + j.encodePrettily());
      }
      Thread.sleep(20);
      j = job(id);
    }
    return j;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Node n : nodes) {
      try {
        n.stop().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort
      }
    }
    coordinator.close();
  }
}
