package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadPacerTest {
  long now = 1_000_000_000L;

  @Test
  void eachTakeWaitsForItsBytesAtTheRate() {
    ReadPacer p = new ReadPacer(1_000_000, () -> now); // 1 MB/s: 1 µs a byte
    assertThat(p.take(1_000)).isEqualTo(1_000_000); // 1 ms
    assertThat(p.take(1_000)).isEqualTo(2_000_000); // not waited yet: owes both
    now += 2_000_000;
    assertThat(p.take(500_000)).isEqualTo(500_000_000);
  }

  @Test
  void idleTimeEarnsNoBurst() {
    ReadPacer p = new ReadPacer(1_000_000, () -> now);
    p.take(1_000);
    now += 10_000_000_000L; // ten seconds idle
    assertThat(p.take(1_000)).isEqualTo(1_000_000);
  }

  @Test
  void aSlowReaderNeverWaits() {
    ReadPacer p = new ReadPacer(1_000_000, () -> now);
    for (int i = 0; i < 5; i++) {
      now += 2_000_000; // 1000 bytes every 2 ms is half the rate
      assertThat(p.take(1_000)).isLessThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void theRateMustBePositive() {
    assertThatThrownBy(() -> new ReadPacer(0, () -> now))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
