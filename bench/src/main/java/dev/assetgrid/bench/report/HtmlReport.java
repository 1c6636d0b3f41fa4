package dev.assetgrid.bench.report;

import static dev.assetgrid.bench.report.Svg.esc;
import static dev.assetgrid.bench.report.Svg.fmt;

import dev.assetgrid.bench.grid.ProcessMemory;
import dev.assetgrid.bench.peers.PeerTools;
import dev.assetgrid.bench.probe.AuthCost;
import dev.assetgrid.bench.probe.UploadProbe;
import dev.assetgrid.bench.run.JobSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page (inline CSS and SVG, no script, nothing fetched) of a {@link
 * BenchResult}.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static void write(BenchResult r, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(r), StandardCharsets.UTF_8);
  }

  public static String render(BenchResult r) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>assetgrid bench ")
        .append(esc(r.startedAt()))
        .append(
            "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}"
                + "h2{border-bottom:2px solid #2563eb}.muted{color:#6b7280}</style></head><body>\n");
    h.append("<h1>assetgrid bench</h1>\n<p class=\"muted\">")
        .append(esc(r.startedAt()))
        .append(" · bench ")
        .append(esc(r.version()))
        .append(" · grid ")
        .append(esc(r.gridVersion()))
        .append("</p>\n");
    MachineInfo m = r.machine();
    table(
        h,
        List.of("machine", ""),
        List.of(
            List.of("host", m.host()), List.of("cores", Integer.toString(m.cores())),
            List.of("RAM", fmt(m.ramBytes() / 1e9) + " GB"), List.of("CPU", m.cpu()),
            List.of("OS", m.os() + " " + m.osVersion() + " " + m.arch()),
                List.of("JVM", m.jvm() + " (" + m.jvmVendor() + ")")));
    List<List<String>> settings = new ArrayList<>();
    r.settings().forEach((k, v) -> settings.add(List.of(k, String.valueOf(v))));
    table(h, List.of("setting", "value"), settings);
    if (!r.notes().isEmpty()) {
      h.append("<h2>Notes</h2><ul>\n");
      r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
      h.append("</ul>\n");
    }

    if (r.authCost() != null) {
      authCost(h, r.authCost());
    }
    if (r.runs().isEmpty()) {
      return end(h);
    }
    h.append("<h2>Summary</h2>\n");
    List<List<String>> rows = new ArrayList<>();
    for (BenchResult.Run run : r.runs()) {
      RunSummary s = run.summary();
      rows.add(
          List.of(
              s.label(),
              Integer.toString(s.nodes()),
              Integer.toString(s.slots()),
              s.succeeded() + "/" + s.submitted(),
              fmt(s.windowSeconds()),
              fmt(s.assetsPerSec()),
              fmt(s.inputMBPerSec()),
              fmt(s.trianglesPerSec()),
              fmt(s.queue().tasksPerSec()),
              fmt(s.latencyMs().p50()),
              fmt(s.latencyMs().p95()),
              fmt(s.latencyMs().p99()),
              fmt(s.latencyMs().max()),
              fmt(s.queue().leaseToCompleteMs().p50()),
              fmt(s.uploadMs().p50()),
              s.bulkRequests() > 0 ? fmt(s.jobsCreatedPerSec()) : "–"));
    }
    table(
        h,
        List.of(
            "run",
            "nodes",
            "slots",
            "ok/jobs",
            "window s",
            "assets/s",
            "MB/s",
            "triangles/s",
            "tasks/s",
            "latency p50 ms",
            "p95",
            "p99",
            "max",
            "lease→complete p50 ms",
            "upload p50 ms",
            "jobs created/s"),
        rows);

    if (!r.sweep().isEmpty()) {
      h.append("<h2>Scaling</h2>\n");
      List<double[]> pts = new ArrayList<>();
      List<double[]> ideal = new ArrayList<>();
      double base = r.sweep().get(0).throughput() / r.sweep().get(0).nodes();
      List<List<String>> sr = new ArrayList<>();
      for (BenchResult.SweepPoint p : r.sweep()) {
        pts.add(new double[] {p.nodes(), p.throughput()});
        ideal.add(new double[] {p.nodes(), base * p.nodes()});
        sr.add(
            List.of(
                Integer.toString(p.nodes()),
                fmt(p.throughput()),
                fmt(p.speedup()),
                fmt(p.efficiency())));
      }
      h.append(
          Svg.lineChart(
              "Throughput vs nodes",
              "nodes",
              "throughput / s",
              List.of(new Svg.Series("measured", pts), new Svg.Series("ideal", ideal)),
              "ideal"));
      table(h, List.of("nodes", "throughput/s", "speed-up", "efficiency"), sr);
    }

    for (BenchResult.Run run : r.runs()) {
      RunSummary s = run.summary();
      h.append("<h2>Run: ").append(esc(s.label())).append("</h2>\n");
      h.append(
          Svg.lineChart(
              "Completions over time",
              "seconds",
              "jobs / s",
              List.of(new Svg.Series("succeeded jobs/s", s.timeline())),
              null));
      h.append(histogram(run.samples()));
      table(
          h,
          List.of("distribution (ms)", "count", "min", "mean", "p50", "p95", "p99", "max"),
          List.of(
              dist("job latency (server)", s.latencyMs()),
              dist("end-to-end (client)", s.observedMs()),
              dist("upload", s.uploadMs()),
              dist("submit (POST /v1/jobs, per request)", s.submitMs()),
              dist("lease → complete", s.queue().leaseToCompleteMs()),
              dist("queue wait", s.queue().queueWaitMs())));
      List<List<String>> st = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      List<Double> means = new ArrayList<>();
      s.stages()
          .forEach(
              (k, v) -> {
                st.add(
                    List.of(
                        k,
                        Long.toString(v.attempts()),
                        fmt(v.totalSeconds()),
                        fmt(v.durationMs().mean()),
                        fmt(v.durationMs().p50()),
                        fmt(v.durationMs().p95()),
                        fmt(v.durationMs().max()),
                        fmt(v.nodeElapsedMs().p50())));
                labels.add(k);
                means.add(v.durationMs().mean());
              });
      if (!st.isEmpty()) {
        h.append(
            Svg.barChart(
                "Mean time per stage (ms)",
                "ms",
                labels,
                means.stream().mapToDouble(Double::doubleValue).toArray()));
        table(
            h,
            List.of(
                "stage",
                "attempts",
                "total s",
                "mean ms",
                "p50",
                "p95",
                "max",
                "node's own p50 ms"),
            st);
      }
      List<List<String>> nu = new ArrayList<>();
      s.nodeUse()
          .forEach(
              (k, v) ->
                  nu.add(
                      List.of(
                          k,
                          Long.toString(v.attempts()),
                          fmt(v.busySeconds()),
                          Integer.toString(v.slots()),
                          fmt(v.utilisation() * 100) + " %")));
      table(h, List.of("node", "attempts", "busy s", "slots", "utilisation"), nu);
      if (!s.errors().isEmpty()) {
        List<List<String>> er = new ArrayList<>();
        s.errors().forEach((k, v) -> er.add(List.of(k, Long.toString(v))));
        table(h, List.of("error code", "count"), er);
      }
      if (!run.memory().isEmpty()) {
        List<List<String>> mr = new ArrayList<>();
        for (Map.Entry<String, ProcessMemory.Peak> e : run.memory().entrySet()) {
          mr.add(
              List.of(
                  e.getKey(),
                  mb(e.getValue().peakRssBytes()),
                  mb(e.getValue().hwmBytes()),
                  mb(e.getValue().lastRssBytes()),
                  fmt(e.getValue().cpuSeconds())));
        }
        table(
            h, List.of("process", "peak RSS MB (sampled)", "VmHWM MB", "last RSS MB", "CPU s"), mr);
      }
    }

    UploadProbe.Result p = r.uploadProbe();
    if (p != null) {
      h.append("<h2>Upload probe</h2>\n");
      h.append(
          Svg.lineChart(
              "Coordinator RSS during a " + fmt(p.bytes() / 1e6) + " MB upload",
              "seconds",
              "RSS MB",
              List.of(new Svg.Series("RSS", p.rssSeries())),
              null));
      table(
          h,
          List.of("probe", "value"),
          List.of(
              List.of("bytes", Long.toString(p.bytes())),
              List.of("status", p.status() + (p.errorCode() == null ? "" : " " + p.errorCode())),
              List.of("seconds", fmt(p.seconds())),
              List.of("MB/s", fmt(p.mbPerSec())),
              List.of(
                  "RSS before / peak / after MB",
                  mb(p.rssBeforeBytes())
                      + " / "
                      + mb(p.rssPeakBytes())
                      + " / "
                      + mb(p.rssAfterBytes())),
              List.of(
                  "heap used before / after MB",
                  mb(p.heapUsedBeforeBytes()) + " / " + mb(p.heapUsedAfterBytes())),
              List.of("note", p.note())));
    }
    PeerTools.Result peers = r.peers();
    if (peers != null) {
      h.append("<h2>Peers</h2>\n<p>found: ")
          .append(esc(String.join(", ", peers.found())))
          .append("; not on PATH: ")
          .append(esc(String.join(", ", peers.missing())))
          .append("</p>\n");
      List<List<String>> pr = new ArrayList<>();
      for (PeerTools.PeerRun x : peers.runs()) {
        pr.add(
            List.of(
                x.tool(),
                x.command(),
                Integer.toString(x.files()),
                Integer.toString(x.failures()),
                fmt(x.secondsPerFile()),
                fmt(x.ourSecondsPerFile()),
                fmt(x.timeRatio()),
                fmt(x.sizeRatio())));
      }
      table(
          h,
          List.of(
              "tool",
              "command",
              "files",
              "failed",
              "s/file theirs",
              "s/file ours",
              "time ours/theirs",
              "size ours/theirs"),
          pr);
    }
    return end(h);
  }

  private static String end(StringBuilder h) {
    h.append(
        "<p class=\"muted\">Raw samples are in the JSON result file (--json).</p>\n</body></html>\n");
    return h.toString();
  }

  /**
   * The auth workload: one table of percentiles (µs) per request and grid, the latency distribution
   * of each (percentile → µs, rounds pooled, up to p99) and each block's p50.
   */
  static void authCost(StringBuilder h, AuthCost.Result a) {
    AuthCost.Settings s = a.settings();
    h.append("<h2>Auth cost: --auth on vs --auth off</h2>\n<p>")
        .append(
            esc(
                s.rounds()
                    + " round(s), the grids alternating; warm-up "
                    + s.warmup()
                    + " GETs + "
                    + s.warmup() / 4
                    + " uploads per grid; upload "
                    + a.uploadBytes()
                    + " bytes, pipeline "
                    + s.pipeline()
                    + "; load average "
                    + a.loadBefore()
                    + " → "
                    + a.loadAfter()
                    + ". Budget: p50 difference under "
                    + fmt(AuthCost.P50_BUDGET_MS)
                    + " ms."))
        .append("</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (AuthCost.Row row : a.rows()) {
      rows.add(authRow(row.request(), "on", row.on()));
      rows.add(authRow(row.request(), "off", row.off()));
      rows.add(
          List.of(
              row.request(),
              "on − off",
              "",
              ConsoleReport.signed(row.diffP50Us()),
              ConsoleReport.signed(row.diffP90Us()),
              ConsoleReport.signed(row.diffP99Us()),
              "",
              "",
              row.withinBudget() ? "p50 within budget" : "p50 OVER budget"));
    }
    table(
        h,
        List.of(
            "request", "auth", "n", "p50 µs", "p90 µs", "p99 µs", "mean µs", "max µs", "errors"),
        rows);
    for (AuthCost.Row row : a.rows()) {
      List<Svg.Series> series = new ArrayList<>();
      for (boolean on : new boolean[] {true, false}) {
        double[] v =
            a.blocks().stream()
                .filter(b -> b.auth() == on && b.request().equals(row.request()))
                .flatMapToDouble(b -> java.util.Arrays.stream(b.samplesUs()))
                .sorted()
                .toArray();
        List<double[]> pts = new ArrayList<>();
        for (int p = 1; p <= 99 && v.length > 0; p++) {
          pts.add(new double[] {p, Dist.percentile(v, p)});
        }
        series.add(new Svg.Series("auth " + (on ? "on" : "off"), pts));
      }
      h.append(
          Svg.lineChart(
              row.request() + ": latency by percentile", "percentile", "µs", series, null));
    }
    List<List<String>> br = new ArrayList<>();
    for (AuthCost.Block b : a.blocks()) {
      br.add(
          List.of(
              Integer.toString(b.round()),
              b.request(),
              b.auth() ? "on" : "off",
              Integer.toString(b.samplesUs().length),
              fmt(b.p50Us()),
              Long.toString(b.errors())));
    }
    table(h, List.of("round", "request", "auth", "n", "p50 µs", "errors"), br);
    if (!a.errors().isEmpty()) {
      List<List<String>> er = new ArrayList<>();
      a.errors().forEach((k, v) -> er.add(List.of(k, Long.toString(v))));
      table(h, List.of("error code", "count"), er);
    }
  }

  private static List<String> authRow(String request, String auth, AuthCost.Stats s) {
    return List.of(
        request,
        auth,
        Long.toString(s.count()),
        fmt(s.p50Us()),
        fmt(s.p90Us()),
        fmt(s.p99Us()),
        fmt(s.meanUs()),
        fmt(s.maxUs()),
        Long.toString(s.errors()));
  }

  /** Latency histogram of succeeded jobs: 20 equal-width bins from 0 to the max. */
  static String histogram(List<JobSample> samples) {
    double[] v =
        samples.stream()
            .filter(JobSample::succeeded)
            .mapToDouble(JobSample::latencyMs)
            .filter(x -> x >= 0)
            .toArray();
    if (v.length == 0) {
      return "";
    }
    double max = 0;
    for (double x : v) {
      max = Math.max(max, x);
    }
    int bins = 20;
    double w = Math.max(1e-9, max / bins);
    double[] counts = new double[bins];
    for (double x : v) {
      counts[Math.min(bins - 1, (int) (x / w))]++;
    }
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      labels.add(fmt(i * w));
    }
    return Svg.barChart("Job latency histogram (ms, bin start)", "jobs", labels, counts);
  }

  private static List<String> dist(String name, Dist d) {
    return List.of(
        name,
        Long.toString(d.count()),
        fmt(d.min()),
        fmt(d.mean()),
        fmt(d.p50()),
        fmt(d.p95()),
        fmt(d.p99()),
        fmt(d.max()));
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : fmt(bytes / 1e6);
  }

  private static void table(StringBuilder h, List<String> head, List<List<String>> rows) {
    h.append("<table><tr>");
    head.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
    h.append("</tr>\n");
    for (List<String> row : rows) {
      h.append("<tr>");
      row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }
}
