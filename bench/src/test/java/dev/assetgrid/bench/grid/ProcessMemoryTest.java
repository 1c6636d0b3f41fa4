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
      Thread.sleep(300); // idle
      long from = System.currentTimeMillis();
      burn(600);
      long to = System.currentTimeMillis();
      Thread.sleep(300); // idle again
      m.sampleNow();
      double window = m.peaks(from, to).get("self").cpuSeconds();
      double idleBefore = m.peaks(from - 300, from - 50).get("self").cpuSeconds();
      // 0.6 s of a busy thread, give or take scheduling and the 10 ms tick
      assertThat(window).isBetween(0.35, 1.6);
      assertThat(idleBefore).isLessThan(0.25);
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
