package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed hard (kill -9 of its JVM) while it holds a lease: the coordinator sees it leave the
 * Hazelcast cluster, requeues the task at once, and another node finishes it; one output recorded.
 */
@Timeout(180)
class NodeFailureTest {
  @TempDir Path dataDir;
  TestGrid grid;

  @AfterEach
  void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void killedNodesLeaseIsRequeuedAndFinishedByAnotherNode() throws Exception {
    grid = TestGrid.start(dataDir);
    Process doomed = grid.spawnNode(1);
    awaitNodes(1);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    // the first attempt sleeps long enough to be killed in the middle; later attempts finish at
    // once
    String pipeline =
        java.net.URLEncoder.encode(
            "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":60000,\"sleepAttempts\":1,\"output\":true}}]}",
            java.nio.charset.StandardCharsets.UTF_8);
    String jobId = grid.submit(glb, "pipeline=" + pipeline);
    JsonObject leased =
        grid.awaitJobWhere(
            jobId,
            j -> "leased".equals(j.getJsonArray("tasks").getJsonObject(0).getString("state")),
            Duration.ofSeconds(60));
    String doomedNode = leased.getJsonArray("tasks").getJsonObject(0).getString("node");

    grid.startNode(1);
    long killedAt = System.nanoTime();
    doomed.destroyForcibly().waitFor();

    JsonObject requeued =
        grid.awaitJobWhere(
            jobId,
            j -> {
              JsonObject t = j.getJsonArray("tasks").getJsonObject(0);
              return t.getInteger("attempt") >= 2;
            },
            Duration.ofSeconds(60));
    long pickupMs = (System.nanoTime() - killedAt) / 1_000_000;
    JsonObject done = grid.awaitJob(jobId, Duration.ofSeconds(60));
    System.out.printf("[measure] killed node's task leased again after %d ms%n", pickupMs);

    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    JsonObject task = done.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getInteger("attempt")).isEqualTo(2);
    assertThat(task.getString("node")).isNotEqualTo(doomedNode);
    JsonArray attempts = task.getJsonArray("attempts");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.getJsonObject(0).getString("node")).isEqualTo(doomedNode);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isIn("node_lost", "lease_expired");
    assertThat(attempts.getJsonObject(1).getString("outcome")).isEqualTo("succeeded");
    assertThat(requeued).isNotNull();
    // exactly one output recorded for the task, and it is the asset's file
    List<String> outputs = new ArrayList<>();
    for (Row r : grid.sql("SELECT name FROM task_outputs", Tuple.tuple())) {
      outputs.add(r.getString("name"));
    }
    assertThat(outputs).containsExactly("noop.json");
    assertThat(grid.get("/v1/assets/" + done.getString("assetId") + "/files/noop.json").body())
        .contains(task.getString("id"));
  }

  private void awaitNodes(int n) throws Exception {
    long end = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < end) {
      JsonObject nodes = new JsonObject(grid.get("/v1/nodes").body());
      if (nodes.getJsonArray("nodes").size() >= n) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nodes did not join: " + grid.get("/v1/nodes").body());
  }
}
