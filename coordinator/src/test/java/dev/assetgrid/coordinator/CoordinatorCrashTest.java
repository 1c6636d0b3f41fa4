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
    List<String> cmd = TestGrid.javaCommand(CoordinatorMain.class.getName(), "512m");
    cmd.addAll(
        List.of(
            "--port",
            String.valueOf(httpPort),
            "--data-dir",
            data.toString(),
            "--workers",
            "0",
            "--lease-seconds",
            "5",
            "--cluster-name",
            cluster,
            "--cluster-port",
            String.valueOf(hzPort)));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newHttpClient();
    coordinator = start(cmd, dir.resolve("first.log"));
    awaitReady(http, base, coordinator, dir.resolve("first.log"), Duration.ofSeconds(120));
    String key = Files.readString(data.resolve("admin.key")).trim();
    node =
        TestGrid.await(
            Node.start(
                ClusterOptions.loopback(cluster, true, List.of("127.0.0.1:" + hzPort))
                    .withSecret(ClusterSecret.read(data.resolve(ClusterSecret.FILE_NAME))),
                new WorkerOptions(2, Files.createTempDirectory("ag-node"), 2_000, 5_000, 500)));
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
    List<String> cmd = TestGrid.javaCommand(CoordinatorMain.class.getName(), "512m");
    cmd.addAll(
        List.of(
            "--port",
            String.valueOf(httpPort),
            "--data-dir",
            data.toString(),
            "--db-url",
            TestPostgres.newDatabase(),
            "--workers",
            "0",
            "--lease-seconds",
            "3",
            "--cluster-name",
            cluster,
            "--cluster-port",
            String.valueOf(hzPort)));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newHttpClient();
    Path log = dir.resolve("coordinator.log");
    coordinator = start(cmd, log);
    awaitReady(http, base, coordinator, log, Duration.ofSeconds(120));
    String key = Files.readString(data.resolve("admin.key")).trim();
    node =
        TestGrid.await(
            Node.start(
                ClusterOptions.loopback(cluster, true, List.of("127.0.0.1:" + hzPort))
                    .withSecret(ClusterSecret.read(data.resolve(ClusterSecret.FILE_NAME))),
                new WorkerOptions(1, Files.createTempDirectory("ag-node"), 2_000, 5_000, 500)));
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
      assertThat(freedMs).isBetween(1_500L, 5_000L);
      System.out.printf("a cut-off node freed the slot %d ms after the cut%n", freedMs);
    } finally {
      signal(coordinator, "CONT");
    }
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
