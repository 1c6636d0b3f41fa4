package dev.assetgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.bench.report.BenchResult;
import dev.assetgrid.bench.report.HtmlReport;
import dev.assetgrid.bench.report.JsonReports;
import dev.assetgrid.bench.report.RunSummary;
import dev.assetgrid.bench.run.JobSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Short real runs: the bench starts a coordinator and one node from the shaded jars. One uploads
 * three synthetic 1k-triangle GLBs with pipeline inspect,noop, follows them and reports; one fills
 * the queue (3 uploads, then 1,200 jobs in two POST /v1/jobs) before starting the node to drain it.
 * Runs in {@code mvn verify} (failsafe) after the jars are packaged; skips when they are missing.
 */
class BenchGridIT {
  @TempDir Path dir;

  /** The options that point the bench at the shaded jars; skips the test when they are missing. */
  static List<String> jars() {
    Path root = Path.of(System.getProperty("assetgrid.root", "..")).toAbsolutePath().normalize();
    Path coordinatorJar = root.resolve("coordinator/target/assetgrid-coordinator.jar");
    Path nodeJar = root.resolve("node/target/assetgrid-node.jar");
    assumeTrue(
        Files.isRegularFile(coordinatorJar) && Files.isRegularFile(nodeJar),
        "shaded jars missing ("
            + coordinatorJar
            + ", "
            + nodeJar
            + "): run `mvn -B -o -q package -DskipTests` first");
    return List.of(
        "--coordinator-jar", coordinatorJar.toString(), "--node-jar", nodeJar.toString());
  }

  static BenchResult run(List<String> args) throws Exception {
    BenchMain bench = new BenchMain();
    new CommandLine(bench)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs(args.toArray(new String[0]));
    return bench.execute();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void shortRunAgainstASpawnedGrid() throws Exception {
    List<String> args = new ArrayList<>(jars());
    args.addAll(
        List.of(
            "--workload",
            "synthetic",
            "--synthetic-sizes",
            "1k",
            "--synthetic-textures",
            "none",
            "--count",
            "3",
            "--concurrency",
            "2",
            "--pipeline",
            "inspect,noop",
            "--node-slots",
            "2",
            "--data-dir",
            dir.resolve("data").toString(),
            "--peers",
            "off",
            "--quiet",
            "--jvm-opt=-Xmx384m"));
    BenchResult r = run(args);

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
    assertThat(r.runs().get(0).memory().get("coordinator").peakRssBytes())
        .isGreaterThan(10_000_000);

    Path json = dir.resolve("r.json");
    JsonReports.write(r, json);
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.path("runs").get(0).path("samples")).hasSize(3);
    assertThat(HtmlReport.render(r)).contains("inspect").contains("<svg");
    // the grid is gone: no process of ours keeps the data dir's database running
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
        .isZero();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void queueRunUploadsAFewAssetsAndCreatesTheRestInBulk() throws Exception {
    List<String> args = new ArrayList<>(jars());
    args.addAll(
        List.of(
            "--workload",
            "queue",
            "--count",
            "1203",
            "--warmup",
            "300",
            "--queue-assets",
            "3",
            "--concurrency",
            "2",
            "--node-slots",
            "8",
            "--data-dir",
            dir.resolve("queue").toString(),
            "--quiet",
            "--jvm-opt=-Xmx384m"));
    BenchResult r = run(args);

    RunSummary s = r.runs().get(0).summary();
    assertThat(s.errors()).isEmpty();
    // 1,503 jobs drained; the first 300 to end were the warm-up and are not in the figures
    assertThat(s.submitted()).isEqualTo(1203);
    assertThat(s.succeeded()).isEqualTo(1203);
    assertThat(s.uploadMs().count()).as("uploads").isEqualTo(3);
    assertThat(s.bulkRequests()).as("1000 + 500 jobs").isEqualTo(2);
    assertThat(s.jobsCreated()).isEqualTo(1500);
    assertThat(r.notes())
        .anyMatch(n -> n.contains("the first 300 jobs to end were the drain's warm-up"));
    assertThat(r.notes())
        .anyMatch(n -> n.contains("the coordinator's queue over the whole drain: "));
    assertThat(r.runs().get(0).memory().get("coordinator").cpuSeconds()).isPositive();
    assertThat(s.jobsCreatedPerSec()).isPositive();
    assertThat(s.stages().get("noop").attempts()).isEqualTo(1203);
    assertThat(s.queue().tasksPerSec()).isPositive();
    List<JobSample> samples = r.runs().get(0).samples();
    assertThat(samples.stream().map(JobSample::jobId).distinct().count()).isEqualTo(1203);
    // the jobs were followed once the queue had drained, not while it was draining (same host
    // clock)
    long lastEnd =
        samples.stream().mapToLong(x -> x.finishedAt().toEpochMilli()).max().orElseThrow();
    assertThat(samples)
        .allSatisfy(x -> assertThat(x.observedEndMs()).isGreaterThanOrEqualTo(lastEnd));
    // the bulk jobs go round the uploaded assets in turn (501 each, some of them in the warm-up)
    Map<String, Long> perAsset =
        samples.stream().collect(Collectors.groupingBy(JobSample::assetId, Collectors.counting()));
    assertThat(perAsset)
        .hasSize(3)
        .allSatisfy((asset, jobs) -> assertThat(jobs).isBetween(201L, 501L));
    assertThat(r.settings()).containsEntry("queueAssets", 3).containsEntry("queuePreload", true);
    assertThat(r.notes()).anyMatch(n -> n.contains("POST /v1/jobs created"));
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
        .isZero();
  }
}
