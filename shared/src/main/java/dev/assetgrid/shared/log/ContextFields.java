package dev.assetgrid.shared.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current Vert.x context's {@link LogFields} into the MDC just before logback builds a
 * logging event (a turbo filter runs first, on the logging thread), so the event carries them; on
 * Vert.x threads without fields the MDC is cleared, so nothing of an earlier request's leaks into a
 * line of another. Never denies anything.
 */
public final class ContextFields extends TurboFilter {
  /**
   * Set while this filter looks up the context: looking it up may load Vert.x's classes, whose
   * static initialisers log, which would come back here.
   */
  private static final ThreadLocal<Boolean> BUSY = new ThreadLocal<>();

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null
        || !level.isGreaterOrEqual(logger.getEffectiveLevel())
        || BUSY.get() != null) {
      return FilterReply.NEUTRAL; // the event will not be made (or is this filter's own): no copy
    }
    BUSY.set(Boolean.TRUE);
    try {
      copyFields();
    } finally {
      BUSY.remove();
    }
    return FilterReply.NEUTRAL;
  }

  private static void copyFields() {
    Map<String, String> process = LogFields.processFields();
    Map<String, String> fields = LogFields.snapshot();
    if (fields != null) {
      if (fields.isEmpty() && process.isEmpty()) {
        MDC.clear();
      } else {
        Map<String, String> m = new java.util.HashMap<>(process);
        m.putAll(fields);
        MDC.setContextMap(m);
      }
    } else {
      process.forEach(MDC::put);
    }
  }
}
