package dev.assetgrid.shared.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * How a process writes its log lines to standard error: {@link #TEXT} for people, {@link #JSON}
 * (one object per line, for a log collector) or {@link #AUTO} (text on a terminal, else JSON).
 * {@code --log-format} of the coordinator and the node; {@code logback.xml} in this jar is the text
 * configuration a process has until it calls {@link #apply}.
 *
 * <p>A JSON line is logback's {@link JsonEncoder} object: {@code timestamp} (epoch ms), {@code
 * level}, {@code threadName}, {@code loggerName}, {@code mdc} (the {@link LogFields}: {@code
 * request}, {@code tenant}, {@code key}, {@code job}, {@code task}, {@code attempt}, and the
 * process's {@code node}), {@code kvpList} (the access log's fields), {@code formattedMessage} and,
 * for an error, {@code throwable}.
 */
public enum LogFormat {
  TEXT,
  JSON,
  AUTO;

  /** The appender's name in the logger context. */
  static final String APPENDER = "CONSOLE";

  /** The text layout: time, level, thread, logger, the fields and the message. */
  static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36}%replace( {%mdc}){' \\{\\}', ''} - %msg%n";

  /** {@code text}, {@code json} or {@code auto}, any case. */
  public static LogFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("--log-format must be text, json or auto, not " + s);
    }
  }

  /** {@link #AUTO} made concrete: text when standard error is a terminal (a console), else JSON. */
  public LogFormat resolve() {
    return this != AUTO ? this : System.console() != null ? TEXT : JSON;
  }

  /**
   * Writes every following line of this process in this format (the root logger's console appender
   * is replaced; levels stay as configured). A no-op when logback is not the backend.
   */
  public void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    LogFormat f = resolve();
    Encoder<ILoggingEvent> encoder = f == JSON ? json(ctx) : text(ctx);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName(APPENDER);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    ensureFields(ctx);
  }

  private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(ctx);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.setWithContext(false);
    e.setWithMessage(false); // the pattern with its {} holes: the formatted message instead
    e.setWithFormattedMessage(true);
    e.setWithArguments(false);
    e.setWithMarkers(false);
    e.start();
    return e;
  }

  private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(PATTERN);
    e.start();
    return e;
  }

  /** The context fields' turbo filter, once (logback.xml installs it; a reset context lacks it). */
  private static void ensureFields(LoggerContext ctx) {
    boolean has = ctx.getTurboFilterList().stream().anyMatch(t -> t instanceof ContextFields);
    if (!has) {
      ContextFields f = new ContextFields();
      f.setContext(ctx);
      f.start();
      ctx.addTurboFilter(f);
    }
  }
}
