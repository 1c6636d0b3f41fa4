package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterSecret;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator killed hard (kill -9 of its JVM, its embedded PostgreSQL left running as an orphan)
 * and started again on the same data folder: it starts in one try, and the node that stayed up
 * leases again within seconds without anyone touching it.
 */
@Timeout(300)
class CoordinatorCrashTest {
  @TempDir Path dir;
  Process coordinator;
  Node node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.stop().get(30, TimeUnit.SECONDS);
    }
    if (coordinator != null) {
      coordinator.destroy();
      coordinator.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNodeLeasesAgainAfterTheCoordinatorIsKilledAndRestarted() throws Exception {
    int httpPort = freePort();
    int hzPort = freePort();
    String cluster = "crash-" + UUID.randomUUID();
    Path data = dir.resolve("data");
    List<String> cmd =
        coordinatorCommand(
            httpPort,
            data,
            "--workers",
            "0",
            "--lease-seconds",
            "5",
            "--cluster-name",
            cluster,
            "--cluster-port",
            String.valueOf(hzPort));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newHttpClient();
    coordinator = start(cmd, dir.resolve("first.log"));
    awaitReady(http, base, coordinator, dir.resolve("first.log"), Duration.ofSeconds(120));
    String key = Files.readString(data.resolve("admin.key")).trim();
    node = startNode(cluster, hzPort, data, 2);
    assertThat(state(http, base, key, submit(http, base, key), Duration.ofSeconds(60)))
        .isEqualTo("succeeded");

    coordinator.destroyForcibly().waitFor();
    Thread.sleep(3_000); // the node notices it is alone
    Path second = dir.resolve("second.log");
    coordinator = start(cmd, second);
    long t0 = System.nanoTime();
    awaitReady(http, base, coordinator, second, Duration.ofSeconds(60));
    long readyMs = (System.nanoTime() - t0) / 1_000_000;
    String job = submit(http, base, key);
    assertThat(state(http, base, key, job, Duration.ofSeconds(30)))
        .as("the node leased again; coordinator log: %s", tail(second))
        .isEqualTo("succeeded");
    System.out.printf(
        "coordinator ready %d ms after its restart; a job done %d ms after it%n",
        readyMs, (System.nanoTime() - t0) / 1_000_000 - readyMs);
  }

  /**
   * A node cut off from every coordinator (here: the coordinator's JVM stopped with SIGSTOP, so
   * nothing answers and nothing says goodbye) stops the attempt whose lease lapsed and frees its
   * slot, by its own clock, without waiting for a coordinator to tell it.
   */
  @Test
  void aCutOffNodeStopsTheWorkWhoseLeaseLapsed() throws Exception {
    int httpPort = freePort();
    int hzPort = freePort();
    String cluster = "cut-" + UUID.randomUUID();
    Path data = dir.resolve("data");
    List<String> cmd =
        coordinatorCommand(
            httpPort,
            data,
            "--db-url",
            TestPostgres.newDatabase(),
            "--workers",
            "0",
            "--lease-seconds",
            "3",
            "--cluster-name",
            cluster,
            "--cluster-port",
            String.valueOf(hzPort));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newHttpClient();
    Path log = dir.resolve("coordinator.log");
    coordinator = start(cmd, log);
    awaitReady(http, base, coordinator, log, Duration.ofSeconds(120));
    String key = Files.readString(data.resolve("admin.key")).trim();
    node = startNode(cluster, hzPort, data, 1);
    submit(http, base, key, "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":120000}}]}");
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (node.worker().runningCount() == 0 && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(node.worker().runningCount()).as("the node runs the task").isEqualTo(1);
    Thread.sleep(2_000); // a heartbeat or two went through: the lease was extended
    signal(coordinator, "STOP");
    long cut = System.nanoTime();
    try {
      while (node.worker().runningCount() > 0
          && System.nanoTime() - cut < Duration.ofSeconds(20).toNanos()) {
        Thread.sleep(50);
      }
      long freedMs = (System.nanoTime() - cut) / 1_000_000;
      assertThat(node.worker().runningCount()).as("the slot is free").isZero();
      // the lease (3 s) was last extended at most a heartbeat period (0.9 s) before the cut
      assertThat(freedMs).isBetween(1_500L, 10_000L);
      System.out.printf("a cut-off node freed the slot %d ms after the cut%n", freedMs);
    } finally {
      signal(coordinator, "CONT");
    }
  }

  /**
   * A node started before its coordinator says so in a line per try (no stack trace, no exit) and
   * joins once the coordinator is up.
   */
  @Test
  void aNodeStartedBeforeItsCoordinatorWaitsForIt() throws Exception {
    int httpPort = freePort();
    int hzPort = freePort();
    String cluster = "early-" + UUID.randomUUID();
    String secret = ClusterSecret.generate().text();
    List<String> nodeCmd = TestGrid.javaCommand("dev.assetgrid.node.NodeMain", "256m");
    nodeCmd.addAll(
        List.of(
            "--join",
            "127.0.0.1:" + hzPort,
            "--cluster-name",
            cluster,
            "--cluster-secret",
            secret,
            "--slots",
            "1",
            "--bind",
            "127.0.0.1",
            "--drain-timeout",
            "1"));
    Path nodeLog = dir.resolve("node.log");
    Process early = start(nodeCmd, nodeLog);
    try {
      String expected = "no coordinator of cluster '" + cluster + "' found";
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.readString(nodeLog).contains(expected) && System.nanoTime() < until) {
        assertThat(early.isAlive()).as("waits: %s", tail(nodeLog)).isTrue();
        Thread.sleep(200);
      }
      Thread.sleep(1_500); // a retry or two
      assertThat(early.isAlive()).as("waits: %s", tail(nodeLog)).isTrue();
      String waiting = Files.readString(nodeLog);
      assertThat(waiting).contains(expected);
      assertThat(waiting).doesNotContain("\tat ").doesNotContain("Exception");

      Path data = dir.resolve("data");
      List<String> cmd =
          coordinatorCommand(
              httpPort,
              data,
              "--db-url",
              TestPostgres.newDatabase(),
              "--workers",
              "0",
              "--cluster-name",
              cluster,
              "--cluster-secret",
              secret,
              "--cluster-port",
              String.valueOf(hzPort));
      String base = "http://127.0.0.1:" + httpPort;
      HttpClient http = HttpClient.newHttpClient();
      Path log = dir.resolve("coordinator.log");
      coordinator = start(cmd, log);
      awaitReady(http, base, coordinator, log, Duration.ofSeconds(120));
      String key = Files.readString(data.resolve("admin.key")).trim();
      assertThat(state(http, base, key, submit(http, base, key), Duration.ofSeconds(60)))
          .as("the early node joined: %s", tail(nodeLog))
          .isEqualTo("succeeded");
    } finally {
      early.destroy();
      early.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Ctrl-C (SIGTERM) on a coordinator with in-process workers and the embedded PostgreSQL: the
   * running task finishes and is recorded before the database stops (no "Connection refused"), the
   * process ends promptly, and no PostgreSQL is left behind.
   */
  @Test
  void sigtermDrainsTheInProcessWorkersBeforeTheDatabaseStops() throws Exception {
    int httpPort = freePort();
    Path data = dir.resolve("data");
    List<String> cmd =
        coordinatorCommand(
            httpPort,
            data,
            "--workers",
            "1",
            "--cluster-name",
            "term-" + UUID.randomUUID(),
            "--cluster-port",
            String.valueOf(freePort()));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newHttpClient();
    Path log = dir.resolve("coordinator.log");
    coordinator = start(cmd, log);
    awaitReady(http, base, coordinator, log, Duration.ofSeconds(120));
    String key = Files.readString(data.resolve("admin.key")).trim();
    String job =
        submit(http, base, key, "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":3000}}]}");
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String task = "";
    while (!task.equals("leased") && System.nanoTime() < end) {
      Thread.sleep(50);
      JsonObject j =
          new JsonObject(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + job))
                          .header("Authorization", "Bearer " + key)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      task = j.getJsonArray("tasks").getJsonObject(0).getString("state");
    }
    assertThat(task).as("the in-process worker runs the task").isEqualTo("leased");
    long t0 = System.nanoTime();
    coordinator.destroy();
    assertThat(coordinator.waitFor(60, TimeUnit.SECONDS)).as(tail(log)).isTrue();
    long stopMs = (System.nanoTime() - t0) / 1_000_000;
    String text = Files.readString(log);
    assertThat(text).as(tail(log)).doesNotContain("Connection refused");
    assertThat(Database_postmasterLeft(data.resolve("pg"))).as("no PostgreSQL left").isFalse();
    System.out.printf("SIGTERM to exit: %d ms%n", stopMs);
    // the task had about 3 s to go: the stop waited for it, and not much longer
    assertThat(stopMs).isBetween(1_500L, 20_000L);

    coordinator = start(cmd, dir.resolve("again.log"));
    awaitReady(http, base, coordinator, dir.resolve("again.log"), Duration.ofSeconds(120));
    assertThat(state(http, base, key, job, Duration.ofSeconds(30))).isEqualTo("succeeded");
  }

  private static boolean Database_postmasterLeft(Path pg) {
    return Files.exists(pg.resolve("postmaster.pid"));
  }

  private static void signal(Process p, String signal) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .inheritIO()
                .start()
                .waitFor())
        .isZero();
  }

  private static String submit(HttpClient http, String base, String key) throws Exception {
    return submit(http, base, key, "{\"stages\":[{\"type\":\"noop\"}]}");
  }

  private static String submit(HttpClient http, String base, String key, String pipeline)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/v1/assets?filename=t.glb&pipeline="
                            + java.net.URLEncoder.encode(
                                pipeline, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + key)
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        TinyGlb.triangle(UUID.randomUUID().toString())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getJsonObject("job").getString("id");
  }

  private static String state(
      HttpClient http, String base, String key, String job, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    String state = "";
    while (System.nanoTime() < end && !TestGrid.TERMINAL.contains(state)) {
      Thread.sleep(100);
      HttpResponse<String> j =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + job))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      state = new JsonObject(j.body()).getString("state");
    }
    return state;
  }

  /**
   * A coordinator in a child JVM on {@code httpPort} with its data in {@code data}, and {@code
   * more} flags.
   */
  static List<String> coordinatorCommand(int httpPort, Path data, String... more) {
    List<String> cmd = TestGrid.javaCommand(CoordinatorMain.class.getName(), "512m");
    cmd.addAll(List.of("--port", String.valueOf(httpPort), "--data-dir", data.toString()));
    cmd.addAll(List.of(more));
    return cmd;
  }

  /** A node in this JVM, joined to the coordinator of {@code data} at {@code hzPort}. */
  static Node startNode(String cluster, int hzPort, Path data, int slots) throws Exception {
    return TestGrid.await(
        Node.start(
            ClusterOptions.loopback(cluster, true, List.of("127.0.0.1:" + hzPort))
                .withSecret(ClusterSecret.read(data.resolve(ClusterSecret.FILE_NAME))),
            new WorkerOptions(slots, Files.createTempDirectory("ag-node"), 2_000, 5_000, 500)));
  }

  static Process start(List<String> cmd, Path log) throws Exception {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static void awaitReady(HttpClient http, String base, Process p, Path log, Duration timeout)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      assertThat(p.isAlive()).as("runs: %s", tail(log)).isTrue();
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException starting) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("ready: %s", tail(log)).isLessThan(end);
      Thread.sleep(200);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
