package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The timer of a periodic duty: runs on every tick, never over a run still in flight, not after
 * stop.
 */
@ExtendWith(VertxExtension.class)
class PeriodicDutyTest {

  /** A duty whose runs end only when the test says so. */
  static final class Held extends PeriodicDuty<Integer> {
    final List<Promise<Integer>> runs = new ArrayList<>();
    Runnable onRun = () -> {};

    Held() {
      super("held", Duration.ofMillis(5), Duration.ofMillis(5));
    }

    @Override
    public Future<Integer> runOnce() {
      Promise<Integer> p = Promise.promise();
      runs.add(p);
      onRun.run();
      return p.future();
    }

    @Override
    protected String report(Integer done) {
      return null;
    }
  }

  @Test
  void aRunInFlightIsNotOverlappedAndStopEndsTheTicks(Vertx vertx, VertxTestContext ctx) {
    Held duty = new Held();
    Checkpoint secondRun = ctx.checkpoint();
    vertx.runOnContext(
        v -> {
          duty.onRun =
              () -> {
                if (duty.runs.size() == 1) {
                  // many ticks pass while the first run is held: none starts another
                  vertx.setTimer(
                      60,
                      t -> {
                        ctx.verify(() -> assertThat(duty.runs).hasSize(1));
                        duty.runs.get(0).complete(0);
                      });
                } else if (duty.runs.size() == 2) {
                  duty.stop();
                  vertx.setTimer(
                      60,
                      t -> {
                        ctx.verify(() -> assertThat(duty.runs).as("no tick after stop").hasSize(2));
                        secondRun.flag();
                      });
                }
              };
          duty.start(vertx);
        });
  }
}
