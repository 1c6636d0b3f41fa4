package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterSecret;
import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.LeaseRequest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only processes that hold the grid's cluster secret work for it: one with another secret never
 * meets the grid, one that joined under the grid's cluster name without the secret is refused every
 * task, and the cluster port listens on the configured interface only.
 */
@Timeout(180)
class ClosedClusterTest {
  @TempDir Path dataDir;
  TestGrid grid;
  Vertx intruder;

  @AfterEach
  void stop() throws Exception {
    if (intruder != null) {
      TestGrid.await(intruder.close());
    }
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void aNodeWithAnotherSecretNeverWorksForTheGrid() throws Exception {
    grid = TestGrid.start(dataDir);
    assertThat(Files.getPosixFilePermissions(dataDir.resolve(ClusterSecret.FILE_NAME)))
        .as("the coordinator generated its secret, owner-only")
        .hasSize(2);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String job = grid.submit(glb, "pipeline=noop");
    ClusterSecret another = ClusterSecret.generate();
    ClusterOptions stranger = grid.nodeCluster().withSecret(another);
    // as a node (a lite member) it finds no grid to join: it cannot even start
    Throwable failed = null;
    try {
      TestGrid.await(
          Node.start(
              stranger,
              new WorkerOptions(2, Files.createTempDirectory("ag-x"), 1_000, 1_000, 300)));
    } catch (Exception e) {
      failed = e;
    }
    assertThat(failed).as("a node with another secret does not start").isNotNull();
    // as a full member it makes a cluster of its own beside the grid's
    ClusterOptions g = grid.nodeCluster();
    intruder =
        TestGrid.await(
            ClusterBootstrap.start(
                new ClusterOptions(
                    g.clusterName(),
                    g.bindHost(),
                    g.publicHost(),
                    0,
                    0,
                    g.members(),
                    false,
                    another),
                new VertxOptions()));
    assertThat(ClusterBootstrap.members(intruder)).hasSize(1);
    assertThat(ClusterBootstrap.members(grid.coordinator.vertx()))
        .doesNotContain(ClusterBootstrap.nodeId(intruder));
    Thread.sleep(1_000);
    assertThat(grid.job(job).getString("state"))
        .as("nothing leased outside the grid")
        .isEqualTo("queued");
    assertThat(new JsonObject(grid.get("/v1/nodes").body()).getJsonArray("nodes")).isEmpty();
    grid.startNode(1);
    assertThat(grid.awaitJob(job, Duration.ofSeconds(60)).getString("state"))
        .isEqualTo("succeeded");
  }

  @Test
  void aMemberWithoutTheSecretIsRefusedEveryLease() throws Exception {
    grid = TestGrid.start(dataDir);
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    String job = grid.submit(glb, "pipeline=noop");
    // it learnt the grid's cluster name (say, off the wire) but not the secret: it joins, unsigned
    ClusterOptions grids = grid.nodeCluster();
    ClusterOptions asIntruder =
        new ClusterOptions(
            grids.secret().clusterName(grids.clusterName()),
            grids.bindHost(),
            grids.publicHost(),
            0,
            0,
            grids.members(),
            true);
    intruder = TestGrid.await(ClusterBootstrap.start(asIntruder, new VertxOptions()));
    assertThat(ClusterBootstrap.members(grid.coordinator.vertx()))
        .contains(ClusterBootstrap.nodeId(intruder));
    LeaseRequest ask =
        new LeaseRequest(ClusterBootstrap.nodeId(intruder), 4, List.of("noop", "inspect"), 0);
    Throwable refused = null;
    try {
      TestGrid.await(
          intruder
              .eventBus()
              .request(
                  Addresses.LEASE, ask.toJson(), new DeliveryOptions().setSendTimeout(10_000)));
    } catch (Exception e) {
      refused = e;
    }
    assertThat(refused).as("the lease request is refused").isNotNull();
    assertThat(refused.getMessage()).contains("UNAUTHORIZED");
    assertThat(grid.job(job).getString("state")).isEqualTo("queued");
    assertThat(grid.coordinator.config().cluster().secret().refused()).isPositive();
  }

  @Test
  void theClusterPortListensOnTheConfiguredInterfaceOnly() throws Exception {
    grid = TestGrid.start(dataDir);
    String[] hostPort = grid.coordinator.clusterAddress().split(":");
    int port = Integer.parseInt(hostPort[1]);
    try (Socket ok = new Socket()) {
      ok.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }
    // 127.0.0.2 is this machine too (all of 127/8 is loopback): only a socket bound to every
    // interface would answer there
    Throwable refused = null;
    try (Socket other = new Socket()) {
      other.connect(new InetSocketAddress("127.0.0.2", port), 2_000);
    } catch (ConnectException e) {
      refused = e;
    }
    assertThat(refused).as("nothing listens on 127.0.0.2:" + port).isNotNull();
  }
}
