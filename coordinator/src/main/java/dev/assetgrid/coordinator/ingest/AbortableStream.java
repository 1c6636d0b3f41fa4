package dev.assetgrid.coordinator.ingest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A view of an upload stream that the receiver can abort: {@link #abort} fails whoever consumes the
 * view (the blob store stops, deletes its partial file and fails its future) and from then on
 * drains the underlying stream, so the connection stays readable while the error is answered. Not
 * thread-safe: use on the request's context only.
 */
final class AbortableStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean aborted;

  /** An abort that happened before the consumer registered its exception handler. */
  private Throwable undelivered;

  /** Pauses {@code source} and takes over its handlers. */
  AbortableStream(ReadStream<Buffer> source) {
    this.source = source;
    source.pause();
    source.handler(
        b -> {
          if (!aborted && handler != null) {
            handler.handle(b);
          }
        });
    source.endHandler(
        v -> {
          if (!aborted && endHandler != null) {
            endHandler.handle(null);
          }
        });
    source.exceptionHandler(
        t -> {
          if (!aborted && exceptionHandler != null) {
            exceptionHandler.handle(t);
          }
        });
  }

  /**
   * Fails the consumer with {@code cause} (once; later if it has not registered yet), then drains
   * the source.
   */
  void abort(Throwable cause) {
    if (aborted) {
      return;
    }
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(cause);
    } else {
      undelivered = cause;
    }
    aborted = true;
    source.resume();
  }

  @Override
  public AbortableStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    if (undelivered != null && handler != null) {
      Throwable cause = undelivered;
      undelivered = null;
      handler.handle(cause);
    }
    return this;
  }

  @Override
  public AbortableStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public AbortableStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public AbortableStream pause() {
    if (!aborted) {
      source.pause();
    }
    return this;
  }

  @Override
  public AbortableStream resume() {
    source.resume();
    return this;
  }

  @Override
  public AbortableStream fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
