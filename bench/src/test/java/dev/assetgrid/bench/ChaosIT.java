package dev.assetgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.bench.chaos.ChaosRun;
import dev.assetgrid.bench.grid.LocalGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite: a grid of separate processes on loopback (a coordinator with its embedded
 * PostgreSQL, two nodes) runs a few hundred small jobs while a node is killed with kill -9, the
 * coordinator is killed with kill -9 and started again on its data folder, and PostgreSQL's
 * postmaster is killed under the running coordinator. Nobody helps: every accepted job must
 * succeed, with exactly one succeeded attempt per task, its files must download with their recorded
 * sha256, and the nodes that stayed up must lease again after the restart.
 */
class ChaosIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void nothingIsLostNothingRecordedTwiceAndTheGridHealsByItself() throws Exception {
    Path root = Path.of(System.getProperty("assetgrid.root", "..")).toAbsolutePath().normalize();
    Path coordinatorJar = root.resolve("coordinator/target/assetgrid-coordinator.jar");
    Path nodeJar = root.resolve("node/target/assetgrid-node.jar");
    assertThat(coordinatorJar).as("packaged before the integration tests").isRegularFile();
    assertThat(nodeJar).isRegularFile();
    LocalGrid.Options options =
        new LocalGrid.Options(
                coordinatorJar,
                nodeJar,
                dir.resolve("grid"),
                null,
                2,
                List.of("-Xmx384m"),
                64L << 20,
                Duration.ofMinutes(2),
                System.out,
                true,
                null,
                null)
            .withCoordinator(List.of("--lease-seconds", "5"), Map.of());
    try (LocalGrid grid = LocalGrid.start(options)) {
      grid.addNodes(2, true);
      ChaosRun.Report r =
          ChaosRun.run(
              grid,
              new ChaosRun.Options(240, 150, Duration.ofMinutes(6), System.out),
              dir.resolve("work"));
      System.out.print(r.text());
      Files.writeString(root.resolve("bench/target/chaos-report.txt"), r.text());
      assertThat(r.problems()).as(r.text()).isEmpty();
      assertThat(r.accepted()).isEqualTo(240);
      assertThat(r.filesChecked()).isGreaterThanOrEqualTo(2 * 240);
    }
  }
}
