package dev.assetgrid.node.isolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.worker.TaskResult;
import dev.assetgrid.node.worker.TaskWork;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes really die and this JVM (the node) lives on: a libc abort, a segfault in native
 * code and an exhausted heap each end one attempt with a code naming the stage and the input, and
 * the next task runs in a fresh process; a healthy process is reused.
 */
@Timeout(120)
class StagePoolTest {
  @TempDir Path dir;
  StagePool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private TaskWork work(String id, ObjectNode params, AtomicBoolean cancel) throws Exception {
    Path in = Files.writeString(dir.resolve("in-" + id + ".glb"), "not read");
    return new TaskWork(
        id,
        1,
        params,
        Map.of("original", in),
        dir.resolve(id + "/in"),
        dir.resolve(id + "/work"),
        p -> {},
        cancel::get);
  }

  private static ObjectNode noop(String crash) {
    ObjectNode p = JsonNodeFactory.instance.objectNode().put("output", true);
    if (crash != null) {
      p.put("crash", crash);
    }
    return p;
  }

  @Test
  void aHealthyProcessIsReusedAndItsOutputsComeBack() throws Exception {
    pool = Isolation.parse("noop", "128m").pool(dir);
    TaskResult a = pool.run("noop", work("a", noop(null), new AtomicBoolean()));
    TaskResult b = pool.run("noop", work("b", noop(null), new AtomicBoolean()));
    assertThat(a.outputs()).singleElement().satisfies(o -> assertThat(o.file()).exists());
    assertThat(Files.readString(b.outputs().get(0).file())).contains("\"task\":\"b\"");
    assertThat(pool.processes()).isEqualTo(1);
  }

  @Test
  void crashesEndOneAttemptWithACodeAndTheNextTaskRuns() throws Exception {
    pool = Isolation.parse("noop", "64m").pool(dir);
    assertCrash("abort", ErrorCode.NATIVE_CRASH, "SIGABRT");
    assertCrash("segfault", ErrorCode.NATIVE_CRASH, "SIGSEGV");
    assertCrash("oom", ErrorCode.RESOURCE_LIMIT, "out of heap");
    TaskResult after = pool.run("noop", work("after", noop(null), new AtomicBoolean()));
    assertThat(after.outputs()).hasSize(1);
    assertThat(pool.processes()).isEqualTo(1);
  }

  @Test
  void aCodedFailureComesBackAsItsCodeAndKeepsTheProcess() throws Exception {
    pool = Isolation.parse("noop", "128m").pool(dir);
    ObjectNode p = noop(null).put("failWith", "GLTF_INVALID");
    assertThatThrownBy(() -> pool.run("noop", work("f", p, new AtomicBoolean())))
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.GLTF_INVALID));
    assertThat(pool.processes()).isEqualTo(1);
  }

  @Test
  void aCancelReachesTheProcess() throws Exception {
    pool = Isolation.parse("noop", "128m").pool(dir);
    AtomicBoolean cancel = new AtomicBoolean();
    ObjectNode p = noop(null).put("sleepMs", 60_000);
    Thread t = new Thread(() -> sleepThen(cancel));
    t.start();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> pool.run("noop", work("c", p, cancel)))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TASK_CANCELLED));
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(30_000);
  }

  private static void sleepThen(AtomicBoolean cancel) {
    try {
      Thread.sleep(1_500);
    } catch (InterruptedException e) {
      return;
    }
    cancel.set(true);
  }

  private void assertCrash(String how, ErrorCode code, String what) throws Exception {
    assertThatThrownBy(() -> pool.run("noop", work(how, noop(how), new AtomicBoolean())))
        .as(how)
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage())
                  .contains("stage noop")
                  .contains("input original")
                  .contains(what);
            });
    assertThat(pool.processes()).as("the dead process is dropped").isZero();
  }
}
