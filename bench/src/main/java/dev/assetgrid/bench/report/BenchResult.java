package dev.assetgrid.bench.report;

import dev.assetgrid.bench.grid.ProcessMemory;
import dev.assetgrid.bench.run.JobSample;
import java.util.List;
import java.util.Map;

/**
 * Everything one bench invocation produced; serialised as the {@code --json} file and rendered as
 * the {@code --html} report.
 *
 * @param gridVersion version the nodes announced, or null
 * @param settings the effective CLI settings
 * @param runs one per node count (a sweep has several)
 * @param sweep scaling points when more than one node count ran
 * @param uploadProbe the big-upload probe, or null
 * @param peers peer tool comparison, or null
 * @param authCost the auth workload's latencies with auth on vs off, or null
 * @param notes findings worth reading next to the numbers (e.g. where the time goes)
 */
public record BenchResult(
    String tool,
    String version,
    String gridVersion,
    String startedAt,
    MachineInfo machine,
    Map<String, Object> settings,
    List<Run> runs,
    List<SweepPoint> sweep,
    dev.assetgrid.bench.probe.UploadProbe.Result uploadProbe,
    dev.assetgrid.bench.peers.PeerTools.Result peers,
    dev.assetgrid.bench.probe.AuthCost.Result authCost,
    List<String> notes) {

  /** A run: its summary, the peak memory of the processes it spawned, and the raw samples. */
  public record Run(
      RunSummary summary, Map<String, ProcessMemory.Peak> memory, List<JobSample> samples) {}

  /**
   * @param throughput assets/s (or tasks/s for the queue workload)
   * @param efficiency throughput(N) / (N × throughput(1))
   */
  public record SweepPoint(int nodes, double throughput, double speedup, double efficiency) {}

  /**
   * Scaling points from runs with one throughput metric; the first point with 1 node (or the first)
   * is the base.
   */
  public static List<SweepPoint> sweep(List<Run> runs, boolean tasks) {
    if (runs.size() < 2) {
      return List.of();
    }
    Run base = runs.stream().filter(r -> r.summary().nodes() == 1).findFirst().orElse(runs.get(0));
    double t1 = throughput(base, tasks) / base.summary().nodes();
    return runs.stream()
        .map(
            r -> {
              double t = throughput(r, tasks);
              int n = r.summary().nodes();
              return new SweepPoint(n, t, Scaling.speedup(t1, t), Scaling.efficiency(t1, n, t));
            })
        .toList();
  }

  static double throughput(Run r, boolean tasks) {
    return tasks ? r.summary().queue().tasksPerSec() : r.summary().assetsPerSec();
  }
}
