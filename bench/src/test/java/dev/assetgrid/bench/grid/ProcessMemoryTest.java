package dev.assetgrid.bench.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads this very JVM from /proc: CPU over a window is what the process used inside it. */
class ProcessMemoryTest {
  @Test
  void cpuOverAWindowCountsOnlyWhatRanInsideIt() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc here (not Linux)");
    try (ProcessMemory m = new ProcessMemory(20)) {
      m.track("self", ProcessHandle.current(), false);
      Thread.sleep(200);
      long from = System.currentTimeMillis();
      burn(1000);
      long to = System.currentTimeMillis();
      Thread.sleep(500); // idle: only the JVM's own threads (JIT, GC) run
      m.sampleNow();
      double busy = m.peaks(from, to).get("self").cpuSeconds();
      double idle = m.peaks(to + 100, to + 450).get("self").cpuSeconds();
      // 1 s of a busy thread (plus whatever the JVM's own threads did meanwhile), give or take the
      // 10 ms tick
      assertThat(busy).isBetween(0.6, 3.0);
      assertThat(idle).as("350 ms after the work").isLessThan(busy / 2);
      assertThat(m.peaks().get("self").cpuSeconds()).isGreaterThanOrEqualTo(busy - 0.05);
      assertThat(m.ticksAt("self", to)).isGreaterThanOrEqualTo(m.ticksAt("self", from));
      assertThat(m.ticksAt("absent", to)).isZero();
    }
  }

  private static void burn(long ms) {
    long end = System.nanoTime() + ms * 1_000_000;
    double x = 1;
    while (System.nanoTime() < end) {
      x = Math.sin(x) + 1;
    }
    assertThat(x).isNotNaN();
  }
}
