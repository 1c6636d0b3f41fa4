package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.metrics.GridGauges;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.metrics.GridMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the coordinator's registry in the Prometheus text format — Vert.x's (HTTP
 * server and clients, event bus, SQL pools, JVM), the queue's ({@code metrics.QueueMeters}), the
 * grid's counts sampled on the scrape ({@link GridGauges}), the in-process slots' and this server's
 * ({@code assetgrid_http_problems_total{code}}, {@code assetgrid_http_body_bytes_total}).
 *
 * <p>The figures cover every tenant, so only keys of tenant {@code default} read them (a reader key
 * is enough: give Prometheus one, as {@code authorization: credentials_file}).
 */
final class MetricsResource implements HttpResource {
  private final Access access;
  private final PrometheusMeterRegistry registry;
  private final GridGauges gauges;

  MetricsResource(Access access, PrometheusMeterRegistry registry, GridGauges gauges) {
    this.access = access;
    this.registry = registry;
    this.gauges = gauges;
  }

  @Override
  public void register(Router r) {
    r.get("/metrics").handler(access::authenticate).handler(this::scrape);
  }

  private void scrape(RoutingContext ctx) {
    if (!Principal.DEFAULT_TENANT.equals(Access.principal(ctx).tenantId())) {
      Problems.send(
          ctx,
          ErrorCode.FORBIDDEN,
          "/metrics covers every tenant: only keys of tenant "
              + Principal.DEFAULT_TENANT_NAME
              + " read it");
      return;
    }
    // a failed sample keeps the previous values: the scrape still answers
    gauges
        .refresh()
        .recover(e -> io.vertx.core.Future.succeededFuture())
        .compose(v -> GridMeters.scrape(ctx.vertx(), registry))
        .onSuccess(
            text -> ctx.response().putHeader("Content-Type", GridMeters.CONTENT_TYPE).end(text))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** Counts every problem answer by code ({@code assetgrid_http_problems_total{code}}). */
  static void countProblems(RoutingContext ctx, MeterRegistry registry) {
    ctx.addEndHandler(
        v -> {
          String code = ctx.get(Access.ERROR_CODE);
          if (code != null) {
            Counter.builder("assetgrid.http.problems")
                .description("Problem answers of the API, by error code")
                .tags("code", GridMeters.codeLabel(code))
                .register(registry)
                .increment();
          }
        });
    ctx.next();
  }
}
