package dev.assetgrid.client.http;

import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The tenant's event stream ({@code GET /v1/events}) across broken connections: it keeps the cursor
 * of the last event read (its SSE {@code id:}) and reconnects with {@code Last-Event-ID}, so the
 * server replays what came in between. After {@link #MAX_RECONNECTS} failures in a row (a reconnect
 * that fails, or a connection that broke before it was sound) it gives up with {@link Lost}.
 *
 * <p>A connection counts as sound again (the count starts over) once it delivered an event or
 * stayed open {@link #SOUND_AFTER}: the server pings every 15 s, so a quiet stream is not a broken
 * one, and a server that takes connections only to drop them at once still ends the retries.
 *
 * <p>The reading runs on a thread of its own ({@link #start}); {@link #read} waits for it, and an
 * interrupt of the waiting thread closes the stream. Reading on the caller's thread could not be
 * interrupted: the JDK's response stream takes the interrupt of a reader parked in it and goes on
 * waiting (seen on 17.0.15); only closing the stream from another thread wakes it.
 */
public final class EventStream implements AutoCloseable {
  /** Failures in a row before the stream is given up. */
  public static final int MAX_RECONNECTS = 5;

  /** The pause before the first reconnect; it doubles with each one that fails. */
  static final Duration FIRST_PAUSE = Duration.ofMillis(250);

  /** How long a connection that delivered nothing must last to count as sound. */
  static final Duration SOUND_AFTER = Duration.ofSeconds(30);

  /** What the stream delivers; called on the reading thread. */
  public interface Handler {
    /** An event; false ends the reading. */
    boolean event(Sse.Event e);

    /**
     * A broken connection was made again.
     *
     * @param resumed whether it resumed from a cursor; false: it starts now, and what happened
     *     while it was down is not replayed
     */
    default void reconnected(boolean resumed) {}
  }

  /** The stream broke and could not be made again ({@link ExitCode#UNAVAILABLE}). */
  public static final class Lost extends ClientException {
    private final transient String cursor;

    Lost(String sentence, String cursor, Throwable cause) {
      super(ExitCode.UNAVAILABLE, sentence, cause);
      this.cursor = cursor;
    }

    /** The cursor of the last event read (what {@code --after} resumes from), or null. */
    public String cursor() {
      return cursor;
    }
  }

  private final Api api;
  private final String path;
  private final boolean fromCursor;
  private volatile String cursor;
  private volatile InputStream current;
  private volatile boolean closed;
  private volatile Thread reader;

  /**
   * @param types type patterns, a comma list ({@code job.*,asset.ready}); null: every type
   * @param after the cursor to replay from ({@code 0-0}: everything kept); null: from now
   */
  public EventStream(Api api, String types, String after) {
    this.api = api;
    this.path = "/v1/events" + Query.of().add("types", types).add("after", after);
    this.fromCursor = after != null;
  }

  /** Makes the first connection; it fails as {@link Api} requests do (no retry). */
  public void connect() {
    current = api.events(path, null);
  }

  /** The cursor of the last event read, or null. */
  public String cursor() {
    return cursor;
  }

  /**
   * Reads events (connecting first if {@link #connect} was not called) until {@code handler}
   * returns false, the stream is {@linkplain #close closed} or this thread is interrupted.
   *
   * @throws Lost after {@link #MAX_RECONNECTS} failures in a row
   * @throws ServerProblem when the server refuses the stream (a 4xx: the key, a bad cursor)
   */
  public void read(Handler handler) {
    CompletableFuture<Void> done = start(handler);
    try {
      done.get();
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Starts reading as {@link #read} does, on a thread of its own; the future ends when the reading
   * does, failed with what {@link #read} would throw. {@code handler} is called on that thread.
   */
  public CompletableFuture<Void> start(Handler handler) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                readUntilStopped(handler);
                done.complete(null);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            },
            "assetgrid-events");
    t.setDaemon(true);
    reader = t;
    t.start();
    return done;
  }

  private void readUntilStopped(Handler handler) {
    int failed = 0;
    boolean first = current != null;
    if (!first) {
      connect();
    }
    while (!stopped()) {
      if (!first) {
        pause(failed);
        if (stopped()) {
          return;
        }
        try {
          current = api.events(path, cursor);
        } catch (Unreachable e) {
          failed = giveUpAfter(failed, e);
          continue;
        } catch (ServerProblem e) {
          if (e.problem().status() < 500) {
            throw e;
          }
          failed = giveUpAfter(failed, e);
          continue;
        } catch (ClientException e) {
          if (stopped()) {
            return; // interrupted while connecting
          }
          throw e;
        }
        if (stopped()) {
          closeConnection();
          return;
        }
        handler.reconnected(cursor != null || fromCursor);
      }
      first = false;
      long opened = System.nanoTime();
      boolean[] delivered = {false};
      boolean[] enough = {false};
      IOException broke = null;
      try (InputStream s = current) {
        Sse.read(
            s,
            e -> {
              if (e.id() != null) {
                cursor = e.id();
              }
              delivered[0] = true;
              enough[0] = !handler.event(e);
              return !enough[0];
            });
      } catch (IOException e) {
        broke = e;
      }
      if (enough[0] || stopped()) {
        return;
      }
      boolean sound =
          delivered[0] || System.nanoTime() - opened > SOUND_AFTER.toNanos(); // see the class note
      failed = sound ? 0 : giveUpAfter(failed, broke);
    }
  }

  /** Stops the reading (from another thread too) and closes the connection. */
  @Override
  public void close() {
    closed = true;
    closeConnection();
    Thread t = reader;
    if (t != null) {
      t.interrupt(); // out of a pause between reconnects
    }
  }

  private void closeConnection() {
    InputStream s = current;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a stream that broke anyway
      }
    }
  }

  private boolean stopped() {
    return closed || Thread.currentThread().isInterrupted();
  }

  /** One more failure in a row; throws {@link Lost} when that is one too many. */
  private int giveUpAfter(int failed, Exception cause) {
    if (failed + 1 > MAX_RECONNECTS) {
      URI where = api.uri(path);
      throw new Lost(
          "the event stream of "
              + where.getScheme()
              + "://"
              + where.getAuthority()
              + " broke off and "
              + MAX_RECONNECTS
              + " reconnects failed",
          cursor,
          cause);
    }
    return failed + 1;
  }

  private static void pause(int failed) {
    try {
      Thread.sleep(FIRST_PAUSE.toMillis() << Math.max(0, Math.min(failed - 1, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller's loop sees it and stops
    }
  }
}
