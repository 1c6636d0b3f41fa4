package dev.assetgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.bench.report.BenchResult;
import dev.assetgrid.bench.report.HtmlReport;
import dev.assetgrid.bench.report.JsonReports;
import dev.assetgrid.bench.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One short real run: the bench starts a coordinator and one node from the shaded jars, uploads
 * three synthetic 1k-triangle GLBs with pipeline inspect,noop, follows them and reports.
 * Runs in {@code mvn verify} (failsafe) after the jars are packaged; skips when they are missing.
 */
class BenchGridIT {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void shortRunAgainstASpawnedGrid() throws Exception {
    Path root = Path.of(System.getProperty("assetgrid.root", "..")).toAbsolutePath().normalize();
    Path coordinatorJar = root.resolve("coordinator/target/assetgrid-coordinator.jar");
    Path nodeJar = root.resolve("node/target/assetgrid-node.jar");
    assumeTrue(Files.isRegularFile(coordinatorJar) && Files.isRegularFile(nodeJar),
        "shaded jars missing (" + coordinatorJar + ", " + nodeJar + "): run `mvn -B -o -q package -DskipTests` first");

    BenchMain bench = new BenchMain();
    new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(
        "--workload", "synthetic", "--synthetic-sizes", "1k", "--synthetic-textures", "none",
        "--count", "3", "--concurrency", "2", "--pipeline", "inspect,noop", "--node-slots", "2",
        "--coordinator-jar", coordinatorJar.toString(), "--node-jar", nodeJar.toString(),
        "--data-dir", dir.resolve("data").toString(), "--peers", "off", "--quiet", "--jvm-opt=-Xmx384m");
    BenchResult r = bench.execute();

    assertThat(r.runs()).hasSize(1);
    RunSummary s = r.runs().get(0).summary();
    assertThat(s.errors()).isEmpty();
    assertThat(s.succeeded()).isEqualTo(3);
    assertThat(s.triangles()).isEqualTo(3000); // from the inspect results
    assertThat(s.stages()).containsKeys("inspect", "noop");
    assertThat(s.stages().get("noop").attempts()).isEqualTo(3);
    assertThat(s.nodeUse()).hasSize(1);
    assertThat(s.nodeUse().values().iterator().next().slots()).isEqualTo(2);
    assertThat(s.latencyMs().p50()).isPositive();
    assertThat(r.runs().get(0).memory()).containsKeys("coordinator", "node-1");
    assertThat(r.runs().get(0).memory().get("coordinator").peakRssBytes()).isGreaterThan(10_000_000);

    Path json = dir.resolve("r.json");
    JsonReports.write(r, json);
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.path("runs").get(0).path("samples")).hasSize(3);
    assertThat(HtmlReport.render(r)).contains("inspect").contains("<svg");
    // the grid is gone: no process of ours keeps the data dir's database running
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
