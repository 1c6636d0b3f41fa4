package dev.assetgrid.bench.report;

import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.run.Runner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made samples with known numbers. */
final class Samples {
  private Samples() {}

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * {@code n} succeeded jobs of 1 MB and 1000 triangles each: job i created at i s, leased on node
   * "n1" at i s + 100 ms, inspect attempt of (i+1) × 10 ms, finished right after; plus one failed job.
   */
  static Runner.RunData run(int n) {
    List<JobSample> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant created = T0.plusSeconds(i);
      Instant leased = created.plusMillis(100);
      Instant done = leased.plusMillis((i + 1) * 10L);
      JobSample.Attempt a = new JobSample.Attempt(1, "n1", leased, done, "succeeded", null);
      JobSample.TaskSample t = new JobSample.TaskSample("inspect", "inspect", "succeeded", (i + 1) * 5L, List.of(a),
          List.of(new JobSample.Output("optimized.glb", 500)));
      long ms = created.toEpochMilli();
      s.add(new JobSample("m" + i + ".glb", 1_000_000, ms - 50, ms, done.toEpochMilli() + 5, "j" + i, "a" + i,
          "succeeded", null, created, leased, done, 1000, List.of(t)));
    }
    s.add(new JobSample("bad.glb", 10, T0.toEpochMilli(), T0.toEpochMilli() + 1, T0.toEpochMilli() + 2, "jx", "ax",
        "failed", "DATA_ERROR", T0, T0, T0.plusMillis(1), -1, List.of()));
    return new Runner.RunData(s, T0.toEpochMilli() - 50, T0.toEpochMilli() + n * 1000L,
        T0.toEpochMilli() - 50, T0.toEpochMilli() + n * 1000L - 50);
  }
}
