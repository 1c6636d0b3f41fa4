package dev.assetgrid.coordinator.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per request when its response ends, on logger {@code assetgrid.access}: method, path
 * (never the query, which may hold a part URL's token), status, milliseconds, body bytes in and out
 * and the error code of a problem answer, as the line's key/value pairs (JSON: {@code kvpList});
 * the request id, tenant and key come with the request's log fields. Health probes and scrapes are
 * logged at DEBUG, everything else at INFO.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("assetgrid.access");

  private AccessLog() {}

  static void track(RoutingContext ctx) {
    long t0 = System.nanoTime();
    ctx.addEndHandler(
        v -> {
          HttpServerRequest req = ctx.request();
          String path = req.path();
          boolean probe =
              path.equals("/health") || path.equals("/ready") || path.equals("/metrics");
          if (probe ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) {
            return;
          }
          int status = ctx.response().getStatusCode();
          long ms = (System.nanoTime() - t0) / 1_000_000;
          LoggingEventBuilder b = probe ? LOG.atDebug() : LOG.atInfo();
          b.addKeyValue("method", req.method().name())
              .addKeyValue("path", path)
              .addKeyValue("status", status)
              .addKeyValue("ms", ms)
              .addKeyValue("bytesIn", req.bytesRead())
              .addKeyValue("bytesOut", ctx.response().bytesWritten());
          String code = ctx.get(Access.ERROR_CODE);
          if (code != null) {
            b.addKeyValue("code", code);
          }
          b.log(
              "{} {} {} {} ms{}",
              req.method().name(),
              path,
              status,
              ms,
              code == null ? "" : " " + code);
        });
    ctx.next();
  }
}
