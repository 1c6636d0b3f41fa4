package dev.assetgrid.shared.metrics;

import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.state.TaskType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

/**
 * One Prometheus registry per process (coordinator or node), shared by Vert.x's own metrics (HTTP
 * server and client, event bus, SQL pools, JVM) and the grid's ({@code assetgrid_*}).
 *
 * <p>Cardinality is bounded by design: labels are task types, states, outcomes, error codes, route
 * templates ({@code /v1/jobs/:id}, never the path) and pool names. Never an asset, job, task,
 * tenant or node id, nor a remote address (webhook receivers and import sources are the users'):
 * Vert.x's {@code REMOTE}, {@code HTTP_PATH} and {@code EB_ADDRESS} labels are off.
 *
 * <p>Timers publish histogram buckets (seconds, from 5 ms to 10 min) so Prometheus can take
 * quantiles across processes ({@code histogram_quantile}); nothing is summarised in-process.
 */
public final class GridMeters {
  private GridMeters() {}

  /** The content type of the text format {@link PrometheusMeterRegistry#scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** A registry that drops everything: for components started without metrics (tests, tools). */
  public static MeterRegistry none() {
    return new CompositeMeterRegistry();
  }

  /** A new registry for one process, with the grid's histogram buckets on its own timers. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().startsWith("assetgrid.") && id.getType() == Meter.Type.TIMER) {
                  return DistributionStatisticConfig.builder()
                      .serviceLevelObjectives(BUCKETS)
                      .minimumExpectedValue((double) Duration.ofMillis(5).toNanos())
                      .maximumExpectedValue((double) Duration.ofMinutes(10).toNanos())
                      .build()
                      .merge(config);
                }
                return config;
              }
            });
    Gauge.builder("assetgrid.process.resident", GridMeters::residentBytes)
        .baseUnit("bytes")
        .description("Resident set size of this process (heap, native libraries' memory and all)")
        .register(r);
    return r;
  }

  /** Bucket bounds of the grid's timers, in nanoseconds: 5 ms … 10 min. */
  private static final double[] BUCKETS = {
    5e6, 25e6, 100e6, 250e6, 500e6, 1e9, 2.5e9, 5e9, 10e9, 30e9, 60e9, 120e9, 300e9, 600e9
  };

  /**
   * Vert.x options that turn its metrics on into {@code registry}: the labels kept are the HTTP
   * method, status and route template, pool type and name, and the SQL client's name.
   */
  public static VertxOptions vertxOptions(VertxOptions base) {
    MicrometerMetricsOptions m =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // Vert.x keeps its backends by this name, JVM-wide: under the default name a second
            // Vert.x in one JVM (a node beside a coordinator, as in the tests) would report into
            // the first one's registry
            .setRegistryName("assetgrid-" + java.util.UUID.randomUUID())
            .setJvmMetricsEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.CLIENT_NAME,
                    Label.EB_SIDE,
                    Label.EB_FAILURE));
    return new VertxOptions(base).setMetricsOptions(m);
  }

  /** The factory that makes Vert.x report into {@code registry}. */
  public static VertxMetricsFactory vertxFactory(MeterRegistry registry) {
    return new MicrometerMetricsFactory(registry);
  }

  /**
   * The text of a scrape of {@code registry} (served with {@link #CONTENT_TYPE}), made on a worker
   * thread: a big registry takes milliseconds.
   */
  public static io.vertx.core.Future<String> scrape(
      io.vertx.core.Vertx vertx, PrometheusMeterRegistry registry) {
    return vertx.executeBlocking(registry::scrape, false);
  }

  /** A task type as a label value: its wire name, or {@code other} for a name we do not know. */
  public static String typeLabel(String type) {
    if (type != null) {
      for (TaskType t : TaskType.values()) {
        if (t.wire().equals(type)) {
          return type;
        }
      }
    }
    return "other";
  }

  /** An error code as a label value: the code, or {@code OTHER} for one we do not know. */
  public static String codeLabel(String code) {
    if (code != null) {
      try {
        return ErrorCode.valueOf(code).name();
      } catch (IllegalArgumentException e) {
        // a code from a newer node: counted, without growing the label set
      }
    }
    return "OTHER";
  }

  /** Resident bytes of this process from {@code /proc/self/statm}; NaN where there is none. */
  static double residentBytes() {
    try {
      String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(f[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static final long PAGE = 4096;
}
