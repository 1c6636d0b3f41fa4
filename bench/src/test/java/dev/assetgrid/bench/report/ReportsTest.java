package dev.assetgrid.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.bench.grid.ProcessMemory;
import dev.assetgrid.bench.probe.AuthCost;
import dev.assetgrid.bench.probe.UploadProbe;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class ReportsTest {
  @TempDir Path dir;

  static BenchResult result() {
    RunSummary one = RunSummary.of("corpus @1 node", Samples.run(10), Map.of("n1", 2), 1, false);
    RunSummary two =
        RunSummary.of("corpus @2 nodes <&>", Samples.run(5), Map.of("n1", 2), 2, false);
    Map<String, ProcessMemory.Peak> mem =
        Map.of(
            "coordinator", new ProcessMemory.Peak(300_000_000, 310_000_000, 290_000_000, 9, 1.5));
    List<BenchResult.Run> runs =
        List.of(
            new BenchResult.Run(one, mem, Samples.run(10).samples()),
            new BenchResult.Run(two, Map.of(), Samples.run(5).samples()));
    UploadProbe.Result probe =
        new UploadProbe.Result(
            1 << 30,
            202,
            null,
            10,
            107.4,
            200_000_000,
            260_000_000,
            250_000_000,
            50_000_000,
            60_000_000,
            List.of(new double[] {0, 200}, new double[] {1, 260}),
            "note");
    return new BenchResult(
        "assetgrid-bench",
        "1.2.3",
        "1.2.3",
        "2026-01-01T00:00:00Z",
        new MachineInfo("h", 2, 8L << 30, "cpu", "Linux", "6", "amd64", "17", "vendor"),
        Map.of("workload", "corpus", "pipeline", "inspect"),
        runs,
        BenchResult.sweep(runs, false),
        probe,
        null,
        null,
        List.of("a note"));
  }

  @Test
  void sweepEfficiencyFromRuns() {
    List<BenchResult.SweepPoint> sweep = result().sweep();
    assertThat(sweep).hasSize(2);
    assertThat(sweep.get(0).efficiency()).isEqualTo(1.0);
    double t2 = sweep.get(1).throughput();
    assertThat(sweep.get(1).efficiency()).isEqualTo(t2 / (2 * sweep.get(0).throughput()));
  }

  @Test
  void jsonIsWellFormedAndHoldsTheNumbers() throws Exception {
    Path f = dir.resolve("r.json");
    JsonReports.write(result(), f);
    JsonNode j = new ObjectMapper().readTree(f.toFile());
    assertThat(j.path("version").asText()).isEqualTo("1.2.3");
    assertThat(j.path("machine").path("cores").asInt()).isEqualTo(2);
    JsonNode s = j.path("runs").get(0).path("summary");
    assertThat(s.path("assetsPerSec").asDouble()).isEqualTo(1.0);
    assertThat(s.path("latencyMs").path("p50").asDouble()).isEqualTo(150.0);
    assertThat(s.path("errors").path("DATA_ERROR").asLong()).isEqualTo(1);
    assertThat(j.path("runs").get(0).path("samples")).hasSize(11);
    assertThat(j.path("runs").get(0).path("samples").get(0).path("createdAt").asText())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(
            j.path("runs").get(0).path("memory").path("coordinator").path("peakRssBytes").asLong())
        .isEqualTo(300_000_000);
    assertThat(j.path("uploadProbe").path("bytes").asLong()).isEqualTo(1L << 30);
    assertThat(j.path("sweep")).hasSize(2);
  }

  @Test
  void historyAppendsOneLinePerRun() throws Exception {
    Path f = dir.resolve("h.jsonl");
    JsonReports.appendHistory(result(), f);
    JsonReports.appendHistory(result(), f);
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(4);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.path("assetsPerSec").asDouble()).isEqualTo(1.0);
    assertThat(first.path("latencyP95Ms").asDouble()).isEqualTo(200.0);
    assertThat(first.path("machine").path("cores").asInt()).isEqualTo(2);
  }

  @Test
  void htmlIsWellFormedSelfContainedAndHoldsTheNumbers() throws Exception {
    String html = HtmlReport.render(result());
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("http://cdn")
        .doesNotContain("https://")
        .contains("<svg")
        .contains("Throughput vs nodes")
        .contains("Job latency histogram")
        .contains("Completions over time")
        .contains("corpus @2 nodes &lt;&amp;&gt;")
        .contains("a note");
    assertThat(html).contains("<td>150</td>"); // latency p50 ms
    // every tag is closed: the page parses as XML once the HTML5 doctype is removed
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(html.replace("<!DOCTYPE html>", ""))));
    assertThat(doc.getElementsByTagName("svg").getLength()).isGreaterThanOrEqualTo(5);
    assertThat(doc.getElementsByTagName("table").getLength()).isGreaterThan(5);
  }

  @Test
  void consoleReportMentionsTheHeadlines() {
    String text = ConsoleReport.render(result());
    assertThat(text)
        .contains("1 assets/s")
        .contains("DATA_ERROR")
        .contains("scaling")
        .contains("upload probe")
        .contains("uploads/s during the upload phase")
        .doesNotContain("jobs created/s");
  }

  @Test
  void aQueueRunReportsItsSubmitPhase() throws Exception {
    RunSummary q = RunSummary.of("queue @1 node", Samples.queueRun(), Map.of("n1", 2), 1, true);
    BenchResult r =
        new BenchResult(
            "assetgrid-bench",
            "1.2.3",
            "1.2.3",
            "2026-01-01T00:00:00Z",
            new MachineInfo("h", 2, 8L << 30, "cpu", "Linux", "6", "amd64", "17", "vendor"),
            Map.of("workload", "queue"),
            List.of(new BenchResult.Run(q, Map.of(), Samples.queueRun().samples())),
            List.of(),
            null,
            null,
            null,
            List.of());
    assertThat(ConsoleReport.render(r))
        .contains("submit      p50 500 ms")
        .contains("1,481 jobs created/s during the submit phase (1496 jobs in 3 POST /v1/jobs)");
    assertThat(HtmlReport.render(r))
        .contains("submit (POST /v1/jobs, per request)")
        .contains("<td>1,481</td>");
    Path f = dir.resolve("q.jsonl");
    JsonReports.appendHistory(r, f);
    JsonNode line = new ObjectMapper().readTree(Files.readAllLines(f).get(0));
    assertThat(line.path("jobsCreatedPerSec").asDouble())
        .isCloseTo(1496 / 1.01, org.assertj.core.api.Assertions.within(1e-3));
    assertThat(line.path("uploadsPerSec").asDouble()).isEqualTo(10.0);
  }

  @Test
  void anAuthCostResultIsReportedEverywhere() throws Exception {
    AuthCost.Stats getOn = new AuthCost.Stats(5000, 0, 512, 700, 1234, 560, 9000);
    AuthCost.Stats getOff = new AuthCost.Stats(5000, 0, 480, 650, 1100, 530, 8000);
    AuthCost.Stats upOn = new AuthCost.Stats(500, 0, 4100, 5000, 7000, 4200, 9000);
    AuthCost.Stats upOff = new AuthCost.Stats(500, 0, 4000, 4900, 6500, 4100, 8000);
    AuthCost.Result a =
        new AuthCost.Result(
            new AuthCost.Settings(2000, 5000, 500, 1, "noop"),
            1472,
            List.of(
                new AuthCost.Row(AuthCost.GET_JOB, getOn, getOff, 32, 50, 134),
                new AuthCost.Row(AuthCost.UPLOAD, upOn, upOff, 100, 100, 500)),
            List.of(
                new AuthCost.Block(1, true, AuthCost.GET_JOB, 512, 0, new double[] {500, 512, 530}),
                new AuthCost.Block(1, false, AuthCost.GET_JOB, 480, 0, new double[] {470, 480})),
            Map.of(),
            "0.50 0.40 0.30",
            "0.60 0.40 0.30");
    BenchResult r =
        new BenchResult(
            "assetgrid-bench",
            "1.2.3",
            null,
            "2026-01-01T00:00:00Z",
            new MachineInfo("h", 2, 8L << 30, "cpu", "Linux", "6", "amd64", "17", "vendor"),
            Map.of("workload", "auth", "pipeline", "noop"),
            List.of(),
            List.of(),
            null,
            null,
            a,
            List.of());
    assertThat(ConsoleReport.render(r))
        .contains("== auth cost: --auth on vs --auth off")
        .contains("  GET /v1/jobs/{id}  on       5000       512       700     1,234")
        .contains("on−off              +32       +50      +134")
        .contains("GET /v1/jobs/{id}: p50 difference +0.0320 ms, within the 0.200 ms budget");
    String html = HtmlReport.render(r);
    assertThat(html).contains("Auth cost").contains("<td>+32</td>").doesNotContain("Summary");
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(html.replace("<!DOCTYPE html>", ""))));
    assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(2);
    Path f = dir.resolve("a.json");
    JsonReports.write(r, f);
    JsonNode j = new ObjectMapper().readTree(f.toFile());
    assertThat(j.at("/authCost/rows/0/on/p50Us").asDouble()).isEqualTo(512);
    assertThat(j.at("/authCost/blocks/0/samplesUs").size()).isEqualTo(3);
    Path h = dir.resolve("a.jsonl");
    JsonReports.appendHistory(r, h);
    JsonNode line = new ObjectMapper().readTree(Files.readAllLines(h).get(0));
    assertThat(line.path("getDiffP50Us").asDouble()).isEqualTo(32);
    assertThat(line.path("uploadAuthOffP50Us").asDouble()).isEqualTo(4000);
  }
}
