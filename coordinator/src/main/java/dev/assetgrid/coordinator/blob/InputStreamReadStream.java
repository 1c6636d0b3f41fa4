package dev.assetgrid.coordinator.blob;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blocking {@link InputStream} as a Vert.x {@link ReadStream}: one chunk is read at a time on a
 * worker pool, and only while there is demand, so a slow consumer holds at most one chunk in memory
 * and the rest waits in the socket (back-pressure reaches the remote sender).
 *
 * <p>Events are delivered on the context that created the stream. Nothing is read until a handler
 * is set. The input is closed at its end or on a failure; a consumer that gives up early (sets the
 * handler to null before the end) makes the stream {@link #abandon abandon} the input, so its
 * connection is not left open.
 */
final class InputStreamReadStream implements ReadStream<Buffer> {
  private static final Logger LOG = LoggerFactory.getLogger(InputStreamReadStream.class);

  private final Context context;
  private final WorkerExecutor workers;
  private final InputStream in;
  private final int chunkSize;
  private final Runnable abort;
  private final Function<Throwable, Throwable> errors;

  // state below is touched only on `context`
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean reading;
  private boolean closed;
  private boolean ended;

  /**
   * @param abort stops the input before its end without reading the rest (e.g. aborts the HTTP
   *     connection); {@link InputStream#close()} is used at the end
   * @param errors turns a read failure into what the exception handler receives
   */
  InputStreamReadStream(
      Context context,
      WorkerExecutor workers,
      InputStream in,
      int chunkSize,
      Runnable abort,
      Function<Throwable, Throwable> errors) {
    this.context = Objects.requireNonNull(context, "context");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.in = Objects.requireNonNull(in, "in");
    this.chunkSize = chunkSize;
    this.abort = Objects.requireNonNull(abort, "abort");
    this.errors = Objects.requireNonNull(errors, "errors");
  }

  @Override
  public InputStreamReadStream exceptionHandler(Handler<Throwable> h) {
    onContext(() -> exceptionHandler = h);
    return this;
  }

  @Override
  public InputStreamReadStream handler(Handler<Buffer> h) {
    onContext(
        () -> {
          Handler<Buffer> previous = handler;
          handler = h;
          if (h == null && previous != null && !closed) {
            abandon();
          } else {
            pump();
          }
        });
    return this;
  }

  @Override
  public InputStreamReadStream pause() {
    onContext(() -> demand = 0);
    return this;
  }

  @Override
  public InputStreamReadStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public InputStreamReadStream fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount < 0");
    }
    onContext(
        () -> {
          demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
          pump();
        });
    return this;
  }

  @Override
  public InputStreamReadStream endHandler(Handler<Void> h) {
    onContext(
        () -> {
          endHandler = h;
          // the end may come before the caller sets this handler (a short input read on a worker
          // while the caller's own setting travels to the context): it is told now
          if (ended && h != null) {
            endHandler = null;
            h.handle(null);
          }
        });
    return this;
  }

  /** Stops reading and lets go of the input without draining it. */
  void abandon() {
    if (closed) {
      return;
    }
    closed = true;
    workers.executeBlocking(
        () -> {
          abort.run();
          return null;
        },
        false);
  }

  private void pump() {
    if (reading || closed || handler == null || demand == 0) {
      return;
    }
    reading = true;
    workers
        .executeBlocking(() -> in.readNBytes(chunkSize), false)
        .onComplete(
            ar -> {
              reading = false;
              if (closed) {
                return;
              }
              if (ar.failed()) {
                fail(ar.cause());
              } else if (ar.result().length == 0) {
                end();
              } else {
                if (demand != Long.MAX_VALUE) {
                  demand--;
                }
                Handler<Buffer> h = handler;
                if (h != null) {
                  h.handle(Buffer.buffer(ar.result()));
                }
                pump();
              }
            });
  }

  private void end() {
    closed = true;
    ended = true;
    closeQuietly();
    Handler<Void> h = endHandler;
    if (h != null) {
      endHandler = null;
      h.handle(null);
    }
  }

  private void fail(Throwable t) {
    closed = true;
    workers.executeBlocking(
        () -> {
          abort.run();
          return null;
        },
        false);
    Handler<Throwable> h = exceptionHandler;
    Throwable mapped = errors.apply(t);
    if (h != null) {
      h.handle(mapped);
    } else {
      LOG.warn("Unhandled failure of a blob stream: {}", mapped.getMessage());
    }
  }

  private void closeQuietly() {
    workers.executeBlocking(
        () -> {
          try {
            in.close();
          } catch (IOException e) {
            LOG.debug("Closing a finished blob stream failed", e);
          }
          return null;
        },
        false);
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }
}
