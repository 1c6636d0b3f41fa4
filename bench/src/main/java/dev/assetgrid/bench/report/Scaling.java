package dev.assetgrid.bench.report;

/** Scaling arithmetic for the node sweep. */
public final class Scaling {
  private Scaling() {}

  /**
   * Parallel efficiency: throughput(N) / (N × throughput(1)). 1.0 = perfectly linear; NaN when the
   * single-node throughput is zero or unknown.
   */
  public static double efficiency(double throughput1, int nodes, double throughputN) {
    if (nodes <= 0) {
      throw new IllegalArgumentException("nodes must be > 0");
    }
    if (!(throughput1 > 0)) {
      return Double.NaN;
    }
    return throughputN / (nodes * throughput1);
  }

  /** Speed-up over one node: throughput(N) / throughput(1). */
  public static double speedup(double throughput1, double throughputN) {
    return throughput1 > 0 ? throughputN / throughput1 : Double.NaN;
  }
}
