package dev.assetgrid.coordinator.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;

/**
 * Wakes a poller soon after committed job events are announced on {@link JobEvents#ADDRESS} (most
 * events come with such a batch), at most once per {@link #DELAY}: a busy queue's many commits then
 * cost the poller one read each 50 ms, not one each.
 */
final class BusHints {
  static final Duration DELAY = Duration.ofMillis(50);

  private final MessageConsumer<Object> consumer;
  private boolean pending;

  /** Runs {@code wake} on the caller's context, {@link #DELAY} after a hint, one at a time. */
  BusHints(Vertx vertx, Runnable wake) {
    consumer =
        vertx
            .eventBus()
            .consumer(
                JobEvents.ADDRESS,
                m -> {
                  if (!pending) {
                    pending = true;
                    vertx.setTimer(
                        DELAY.toMillis(),
                        t -> {
                          pending = false;
                          wake.run();
                        });
                  }
                });
  }

  Future<Void> ready() {
    return consumer.completion();
  }

  Future<Void> close() {
    return consumer.unregister();
  }
}
