package dev.assetgrid.coordinator.http;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** RFC 9457 problem details with our stable {@code code}. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  public static JsonObject body(ErrorCode code, String detail, String instance) {
    return new JsonObject()
        .put("type", "https://assetgrid.dev/errors/" + code.name())
        .put("title", code.name().replace('_', ' ').toLowerCase())
        .put("status", code.httpStatus())
        .put("code", code.name())
        .put("retryable", code.retryable())
        .put("detail", detail)
        .put("instance", instance);
  }

  public static void send(RoutingContext ctx, ErrorCode code, String detail) {
    send(ctx, code, detail, Map.of());
  }

  /**
   * A problem whose {@code extensions} (an exception's structured details, e.g. the ids that were
   * not found) become extension members beside the standard ones, which they never replace.
   */
  public static void send(
      RoutingContext ctx, ErrorCode code, String detail, Map<String, Object> extensions) {
    HttpServerResponse r = ctx.response();
    if (r.ended() || r.closed()) {
      return;
    }
    if (r.headWritten()) {
      r.reset();
      return;
    }
    ctx.put(Access.ERROR_CODE, code.name());
    r.setStatusCode(code.httpStatus()).putHeader("Content-Type", CONTENT_TYPE);
    if (code.httpStatus() == 503 && code.retryable() && r.headers().get("Retry-After") == null) {
      r.putHeader("Retry-After", "2"); // the store or database is coming back: try again shortly
    }
    if (code.httpStatus() == 413 || code.httpStatus() == 415 || code.httpStatus() == 422) {
      // the request body may be partly unread: don't let the client keep streaming into a dead end
      r.putHeader("Connection", "close");
    }
    JsonObject body = body(code, detail, ctx.request().path());
    extensions.forEach(
        (k, v) -> {
          if (!body.containsKey(k)) {
            body.put(k, v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v);
          }
        });
    r.end(body.encode());
  }

  /** Maps any failure to a problem; unexpected ones are logged with their stack. */
  public static void send(RoutingContext ctx, Throwable t) {
    ErrorCode code = AssetGridException.codeOf(t);
    if (code == ErrorCode.INTERNAL_ERROR && t instanceof io.vertx.pgclient.PgException pg) {
      // the database's own message names tables and columns: logged, not shown
      LOG.warn(
          "{} {}: database error {}", ctx.request().method(), ctx.request().path(), pg.toString());
      send(ctx, ErrorCode.STORE_UNAVAILABLE, "the database failed to answer; retry later");
      return;
    }
    if (code == ErrorCode.INTERNAL_ERROR) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
    }
    Map<String, Object> details = Map.of();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AssetGridException age) {
        details = age.details();
        break;
      }
    }
    send(ctx, code, t.getMessage() == null ? code.format() : t.getMessage(), details);
  }
}
