package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterTls;
import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.tls.SelfSignedCert;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus over mutual TLS: a member with the cluster certificate works for the grid; one that
 * has the grid's secret (so Hazelcast lets it in) and trusts the grid's certificate, but presents a
 * certificate of its own, exchanges no message with the coordinator and gets no work.
 */
@Timeout(180)
class ClusterTlsTest {
  @TempDir Path dir;
  TestGrid grid;
  Node stranger;

  @AfterEach
  void stop() throws Exception {
    if (stranger != null) {
      stranger.stop().get();
    }
    if (grid != null) {
      grid.close();
    }
  }

  static ClusterTls write(Path dir, String name, Path trust) throws Exception {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    SelfSignedCert.generate("assetgrid " + name, List.of("127.0.0.1"), Duration.ofDays(1))
        .writeTo(cert, key);
    return new ClusterTls(cert, key, trust == null ? cert : trust);
  }

  @Test
  void onlyAMemberWithTheClusterCertificateGetsWork() throws Exception {
    // one certificate for the whole grid, trusting itself
    ClusterTls cluster = write(dir, "cluster", null);
    CoordinatorConfig base = TestGrid.config(dir, TestPostgres.newDatabase());
    grid = TestGrid.start(base.withCluster(base.cluster().withTls(cluster)));
    assertThat(grid.coordinator.config().cluster().tls()).isEqualTo(cluster);
    Path glb = Files.write(dir.resolve("tiny.glb"), TinyGlb.triangle());
    String job = grid.submit(glb, "pipeline=inspect");

    // its own certificate, the grid's as trust: it could verify the coordinator, but the
    // coordinator does not accept it (nor does it accept the coordinator's connections to it)
    ClusterOptions asStranger = grid.nodeCluster().withTls(write(dir, "stranger", cluster.cert()));
    stranger =
        TestGrid.await(
            Node.start(
                asStranger,
                new WorkerOptions(2, Files.createTempDirectory("ag-stranger"), 1_000, 1_000, 300)));
    assertThat(ClusterBootstrap.members(grid.coordinator.vertx()))
        .as("Hazelcast let it in (the secret is right)")
        .contains(stranger.nodeId());
    LeaseRequest ask = new LeaseRequest(stranger.nodeId(), 2, List.of("inspect", "noop"), 0);
    Throwable failed = null;
    try {
      TestGrid.await(
          stranger
              .vertx()
              .eventBus()
              .request(Addresses.LEASE, ask.toJson(), new DeliveryOptions().setSendTimeout(3_000)));
    } catch (Exception e) {
      failed = e;
    }
    assertThat(failed).as("its lease request never reaches the coordinator").isNotNull();
    Thread.sleep(2_000);
    assertThat(grid.job(job).getString("state"))
        .as("nothing leased to the stranger")
        .isEqualTo("queued");
    assertThat(stranger.worker().runningCount()).isZero();
    assertThat(new JsonObject(grid.get("/v1/nodes").body()).getJsonArray("nodes"))
        .as("its announcements do not arrive")
        .isEmpty();
    stranger.stop().get();
    stranger = null;

    // a node with the cluster certificate (TestGrid.nodeCluster carries the grid's) does the job
    Node member = grid.startNode(1);
    assertThat(member.nodeId()).isNotNull();
    JsonObject done = grid.awaitJob(job, Duration.ofSeconds(60));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(
            done.getJsonArray("tasks")
                .getJsonObject(0)
                .getJsonArray("attempts")
                .getJsonObject(0)
                .getString("node"))
        .isEqualTo(member.nodeId());
  }

  @Test
  void aNodeJvmStartedWithTheTlsFlagsWorksForAnHttpsGridWithATlsEventBus() throws Exception {
    ClusterTls cluster = write(dir, "cluster", null);
    CoordinatorConfig base = TestGrid.config(dir, TestPostgres.newDatabase());
    grid =
        TestGrid.start(
            base.withCluster(base.cluster().withTls(cluster)).withTls(TlsOptions.selfSigned()));
    assertThat(grid.coordinator.baseUrl()).startsWith("https://");
    String job = grid.submit(Files.write(dir.resolve("tiny.glb"), TinyGlb.triangle()), "");
    // NodeMain with --tls-trust <the coordinator's cert.pem> and the three --cluster-tls-* flags
    Process node = grid.spawnNode(1);
    JsonObject done = grid.awaitJob(job, Duration.ofSeconds(90));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    assertThat(node.isAlive()).isTrue();
    assertThat(new JsonObject(grid.get("/v1/nodes").body()).getJsonArray("nodes").getJsonObject(0))
        .isNotNull();
  }
}
