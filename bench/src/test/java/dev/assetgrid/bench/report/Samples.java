package dev.assetgrid.bench.report;

import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.run.Runner;
import dev.assetgrid.bench.run.SubmitRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made samples with known numbers. */
final class Samples {
  private Samples() {}

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * {@code n} succeeded jobs of 1 MB and 1000 triangles each: job i created at i s, leased on node
   * "n1" at i s + 100 ms, inspect attempt of (i+1) × 10 ms, finished right after; plus one failed
   * job.
   */
  static Runner.RunData run(int n) {
    List<JobSample> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant created = T0.plusSeconds(i);
      Instant leased = created.plusMillis(100);
      Instant done = leased.plusMillis((i + 1) * 10L);
      JobSample.Attempt a = new JobSample.Attempt(1, "n1", leased, done, "succeeded", null);
      JobSample.TaskSample t =
          new JobSample.TaskSample(
              "inspect",
              "inspect",
              "succeeded",
              (i + 1) * 5L,
              List.of(a),
              List.of(new JobSample.Output("optimized.glb", 500)));
      long ms = created.toEpochMilli();
      s.add(
          new JobSample(
              "m" + i + ".glb",
              1_000_000,
              ms - 50,
              ms,
              done.toEpochMilli() + 5,
              "j" + i,
              "a" + i,
              "succeeded",
              null,
              created,
              leased,
              done,
              1000,
              List.of(t)));
    }
    s.add(
        new JobSample(
            "bad.glb",
            10,
            T0.toEpochMilli(),
            T0.toEpochMilli() + 1,
            T0.toEpochMilli() + 2,
            "jx",
            "ax",
            "failed",
            "DATA_ERROR",
            T0,
            T0,
            T0.plusMillis(1),
            -1,
            List.of()));
    List<SubmitRequest> uploads =
        s.stream()
            .map(
                x ->
                    new SubmitRequest(
                        SubmitRequest.Kind.UPLOAD, x.submitStartMs(), x.submitEndMs(), 1, null))
            .toList();
    return new Runner.RunData(
        s,
        uploads,
        T0.toEpochMilli() - 50,
        T0.toEpochMilli() + n * 1000L,
        T0.toEpochMilli() - 50,
        T0.toEpochMilli() + n * 1000L - 50);
  }

  /**
   * The requests of a queue run, with the samples of {@link #run}: 4 uploads of 100 ms back to back
   * from T0, then bulk requests T0+1.0 → 1.5 s (1000 jobs) and T0+1.2 → 2.0 s (496 jobs), and one
   * refused T0+2.0 → 2.01 s.
   */
  static Runner.RunData queueRun() {
    Runner.RunData base = run(10);
    long t = T0.toEpochMilli();
    List<SubmitRequest> r = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      r.add(
          new SubmitRequest(SubmitRequest.Kind.UPLOAD, t + i * 100L, t + (i + 1) * 100L, 1, null));
    }
    r.add(new SubmitRequest(SubmitRequest.Kind.BULK, t + 1000, t + 1500, 1000, null));
    r.add(new SubmitRequest(SubmitRequest.Kind.BULK, t + 1200, t + 2000, 496, null));
    r.add(new SubmitRequest(SubmitRequest.Kind.BULK, t + 2000, t + 2010, 0, "OVERLOADED"));
    return new Runner.RunData(
        base.samples(), r, base.startMs(), base.submitEndMs(), base.drainStartMs(), base.endMs());
  }
}
