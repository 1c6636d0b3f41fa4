package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.TaskError;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parked lease requests are re-tried when a retry's backoff has ended by the clock, and only then.
 */
@ExtendWith(VertxExtension.class)
class RetryTickerTest {
  static QueueFixture q;
  final AtomicBoolean parked = new AtomicBoolean();
  final AtomicInteger retries = new AtomicInteger();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    q = QueueFixture.start(vertx);
  }

  @BeforeEach
  void clean(VertxTestContext ctx) {
    q.clean().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRetryInBackoffWakesTheParkedRequestsOnceTheClockPassesItsRunAt(VertxTestContext ctx) {
    StepClock clock = StepClock.now();
    RetryTicker ticker = new RetryTicker(q.scheduler, clock, parked::get, retries::incrementAndGet);
    Checkpoint woken = ctx.checkpoint();
    q.noopJob()
        .compose(job -> q.lease("n", 1))
        // retryable: queued again after a backoff of 30-60 minutes (the fixture's policy)
        .compose(
            leased ->
                q.scheduler.complete(
                    CompleteRequest.failed(
                        leased.get(0), TaskError.of(ErrorCode.BLOB_IO_ERROR, "disk"))))
        .compose(
            reply -> {
              ctx.verify(() -> assertThat(reply.accepted()).isTrue());
              return ticker.runOnce();
            })
        .compose(
            retried -> {
              ctx.verify(() -> assertThat(retried).as("nobody is parked: nothing to do").isFalse());
              parked.set(true);
              return ticker.runOnce();
            })
        .compose(
            retried -> {
              ctx.verify(() -> assertThat(retried).as("the backoff has not ended").isFalse());
              clock.advance(Duration.ofMinutes(61));
              return ticker.runOnce();
            })
        .onComplete(
            ctx.succeeding(
                retried ->
                    ctx.verify(
                        () -> {
                          assertThat(retried).as("the backoff ended").isTrue();
                          assertThat(retries).hasValue(1);
                          woken.flag();
                        })));
  }

  @Test
  void aReadyTaskNobodyWasWokenForIsRetriedAtTheNextTick(VertxTestContext ctx) {
    // a wake that went missing: the tick is the safety net
    q.noopJob()
        .compose(
            job ->
                new RetryTicker(q.scheduler, StepClock.now(), () -> true, retries::incrementAndGet)
                    .runOnce())
        .onComplete(
            ctx.succeeding(
                retried ->
                    ctx.verify(
                        () -> {
                          assertThat(retried).isTrue();
                          assertThat(retries).hasValue(1);
                          ctx.completeNow();
                        })));
  }
}
