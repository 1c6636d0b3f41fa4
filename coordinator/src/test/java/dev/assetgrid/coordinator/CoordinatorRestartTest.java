package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop the coordinator (and its embedded PostgreSQL) while tasks are queued and leased, start it
 * again on the same data directory: the node finds it again, and every job finishes.
 */
@Timeout(300)
class CoordinatorRestartTest {
  @TempDir Path dataDir;

  @Test
  void everythingFinishesAfterARestart() throws Exception {
    int hzPort;
    try (ServerSocket s = new ServerSocket(0)) {
      hzPort = s.getLocalPort();
    }
    String cluster = "restart-" + System.nanoTime();
    CoordinatorConfig cfg =
        TestGrid.config(dataDir, null)
            .withCluster(
                new ClusterOptions(cluster, "127.0.0.1", null, hzPort, 0, List.of(), false));
    HttpClient http = HttpClient.newHttpClient();
    Coordinator first = Coordinator.start(cfg);
    Node node = null;
    Coordinator second = null;
    try {
      node =
          TestGrid.await(
              Node.start(
                  ClusterOptions.loopback(cluster, true, List.of("127.0.0.1:" + hzPort))
                      .withSecret(first.config().cluster().secret()),
                  new WorkerOptions(2, Files.createTempDirectory("ag-node"), 2_000, 5_000, 500)));
      Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
      String pipeline =
          java.net.URLEncoder.encode(
              "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":1500}}]}",
              java.nio.charset.StandardCharsets.UTF_8);
      List<String> jobs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            first.baseUrl() + "/v1/assets?filename=tiny.glb&pipeline=" + pipeline))
                    .header("Authorization", "Bearer " + TestGrid.adminKey(first))
                    .POST(HttpRequest.BodyPublishers.ofFile(glb))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        jobs.add(new JsonObject(r.body()).getJsonObject("job").getString("id"));
      }
      // wait until some are leased and the rest still queued
      long end = System.currentTimeMillis() + 30_000;
      int leased = 0;
      while (leased == 0 && System.currentTimeMillis() < end) {
        Thread.sleep(50);
        leased =
            TestGrid.sql(
                    first.pool(),
                    "SELECT count(*) AS n FROM tasks WHERE state = 'leased'",
                    Tuple.tuple())
                .iterator()
                .next()
                .getLong("n")
                .intValue();
      }
      assertThat(leased).isPositive();
      first.close();

      second = Coordinator.start(cfg);
      Coordinator c = second;
      for (String id : jobs) {
        JsonObject job = awaitTerminal(http, c, id, Duration.ofSeconds(120));
        assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
      }
    } finally {
      if (node != null) {
        node.stop().get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      if (second != null) {
        second.close();
      }
    }
  }

  private static JsonObject awaitTerminal(
      HttpClient http, Coordinator c, String id, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(c.baseUrl() + "/v1/jobs/" + id))
                  .header("Authorization", "Bearer " + TestGrid.adminKey(c))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonObject j = new JsonObject(r.body());
      if (Set.of("succeeded", "failed", "cancelled").contains(j.getString("state"))
          || System.nanoTime() > end) {
        return j;
      }
      Thread.sleep(100);
    }
  }
}
