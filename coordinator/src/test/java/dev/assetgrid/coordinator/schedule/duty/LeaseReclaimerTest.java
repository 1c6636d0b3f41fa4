package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Expired leases are reclaimed once the clock passes their expiry, and not before. */
@ExtendWith(VertxExtension.class)
class LeaseReclaimerTest {
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
  void aLeaseIsReclaimedWhenTheClockPassesItsExpiryAndLeasedAgainAtOnce(VertxTestContext ctx) {
    Checkpoint reclaimed = ctx.checkpoint();
    LeasedTask[] first = new LeasedTask[1];
    StepClock[] at = new StepClock[1];
    LeaseReclaimer[] duty = new LeaseReclaimer[1];
    q.noopJob()
        .compose(job -> q.lease("node-a", 1))
        .compose(
            leased -> {
              first[0] = leased.get(0);
              // the clock stands just after the lease was taken, by the database's clock
              at[0] = StepClock.now();
              duty[0] = new LeaseReclaimer(q.scheduler, at[0]);
              return duty[0].runOnce();
            })
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("still within the lease").isZero());
              at[0].advance(QueueFixture.LEASE.minusSeconds(1));
              return duty[0].runOnce();
            })
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("a second before expiry").isZero());
              at[0].advance(Duration.ofSeconds(2));
              return duty[0].runOnce();
            })
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("past expiry").isEqualTo(1));
              return q.task(first[0].taskId());
            })
        .compose(
            state -> {
              // a lost lease is no fault of the task: back in the queue without backoff
              ctx.verify(() -> assertThat(state).isEqualTo("queued/1"));
              return q.lease("node-b", 1);
            })
        .onComplete(
            ctx.succeeding(
                again ->
                    ctx.verify(
                        () -> {
                          assertThat(again)
                              .singleElement()
                              .satisfies(
                                  t -> {
                                    assertThat(t.taskId()).isEqualTo(first[0].taskId());
                                    assertThat(t.attempt()).isEqualTo(2);
                                  });
                          reclaimed.flag();
                        })));
  }
}
