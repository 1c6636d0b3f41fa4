package dev.assetgrid.coordinator.schedule.duty;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A duty that runs every {@code period} on a Vert.x timer: each tick calls {@link #runOnce}, unless
 * the previous run has not ended yet (a slow database never piles runs up). What a run did is
 * logged when {@link #report} has something to say; a failed run is logged and the next tick tries
 * again. Tests call {@link #runOnce} directly.
 *
 * @param <T> what one run did
 */
public abstract class PeriodicDuty<T> implements Duty {
  /** The duty's own logger: lines name the duty's class. */
  private final Logger log = LoggerFactory.getLogger(getClass());

  private final String name;
  private final Duration firstAfter;
  private final Duration period;
  private Vertx vertx;
  private long timer = -1;
  private boolean running;

  /**
   * @param name what the logs call it
   * @param firstAfter delay of the first run after {@link #start}
   * @param period delay between runs
   */
  protected PeriodicDuty(String name, Duration firstAfter, Duration period) {
    this.name = name;
    this.firstAfter = firstAfter;
    this.period = period;
  }

  /** One run of the duty; the future says what it did. */
  public abstract Future<T> runOnce();

  /** The log line for what a run did, or null when it did nothing worth a line. */
  protected abstract String report(T done);

  public Duration period() {
    return period;
  }

  @Override
  public void start(Vertx vertx) {
    this.vertx = vertx;
    timer = vertx.setPeriodic(Math.max(1, firstAfter.toMillis()), period.toMillis(), id -> tick());
  }

  @Override
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    Future<T> run;
    try {
      run = runOnce();
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    run.onComplete(
        ar -> {
          running = false;
          if (ar.failed()) {
            log.warn("{} failed: {}", name, ar.cause().toString());
          } else {
            String line = report(ar.result());
            if (line != null) {
              log.info(line);
            }
          }
        });
  }
}
