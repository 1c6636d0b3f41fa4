package dev.assetgrid.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScalingTest {
  @Test
  void efficiencyIsThroughputOverNTimesSingleNode() {
    assertThat(Scaling.efficiency(10, 1, 10)).isEqualTo(1.0);
    assertThat(Scaling.efficiency(10, 2, 20)).isEqualTo(1.0);
    assertThat(Scaling.efficiency(10, 4, 30)).isCloseTo(0.75, within(1e-12));
    assertThat(Scaling.speedup(10, 30)).isEqualTo(3.0);
  }

  @Test
  void unknownBaseGivesNaN() {
    assertThat(Scaling.efficiency(0, 2, 5)).isNaN();
  }
}
