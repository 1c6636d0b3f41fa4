package dev.assetgrid.shared.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The fields follow the Vert.x context of the work into each logging event, and nowhere else. */
class LogFieldsTest {
  Vertx vertx;
  Logger logger;
  ListAppender<ILoggingEvent> events;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    logger = (Logger) LoggerFactory.getLogger("LogFieldsTest");
    events = new ListAppender<>();
    events.setContext(logger.getLoggerContext());
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void tearDown() throws Exception {
    logger.detachAppender(events);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    MDC.clear();
  }

  private Map<String, String> mdcOf(int i) {
    return events.list.get(i).getMDCPropertyMap();
  }

  @Test
  void aDuplicatedContextsFieldsReachItsLinesOnTheLoopAndOnWorkerThreads() throws Exception {
    ContextInternal root = (ContextInternal) vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    root.duplicate()
        .runOnContext(
            v -> {
              LogFields.put(LogFields.REQUEST, "r-1");
              LogFields.put(LogFields.TENANT, "acme");
              logger.info("on the loop");
              vertx
                  .executeBlocking(
                      () -> {
                        logger.info("on a worker");
                        return null;
                      })
                  .onComplete(
                      x -> {
                        // another request on the same event loop sees none of them
                        root.duplicate()
                            .runOnContext(
                                w -> {
                                  LogFields.put(LogFields.REQUEST, "r-2");
                                  logger.info("another request");
                                  root.runOnContext(
                                      z -> {
                                        logger.info("the loop itself");
                                        done.complete();
                                      });
                                });
                      });
            });
    done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(events.list).hasSize(4);
    assertThat(mdcOf(0)).containsEntry("request", "r-1").containsEntry("tenant", "acme");
    assertThat(events.list.get(1).getThreadName()).contains("worker");
    assertThat(mdcOf(1)).containsEntry("request", "r-1").containsEntry("tenant", "acme");
    assertThat(mdcOf(2)).containsEntry("request", "r-2").doesNotContainKey("tenant");
    assertThat(mdcOf(3)).doesNotContainKeys("request", "tenant");
  }

  @Test
  void processFieldsAreOnEveryLineAndPlainThreadsKeepTheirMdc() {
    LogFields.process(LogFields.NODE, "node-7");
    try {
      LogFields.put(LogFields.TASK, "t-1"); // no Vert.x context: the thread's MDC
      logger.info("plain thread");
      assertThat(mdcOf(0)).containsEntry("node", "node-7").containsEntry("task", "t-1");
      LogFields.put(LogFields.TASK, null);
      logger.info("again");
      assertThat(mdcOf(1)).containsEntry("node", "node-7").doesNotContainKey("task");
    } finally {
      LogFields.process(LogFields.NODE, null);
    }
  }

  @Test
  void formatsAreNamedAndAutoPicksOne() {
    assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.parse(" text ")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.AUTO.resolve()).isIn(LogFormat.TEXT, LogFormat.JSON);
    assertThatThrownBy(() -> LogFormat.parse("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text, json or auto");
  }
}
