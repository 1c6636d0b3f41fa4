package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.store.AuditLog;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes audit rows older than the retention, once an hour. Every coordinator may run it: the
 * delete is idempotent, and nothing else ever removes a row.
 */
public final class AuditRetention implements Duty {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
  static final Duration EVERY = Duration.ofHours(1);

  private final AuditLog audit;
  private final Duration retention;
  private Vertx vertx;
  private long timer = -1;

  public AuditRetention(AuditLog audit, Duration retention) {
    this.audit = audit;
    this.retention = retention;
  }

  @Override
  public void start(Vertx vertx) {
    this.vertx = vertx;
    timer = vertx.setPeriodic(60_000, EVERY.toMillis(), t -> runOnce());
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  void runOnce() {
    audit
        .purgeOlderThan(retention)
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("audit retention: deleted {} row(s) older than {}", n, retention);
              }
            })
        .onFailure(e -> LOG.warn("audit retention failed: {}", e.toString()));
  }
}
