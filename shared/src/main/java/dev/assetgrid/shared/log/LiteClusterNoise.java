package dev.assetgrid.shared.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops what Vert.x and Hazelcast log while a node's cluster has no coordinator in it: an expected
 * state (the coordinator is not up yet, or restarts), which the node reports itself in one line and
 * recovers from. Without this a node started before its coordinator printed an 85-line trace
 * ({@code NoDataMemberInClusterException} from Vert.x's start), and a coordinator's restart a
 * "partition is completely lost" line for each of Hazelcast's 271 partitions on every node.
 */
public final class LiteClusterNoise extends TurboFilter {
  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null || level.toInt() < Level.WARN_INT) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (name.startsWith("com.hazelcast.internal.partition")
        && format != null
        && (format.contains("is completely lost")
            || format.contains("No member group is available")
            || format.contains("Following unknown addresses"))) {
      return FilterReply.DENY;
    }
    if (name.startsWith("io.vertx") && noDataMember(t, params)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean noDataMember(Throwable t, Object[] params) {
    Throwable e = t;
    if (e == null && params != null && params.length > 0) {
      e = params[params.length - 1] instanceof Throwable last ? last : null;
    }
    return dev.assetgrid.shared.cluster.ClusterBootstrap.noDataMember(e);
  }
}
