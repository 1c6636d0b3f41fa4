package dev.assetgrid.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.run.Runner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
  @Test
  void closedLoopNumbersComeFromTheSamples() {
    RunSummary s = RunSummary.of("t", Samples.run(10), Map.of("n1", 2), 1, false);
    // wall = 10 s exactly (start at T0-50 ms, end at T0+10 s-50 ms)
    assertThat(s.wallSeconds()).isCloseTo(10.0, within(1e-9));
    assertThat(s.windowSeconds()).isEqualTo(s.wallSeconds());
    assertThat(s.succeeded()).isEqualTo(10);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.assetsPerSec()).isCloseTo(1.0, within(1e-9));
    assertThat(s.inputMBPerSec()).isCloseTo(1.0, within(1e-9));
    assertThat(s.trianglesPerSec()).isCloseTo(1000.0, within(1e-9));
    assertThat(s.errors()).containsExactly(Map.entry("DATA_ERROR", 1L));
    // latency of job i = 100 + (i+1)*10 ms → 110..200
    assertThat(s.latencyMs().p50()).isCloseTo(150, within(1e-6));
    assertThat(s.latencyMs().max()).isCloseTo(200, within(1e-6));
    assertThat(s.queue().leaseToCompleteMs().p50()).isCloseTo(50, within(1e-6));
    assertThat(s.queue().queueWaitMs().p50()).isCloseTo(100, within(1e-6));
    assertThat(s.stages().get("inspect").attempts()).isEqualTo(10);
    assertThat(s.stages().get("inspect").nodeElapsedMs().max()).isEqualTo(50);
    // busy = 10+20+...+100 ms = 550 ms over 10 s × 2 slots
    RunSummary.NodeUse n1 = s.nodeUse().get("n1");
    assertThat(n1.busySeconds()).isCloseTo(0.55, within(1e-9));
    assertThat(n1.utilisation()).isCloseTo(0.0275, within(1e-9));
    assertThat(s.timeline()).isNotEmpty();
    assertThat(s.timeline().stream().mapToDouble(p -> p[1]).sum()).isCloseTo(10.0, within(1e-9));
    // each sample was its own 50 ms upload (the failed one 1 ms), one per second from T0-50 ms
    assertThat(s.uploadMs().count()).isEqualTo(11);
    assertThat(s.uploadMs().p50()).isEqualTo(50);
    assertThat(s.uploadsPerSec()).isCloseTo(11 / 9.05, within(1e-9));
    assertThat(s.bulkRequests()).isZero();
    assertThat(s.submitMs().count()).isZero();
    assertThat(s.jobsCreatedPerSec()).isZero();
  }

  @Test
  void bulkRequestsAreTheSubmitPhaseAndUploadsStayApart() {
    RunSummary s = RunSummary.of("queue", Samples.queueRun(), Map.of("n1", 2), 1, true);
    assertThat(s.uploadMs().count()).isEqualTo(4);
    assertThat(s.uploadMs().max()).isEqualTo(100);
    assertThat(s.uploadsPerSec()).isCloseTo(4 / 0.4, within(1e-9));
    assertThat(s.bulkRequests()).isEqualTo(3);
    assertThat(s.jobsCreated()).isEqualTo(1496);
    // accepted requests only: 500 and 800 ms
    assertThat(s.submitMs().count()).isEqualTo(2);
    assertThat(s.submitMs().p50()).isEqualTo(500);
    assertThat(s.submitMs().max()).isEqualTo(800);
    // over the submit phase, first bulk start (T0+1 s) to last end (T0+2.01 s)
    assertThat(s.jobsCreatedPerSec()).isCloseTo(1496 / 1.01, within(1e-9));
    // the drain figures do not depend on how the jobs were submitted
    assertThat(s.queue().tasksPerSec()).isCloseTo(10 / 9.1, within(1e-9));
  }

  @Test
  void openLoopUsesTheAttemptWindow() {
    RunSummary s = RunSummary.of("q", Samples.run(10), Map.of("n1", 2), 1, true);
    // first lease T0+100 ms, last completion T0+9 s+100 ms+100 ms
    assertThat(s.queue().windowSeconds()).isCloseTo(9.1, within(1e-9));
    assertThat(s.windowSeconds()).isCloseTo(9.1, within(1e-9));
    assertThat(s.queue().tasksPerSec()).isCloseTo(10 / 9.1, within(1e-9));
  }

  @Test
  void aDrainsWarmUpIsItsFirstJobsToEndAndLeavesTheFigures() {
    Runner.RunData all = Samples.queueRun();
    // samples in reverse order: the split goes by the server's end time, not by list order
    List<JobSample> reversed = new java.util.ArrayList<>(all.samples());
    java.util.Collections.reverse(reversed);
    Runner.Split split =
        new Runner.RunData(
                reversed,
                all.requests(),
                all.startMs(),
                all.submitEndMs(),
                all.drainStartMs(),
                all.endMs())
            .splitWarmup(4);
    // the failed job ended at T0 + 1 ms, then jobs 0, 1, 2 (each created a second apart)
    assertThat(split.warmup().samples())
        .extracting(JobSample::jobId)
        .containsExactly("jx", "j0", "j1", "j2");
    assertThat(split.warmup().requests()).isEmpty();
    assertThat(split.measured().samples())
        .extracting(JobSample::jobId)
        .containsExactly("j3", "j4", "j5", "j6", "j7", "j8", "j9");
    assertThat(split.measured().requests()).isEqualTo(all.requests());

    RunSummary s = RunSummary.of("queue", split.measured(), Map.of("n1", 1), 1, true);
    assertThat(s.succeeded()).isEqualTo(7);
    assertThat(s.failed()).isZero();
    // first measured lease: job 3 at 3.1 s; last end: job 9 at 9.1 s + 100 ms
    assertThat(s.queue().windowSeconds()).isCloseTo(6.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(RunSummary.attemptSpan(split.measured().samples()))
        .containsExactly(Samples.T0.plusMillis(3100), Samples.T0.plusMillis(9200));
    assertThat(
            new Runner.RunData(List.of(), List.of(), 0, 0, 0, 0)
                .splitWarmup(3)
                .measured()
                .samples())
        .isEmpty();
  }
}
