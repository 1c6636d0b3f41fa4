package dev.assetgrid.shared.log;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.MDC;

/**
 * The fields a log line carries about what it is part of — {@link #REQUEST}, {@link #TENANT},
 * {@link #KEY}, {@link #JOB}, {@link #TASK}, {@link #ATTEMPT} — kept with the Vert.x context of the
 * work, not with a thread.
 *
 * <p>Design note. SLF4J's MDC is thread-local, but one event loop interleaves many requests and a
 * request hops between the event loop and worker threads. Vert.x gives every HTTP request (and
 * every task, see {@code WorkerVerticle}) its own duplicated context, which follows it through
 * futures and {@code executeBlocking}; the fields live in that context's local data, and {@link
 * ContextFields} copies them into the MDC at each log call on a Vert.x thread, where the logging
 * event takes them from. Off Vert.x threads {@link #put} is the plain MDC.
 */
public final class LogFields {
  private LogFields() {}

  public static final String REQUEST = "request";
  public static final String TENANT = "tenant";
  public static final String KEY = "key";
  public static final String JOB = "job";
  public static final String TASK = "task";
  public static final String ATTEMPT = "attempt";

  /** The process's cluster node id (a coordinator's or a node's), on every line. */
  public static final String NODE = "node";

  private static final Map<String, String> PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Sets a field every line of this process carries (e.g. {@link #NODE}); null removes it. */
  public static void process(String field, String value) {
    if (value == null) {
      PROCESS.remove(field);
    } else {
      PROCESS.put(field, value);
    }
  }

  /** The process-wide fields. */
  static Map<String, String> processFields() {
    return PROCESS;
  }

  /** The key of the fields in a context's local data. */
  private static final Object SLOT = new Object();

  /**
   * Sets a field of the work in progress (the current duplicated context's, or the thread's MDC off
   * Vert.x); null removes it.
   */
  public static void put(String field, String value) {
    Map<String, String> m = current(true);
    if (m == null) {
      if (value == null) {
        MDC.remove(field);
      } else {
        MDC.put(field, value);
      }
      return;
    }
    synchronized (m) {
      if (value == null) {
        m.remove(field);
      } else {
        m.put(field, value);
      }
    }
  }

  /** A copy of the current context's fields; null when the caller runs on no Vert.x context. */
  static Map<String, String> snapshot() {
    Map<String, String> m = current(false);
    if (m == null) {
      return Vertx.currentContext() == null ? null : Map.of();
    }
    synchronized (m) {
      return new TreeMap<>(m);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> current(boolean create) {
    Context c = Vertx.currentContext();
    if (!(c instanceof ContextInternal ci) || !ci.isDuplicate()) {
      // an event loop's own context is shared by everything it runs: fields there would leak
      return null;
    }
    ConcurrentMap<Object, Object> data = ci.localContextData();
    Object m =
        create ? data.computeIfAbsent(SLOT, k -> new TreeMap<String, String>()) : data.get(SLOT);
    return (Map<String, String>) m;
  }
}
