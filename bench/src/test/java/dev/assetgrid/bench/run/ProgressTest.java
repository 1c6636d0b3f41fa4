package dev.assetgrid.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void whileAQueueDrainsTheLineShowsWhatTheGridSaysEndedAskingAtMostEveryFiveSeconds() {
    Progress p = new Progress(null, "queue");
    p.start(0);
    p.submitted(10);
    p.accepted(10);
    AtomicInteger asked = new AtomicInteger();
    p.draining(() -> asked.incrementAndGet() * 4L);
    assertThat(p.line(1000)).isEqualTo("[queue    1.0s] accepted 10/10  draining: ? ended");
    p.askDrain(1000);
    assertThat(p.line(1000)).endsWith("draining: 4 ended");
    p.askDrain(1000 + Progress.DRAIN_ASK_MS - 1);
    assertThat(asked).as("not asked again within the interval").hasValue(1);
    p.askDrain(1000 + Progress.DRAIN_ASK_MS);
    assertThat(p.line(7000)).endsWith("draining: 8 ended");
    p.draining(() -> -1);
    p.askDrain(20_000);
    assertThat(p.line(20_000)).endsWith("draining: ? ended");
    // followed again: the usual counts
    p.draining(null);
    assertThat(p.line(20_000)).contains("done 0 (failed 0)  in flight 10");
  }
}
