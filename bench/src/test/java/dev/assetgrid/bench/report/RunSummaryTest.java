package dev.assetgrid.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
  }

  @Test
  void openLoopUsesTheAttemptWindow() {
    RunSummary s = RunSummary.of("q", Samples.run(10), Map.of("n1", 2), 1, true);
    // first lease T0+100 ms, last completion T0+9 s+100 ms+100 ms
    assertThat(s.queue().windowSeconds()).isCloseTo(9.1, within(1e-9));
    assertThat(s.windowSeconds()).isCloseTo(9.1, within(1e-9));
    assertThat(s.queue().tasksPerSec()).isCloseTo(10 / 9.1, within(1e-9));
  }
}
