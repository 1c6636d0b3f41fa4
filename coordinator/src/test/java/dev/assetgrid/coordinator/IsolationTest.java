package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.isolate.Isolation;
import dev.assetgrid.node.worker.WorkerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poison input on a node that isolates the stage: each attempt crashes its worker process (a real
 * glibc abort), ends NATIVE_CRASH naming the stage and the input, backs off and the task ends dead
 * after its attempts; the node lives on and runs the next job; nothing crashes in the coordinator.
 */
@Timeout(180)
class IsolationTest {
  @TempDir Path dataDir;
  TestGrid grid;
  Node node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.stop().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void aPoisonInputEndsItsAttemptsNotTheNode() throws Exception {
    grid = TestGrid.start(dataDir);
    node =
        TestGrid.await(
            Node.start(
                grid.nodeCluster(),
                new WorkerOptions(2, Files.createTempDirectory("ag-node"), 2_000, 5_000, 500),
                null,
                Isolation.parse("noop", "128m")));
    Path glb = Files.write(dataDir.resolve("poison.glb"), TinyGlb.triangle("poison"));
    String poison =
        grid.submit(
            glb,
            "pipeline="
                + java.net.URLEncoder.encode(
                    "{\"stages\":[{\"type\":\"noop\",\"params\":{\"crash\":\"abort\"}}]}",
                    java.nio.charset.StandardCharsets.UTF_8));
    JsonObject failed = grid.awaitJob(poison, Duration.ofSeconds(90));
    assertThat(failed.getString("state")).as(failed.encodePrettily()).isEqualTo("failed");
    JsonObject task = failed.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getString("state")).isEqualTo("dead");
    JsonArray attempts = task.getJsonArray("attempts");
    assertThat(attempts).hasSize(3); // TestGrid's max attempts
    for (int i = 0; i < attempts.size(); i++) {
      JsonObject a = attempts.getJsonObject(i);
      assertThat(a.getString("errorCode")).isEqualTo("NATIVE_CRASH");
      assertThat(a.getString("errorMessage"))
          .contains("stage noop") // noop reads no input: "(none)"; a real stage names its files
          .contains("SIGABRT");
    }
    assertThat(node.workerProcesses()).as("the dead processes are gone").isZero();

    Path ok = Files.write(dataDir.resolve("ok.glb"), TinyGlb.triangle("ok"));
    String fine = grid.submit(ok, "pipeline=noop");
    assertThat(grid.awaitJob(fine, Duration.ofSeconds(60)).getString("state"))
        .isEqualTo("succeeded");
  }

  /**
   * The coordinator's own in-process slots run native stages in worker processes too: an
   * optimize-mesh job succeeds, and its work was done by a worker process (its log is there).
   */
  @Test
  void theCoordinatorsSlotsIsolateNativeStages() throws Exception {
    grid = TestGrid.start(TestGrid.config(dataDir, TestPostgres.newDatabase()).withWorkers(1));
    Path glb = Files.write(dataDir.resolve("mesh.glb"), TinyGlb.triangle("mesh"));
    String job = grid.submit(glb, "pipeline=inspect,optimize-mesh");
    JsonObject done = grid.awaitJob(job, Duration.ofSeconds(90));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(dataDir.resolve("work/stage-hosts/stage-host-1.log")).exists();
  }
}
