package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node asked to stop finishes what it runs, leases nothing new, and leaves the cluster. */
@Timeout(120)
class NodeDrainTest {
  @TempDir Path dataDir;
  TestGrid grid;

  @AfterEach
  void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void stoppingANodeLetsItsRunningTaskFinish() throws Exception {
    grid = TestGrid.start(dataDir);
    Node node = grid.startNode(1);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String pipeline =
        java.net.URLEncoder.encode(
            "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":1500}}]}",
            java.nio.charset.StandardCharsets.UTF_8);
    String running = grid.submit(glb, "pipeline=" + pipeline);
    grid.awaitJobWhere(
        running, j -> "running".equals(j.getString("state")), Duration.ofSeconds(30));
    // the job is running once the lease committed; the node holds the task a moment later
    long until = System.currentTimeMillis() + 10_000;
    while (node.worker().runningCount() == 0 && System.currentTimeMillis() < until) {
      Thread.sleep(10);
    }
    assertThat(node.worker().runningCount()).as("the node received the task").isEqualTo(1);
    long t0 = System.nanoTime();
    grid.stopNode(node);
    long stopMs = (System.nanoTime() - t0) / 1_000_000;
    JsonObject job = grid.job(running);
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(stopMs).as("stop waited for the task, but not much longer").isLessThan(20_000);
    // a job submitted after the node left stays queued
    String later = grid.submit(glb, "pipeline=noop");
    Thread.sleep(500);
    assertThat(grid.job(later).getString("state")).isEqualTo("queued");
  }
}
