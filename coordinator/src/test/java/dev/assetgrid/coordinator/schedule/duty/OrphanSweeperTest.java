package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leases of non-members are requeued, but only after the grace period that lets nodes rejoin. */
@ExtendWith(VertxExtension.class)
class OrphanSweeperTest {
  static QueueFixture q;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    q = QueueFixture.start(vertx);
  }

  @BeforeEach
  void clean(VertxTestContext ctx) {
    q.clean().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void leasesOfNodesThatAreNotMembersAreRequeuedOnceTheGraceHasPassed(VertxTestContext ctx) {
    StepClock clock = StepClock.now();
    OrphanSweeper sweeper = new OrphanSweeper(q.scheduler, clock, () -> Set.of("live-node"));
    Checkpoint swept = ctx.checkpoint();
    LeasedTask[] leased = new LeasedTask[2];
    Future.all(q.noopJob(), q.noopJob())
        .compose(jobs -> q.lease("gone-node", 1))
        .compose(
            gone -> {
              leased[0] = gone.get(0);
              return q.lease("live-node", 1);
            })
        .compose(
            live -> {
              leased[1] = live.get(0);
              clock.advance(OrphanSweeper.GRACE.minusSeconds(1));
              return sweeper.runOnce();
            })
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("within the grace period").isZero());
              return q.task(leased[0].taskId());
            })
        .compose(
            state -> {
              ctx.verify(
                  () -> assertThat(state).as("the orphan is left alone").isEqualTo("leased/1"));
              clock.advance(Duration.ofSeconds(1));
              return sweeper.runOnce();
            })
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("after the grace period").isEqualTo(1));
              return Future.all(q.task(leased[0].taskId()), q.task(leased[1].taskId()));
            })
        .onComplete(
            ctx.succeeding(
                states ->
                    ctx.verify(
                        () -> {
                          assertThat(states.<String>resultAt(0)).isEqualTo("queued/1");
                          assertThat(states.<String>resultAt(1))
                              .as("a member's lease stays")
                              .isEqualTo("leased/1");
                          swept.flag();
                        })));
  }
}
