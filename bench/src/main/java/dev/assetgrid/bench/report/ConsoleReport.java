package dev.assetgrid.bench.report;

import static dev.assetgrid.bench.report.Svg.fmt;

import dev.assetgrid.bench.peers.PeerTools;
import dev.assetgrid.bench.probe.AuthCost;
import dev.assetgrid.bench.probe.UploadProbe;
import java.util.Map;

/** The plain-text summary printed at the end of a run. */
public final class ConsoleReport {
  private ConsoleReport() {}

  public static String render(BenchResult r) {
    StringBuilder b = new StringBuilder();
    MachineInfo m = r.machine();
    b.append("assetgrid bench ")
        .append(r.version())
        .append(" · grid ")
        .append(r.gridVersion())
        .append(" · ")
        .append(m.cores())
        .append(" cores, ")
        .append(fmt(m.ramBytes() / 1e9))
        .append(" GB, ")
        .append(m.os())
        .append(", Java ")
        .append(m.jvm())
        .append('\n');
    for (BenchResult.Run run : r.runs()) {
      RunSummary s = run.summary();
      b.append("\n== ")
          .append(s.label())
          .append(": ")
          .append(s.nodes())
          .append(" node(s), ")
          .append(s.slots())
          .append(" slot(s)\n");
      b.append(
          String.format(
              "  jobs        %d submitted, %d succeeded, %d failed, window %s s (wall %s s)%n",
              s.submitted(),
              s.succeeded(),
              s.failed(),
              fmt(s.windowSeconds()),
              fmt(s.wallSeconds())));
      b.append(
          String.format(
              "  throughput  %s assets/s, %s MB/s in, %s triangles/s, %s tasks/s%n",
              fmt(s.assetsPerSec()),
              fmt(s.inputMBPerSec()),
              fmt(s.trianglesPerSec()),
              fmt(s.queue().tasksPerSec())));
      b.append(line("job latency", s.latencyMs()));
      b.append(line("end-to-end", s.observedMs()));
      b.append(line("upload", s.uploadMs()))
          .append(
              String.format(
                  "              %s uploads/s during the upload phase%n", fmt(s.uploadsPerSec())));
      if (s.bulkRequests() > 0) {
        b.append(line("submit", s.submitMs()))
            .append(
                String.format(
                    "              %s jobs created/s during the submit phase (%d jobs in %d POST /v1/jobs)%n",
                    fmt(s.jobsCreatedPerSec()), s.jobsCreated(), s.bulkRequests()));
      }
      b.append(line("lease→done", s.queue().leaseToCompleteMs()));
      b.append(line("queue wait", s.queue().queueWaitMs()));
      s.stages()
          .forEach(
              (k, v) ->
                  b.append(
                      String.format(
                          "  stage %-16s %6d attempts, mean %s ms, p50 %s, p95 %s, total %s s; node's own time p50 %s ms%n",
                          k,
                          v.attempts(),
                          fmt(v.durationMs().mean()),
                          fmt(v.durationMs().p50()),
                          fmt(v.durationMs().p95()),
                          fmt(v.totalSeconds()),
                          fmt(v.nodeElapsedMs().p50()))));
      s.nodeUse()
          .forEach(
              (k, v) ->
                  b.append(
                      String.format(
                          "  node %s  %d attempts, busy %s s on %d slot(s): %s %%%n",
                          k,
                          v.attempts(),
                          fmt(v.busySeconds()),
                          v.slots(),
                          fmt(v.utilisation() * 100))));
      s.errors().forEach((k, v) -> b.append(String.format("  error %-24s %d%n", k, v)));
      long attempts = s.queue().attempts();
      run.memory()
          .forEach(
              (k, v) ->
                  b.append(
                      String.format(
                          "  process %-12s peak RSS %s MB (VmHWM %s MB), CPU %s s%s%n",
                          k,
                          fmt(v.peakRssBytes() / 1e6),
                          fmt(v.hwmBytes() / 1e6),
                          fmt(v.cpuSeconds()),
                          attempts > 0 && v.cpuSeconds() > 0
                              ? String.format(
                                  ", %s ms per task", fmt(v.cpuSeconds() * 1000 / attempts))
                              : "")));
    }
    if (!r.sweep().isEmpty()) {
      b.append("\n== scaling\n");
      for (BenchResult.SweepPoint p : r.sweep()) {
        b.append(
            String.format(
                "  %2d node(s): %s/s, speed-up %s, efficiency %s%n",
                p.nodes(), fmt(p.throughput()), fmt(p.speedup()), fmt(p.efficiency())));
      }
    }
    UploadProbe.Result p = r.uploadProbe();
    if (p != null) {
      b.append(
          String.format(
              "%n== upload probe: %s MB in %s s (%s MB/s), status %d%s%n",
              fmt(p.bytes() / 1e6),
              fmt(p.seconds()),
              fmt(p.mbPerSec()),
              p.status(),
              p.errorCode() == null ? "" : " " + p.errorCode()));
      b.append(
          String.format(
              "  coordinator RSS before %s MB, peak %s MB, after %s MB; heap used before %s MB, after %s MB%n",
              fmt(p.rssBeforeBytes() / 1e6),
              fmt(p.rssPeakBytes() / 1e6),
              fmt(p.rssAfterBytes() / 1e6),
              fmt(p.heapUsedBeforeBytes() / 1e6),
              fmt(p.heapUsedAfterBytes() / 1e6)));
    }
    PeerTools.Result peers = r.peers();
    if (peers != null) {
      b.append("\n== peers: found ")
          .append(peers.found().isEmpty() ? "none" : String.join(", ", peers.found()))
          .append("; not on PATH: ")
          .append(String.join(", ", peers.missing()))
          .append('\n');
      for (PeerTools.PeerRun x : peers.runs()) {
        b.append(
            String.format(
                "  %-15s %d files (%d failed): %s s/file vs ours %s → time ours/theirs %s, size ours/theirs %s%n",
                x.tool(),
                x.files(),
                x.failures(),
                fmt(x.secondsPerFile()),
                fmt(x.ourSecondsPerFile()),
                fmt(x.timeRatio()),
                fmt(x.sizeRatio())));
      }
    }
    AuthCost.Result a = r.authCost();
    if (a != null) {
      b.append(authCost(a));
    }
    for (String n : r.notes()) {
      b.append("note: ").append(n).append('\n');
    }
    return b.toString();
  }

