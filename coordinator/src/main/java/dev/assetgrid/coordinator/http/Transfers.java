package dev.assetgrid.coordinator.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The body bytes that passed through this coordinator's HTTP server since it started, by kind of
 * route: what {@code /v1/stats} shows as {@code transfer}, and how one sees that with an S3 store
 * the task bytes bypass the coordinator (nodes fetch and put them with presigned URLs).
 *
 * <p>Counted when a request ends, from the server's own byte counts ({@code bytesRead} of the
 * request body, {@code bytesWritten} of the response body), so every route is covered, including
 * the failures.
 */
public final class Transfers {
  /** Kinds of route, by what their bodies carry. */
  public enum Route {
    /** {@code POST /v1/assets} and the parts of direct uploads the coordinator receives. */
    UPLOADS,
    /** {@code GET /v1/assets/{id}/files/{name}}. */
    FILES,
    /** {@code GET /internal/tasks/{id}/inputs/{sha256}}: nodes fetching inputs. */
    TASK_INPUTS,
    /** {@code PUT /internal/tasks/{id}/outputs/{name}}: nodes putting outputs. */
    TASK_OUTPUTS,
    /** Everything else (JSON requests and answers, events). */
    OTHER;

    String jsonName() {
      return switch (this) {
        case UPLOADS -> "uploads";
        case FILES -> "files";
        case TASK_INPUTS -> "taskInputs";
        case TASK_OUTPUTS -> "taskOutputs";
        case OTHER -> "other";
      };
    }
  }

  private final Map<Route, LongAdder[]> counts = new EnumMap<>(Route.class);
  private final LongAdder redirects = new LongAdder();

  public Transfers() {
    for (Route r : Route.values()) {
      counts.put(r, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }
  }

  /** Counts the request of {@code ctx} when it ends. */
  void track(RoutingContext ctx) {
    Route route = classify(ctx.request().method().name(), ctx.request().path());
    ctx.addEndHandler(
        v -> {
          LongAdder[] c = counts.get(route);
          c[0].increment();
          c[1].add(ctx.request().bytesRead());
          c[2].add(ctx.response().bytesWritten());
        });
    ctx.next();
  }

  /** A download answered by a redirect to the store. */
  void redirected() {
    redirects.increment();
  }

  static Route classify(String method, String path) {
    if (path == null) {
      return Route.OTHER;
    }
    if (path.startsWith("/internal/uploads/")) {
      return Route.UPLOADS; // parts of direct uploads to the local store
    }
    if (path.startsWith("/internal/tasks/")) {
      if (path.contains("/inputs/")) {
        return Route.TASK_INPUTS;
      }
      if (path.contains("/outputs/") && "PUT".equals(method)) {
        return Route.TASK_OUTPUTS;
      }
      return Route.OTHER;
    }
    if ("POST".equals(method) && (path.equals("/v1/assets") || path.equals("/v1/assets/"))) {
      return Route.UPLOADS;
    }
    if (path.startsWith("/v1/assets/") && path.contains("/files/")) {
      return Route.FILES;
    }
    return Route.OTHER;
  }

  /** Request and response body bytes of one kind of route. */
  public long bytesIn(Route r) {
    return counts.get(r)[1].sum();
  }

  public long bytesOut(Route r) {
    return counts.get(r)[2].sum();
  }

  /**
   * Reports the same counts as {@code assetgrid_http_body_bytes_total{route,direction}} (direction
   * {@code in} or {@code out}; route {@code uploads}, {@code files}, {@code taskInputs}, {@code
   * taskOutputs}, {@code other}) into {@code registry}.
   */
  void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    for (Route r : Route.values()) {
      LongAdder[] c = counts.get(r);
      for (int i = 1; i <= 2; i++) {
        LongAdder a = c[i];
        io.micrometer.core.instrument.FunctionCounter.builder(
                "assetgrid.http.body", a, LongAdder::sum)
            .description("Body bytes this coordinator's HTTP server moved, by kind of route")
            .baseUnit("bytes")
            .tags("route", r.jsonName(), "direction", i == 1 ? "in" : "out")
            .register(registry);
      }
    }
  }

  /**
   * {@code {"uploads": {"requests", "bytesIn", "bytesOut"}, "files": ..., "taskInputs": ...,
   * "taskOutputs": ..., "other": ..., "fileRedirects": n}}.
   */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    for (Route r : Route.values()) {
      LongAdder[] c = counts.get(r);
      j.put(
          r.jsonName(),
          new JsonObject()
              .put("requests", c[0].sum())
              .put("bytesIn", c[1].sum())
              .put("bytesOut", c[2].sum()));
    }
    return j.put("fileRedirects", redirects.sum());
  }
}
