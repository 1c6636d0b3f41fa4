package dev.assetgrid.coordinator.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/** What every server-sent event stream of the API does: its headers and a keep-alive comment. */
final class EventStreams {
  /** How often an idle stream gets a comment line, so proxies and clients keep it open. */
  static final long PING_MS = 15_000;

  private EventStreams() {}

  /**
   * Makes {@code resp} an event stream (chunked, {@code text/event-stream}, not cached nor buffered
   * by proxies) and starts its keep-alive; returns the timer, to cancel when it ends.
   */
  static long open(Vertx vertx, HttpServerResponse resp) {
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    return vertx.setPeriodic(
        PING_MS,
        t -> {
          if (!resp.ended()) {
            resp.write(": ping\n\n");
          }
        });
  }
}