  /** The auth workload's table: per request, auth on, off and on − off, in microseconds. */
  static String authCost(AuthCost.Result a) {
    StringBuilder b = new StringBuilder();
    AuthCost.Settings s = a.settings();
    b.append(
        String.format(
            "%n== auth cost: --auth on vs --auth off, %d round(s) alternating, warm-up %d GETs + %d uploads"
                + " per grid, upload %d bytes (pipeline %s); load %s → %s%n",
            s.rounds(),
            s.warmup(),
            s.warmup() / 4,
            a.uploadBytes(),
            s.pipeline(),
            a.loadBefore(),
            a.loadAfter()));
    b.append(
        String.format(
            "  %-18s %-6s %6s %9s %9s %9s %9s %9s %6s%n",
            "request", "auth", "n", "p50 µs", "p90 µs", "p99 µs", "mean µs", "max µs", "errors"));
    for (AuthCost.Row row : a.rows()) {
      b.append(stats(row.request(), "on", row.on()));
      b.append(stats("", "off", row.off()));
      b.append(
          String.format(
              "  %-18s %-6s %6s %9s %9s %9s%n",
              "",
              "on−off",
              "",
              signed(row.diffP50Us()),
              signed(row.diffP90Us()),
              signed(row.diffP99Us())));
    }
    for (AuthCost.Row row : a.rows()) {
      b.append(
          String.format(
              "  %s: p50 difference %s ms, %s the %s ms budget%n",
              row.request(),
              signed(row.diffP50Us() / 1000),
              row.withinBudget() ? "within" : "OVER",
              fmt(AuthCost.P50_BUDGET_MS)));
    }
    a.errors().forEach((k, v) -> b.append(String.format("  error %-24s %d%n", k, v)));
    return b.toString();
  }

  private static String stats(String request, String auth, AuthCost.Stats s) {
    return String.format(
        "  %-18s %-6s %6d %9s %9s %9s %9s %9s %6d%n",
        request,
        auth,
        s.count(),
        fmt(s.p50Us()),
        fmt(s.p90Us()),
        fmt(s.p99Us()),
        fmt(s.meanUs()),
        fmt(s.maxUs()),
        s.errors());
  }

  static String signed(double v) {
    return (v > 0 ? "+" : "") + fmt(v);
  }

  private static String line(String name, Dist d) {
    return String.format(
        "  %-11s p50 %s ms, p95 %s, p99 %s, max %s (n=%d)%n",
        name, fmt(d.p50()), fmt(d.p95()), fmt(d.p99()), fmt(d.max()), d.count());
  }

  static String kv(Map<String, ?> m) {
    return m.toString();
  }
}
