package dev.assetgrid.bench.report;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary of a distribution: nearest-rank percentiles (the smallest value with at least p% of the
 * values at or below it), so every reported percentile is an observed value.
 */
public record Dist(
    long count, double min, double mean, double p50, double p95, double p99, double max) {
  public static final Dist EMPTY = new Dist(0, 0, 0, 0, 0, 0, 0);

  public static Dist of(Collection<? extends Number> values) {
    return of(values.stream().mapToDouble(Number::doubleValue).toArray());
  }

  public static Dist of(double[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return new Dist(
        v.length,
        v[0],
        sum / v.length,
        percentile(v, 50),
        percentile(v, 95),
        percentile(v, 99),
        v[v.length - 1]);
  }

  /** Nearest-rank percentile of sorted values; p in (0, 100]. */
  public static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
