package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A node that left the cluster has its leases requeued at once, and nobody else's. */
@ExtendWith(VertxExtension.class)
class NodeLossRequeuerTest {
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
  void theLeavingNodesLeasesGoBackToTheQueueAndWakeIdleNodes(VertxTestContext ctx) {
    NodeLossRequeuer requeuer = new NodeLossRequeuer(q.scheduler);
    LeasedTask[] leased = new LeasedTask[2];
    int[] wakes = new int[1];
    Future.all(q.noopJob(), q.noopJob())
        .compose(jobs -> q.lease("n1", 1))
        .compose(
            l1 -> {
              leased[0] = l1.get(0);
              return q.lease("n2", 1);
            })
        .compose(
            l2 -> {
              leased[1] = l2.get(0);
              wakes[0] = q.wakes.get();
              return requeuer.runOnce("n1");
            })
        .compose(
            n -> {
              ctx.verify(
                  () -> {
                    assertThat(n).isEqualTo(1);
                    assertThat(q.wakes.get())
                        .as("requeued work wakes idle nodes")
                        .isGreaterThan(wakes[0]);
                  });
              return Future.all(q.task(leased[0].taskId()), q.task(leased[1].taskId()));
            })
        .compose(
            states -> {
              ctx.verify(
                  () -> {
                    assertThat(states.<String>resultAt(0)).isEqualTo("queued/1");
                    assertThat(states.<String>resultAt(1)).isEqualTo("leased/1");
                  });
              return q.lease("n3", 1);
            })
        .compose(
            again -> {
              ctx.verify(
                  () ->
                      assertThat(again)
                          .singleElement()
                          .satisfies(
                              t -> {
                                assertThat(t.taskId()).isEqualTo(leased[0].taskId());
                                assertThat(t.attempt()).isEqualTo(2);
                              }));
              return requeuer.runOnce("n1");
            })
        .onComplete(
            ctx.succeeding(
                n ->
                    ctx.verify(
                        () -> {
                          assertThat(n).as("nothing left of n1").isZero();
                          ctx.completeNow();
                        })));
  }
}
