package dev.assetgrid.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DistTest {
  @Test
  void nearestRankPercentilesOfOneToHundred() {
    Dist d = Dist.of(IntStream.rangeClosed(1, 100).mapToObj(i -> (double) (101 - i)).toList());
    assertThat(d.count()).isEqualTo(100);
    assertThat(d.p50()).isEqualTo(50);
    assertThat(d.p95()).isEqualTo(95);
    assertThat(d.p99()).isEqualTo(99);
    assertThat(d.max()).isEqualTo(100);
    assertThat(d.min()).isEqualTo(1);
    assertThat(d.mean()).isEqualTo(50.5);
  }

  @Test
  void smallSamplesReportObservedValues() {
    Dist d = Dist.of(List.of(10.0, 20.0, 30.0));
    assertThat(d.p50()).isEqualTo(20);
    assertThat(d.p95()).isEqualTo(30);
    assertThat(d.p99()).isEqualTo(30);
    assertThat(Dist.of(List.of(7.0)).p50()).isEqualTo(7);
  }

  @Test
  void emptyIsZeroAndBadPercentileIsRefused() {
    assertThat(Dist.of(new double[0])).isEqualTo(Dist.EMPTY);
    assertThatThrownBy(() -> Dist.percentile(new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Dist.percentile(new double[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
