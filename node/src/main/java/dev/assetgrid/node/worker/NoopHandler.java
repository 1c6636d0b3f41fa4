package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.NoopParams;
import dev.assetgrid.shared.stage.StageParams;
import dev.assetgrid.shared.state.TaskType;
import java.util.List;

/**
 * Does nothing, on purpose: the queue micro-benchmark measures the coordinator with it, and
 * protocol tests use its params to hold a lease ({@code sleepMs}, for the first {@code
 * sleepAttempts} attempts; all when absent), to fail ({@code failWith} an ErrorCode name, for the
 * first {@code failTimes} attempts; all when absent) or to produce an output file ({@code output:
 * true} → {@code noop.json}).
 */
public final class NoopHandler implements TaskHandler {
  /** A no-op reads nothing: the queue benchmark measures the coordinator, not blob transfers. */
  @Override
  public boolean needsInputs() {
    return false;
  }

  @Override
  public TaskType type() {
    return TaskType.NOOP;
  }

  @Override
  public TaskResult run(TaskWork work) throws InterruptedException, java.io.IOException {
    NoopParams params = StageParams.read(TaskType.NOOP, work.params(), NoopParams.class);
    if (params.crash() != null) {
      crash(params.crash());
    }
    long sleep = params.sleepsIn(work.attempt()) ? params.sleepMs() : 0;
    long end = System.currentTimeMillis() + sleep;
    while (System.currentTimeMillis() < end && !work.cancelled().getAsBoolean()) {
      Thread.sleep(Math.min(50, Math.max(1, end - System.currentTimeMillis())));
      work.progress()
          .accept(
              1.0 - (double) Math.max(0, end - System.currentTimeMillis()) / Math.max(sleep, 1));
    }
    if (work.cancelled().getAsBoolean()) {
      throw new AssetGridException(ErrorCode.TASK_CANCELLED, "cancelled");
    }
    if (params.failsIn(work.attempt())) {
      throw new AssetGridException(
          params.failWith(), "noop asked to fail with " + params.failWith().name());
    }
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("sleptMs", sleep);
    r.put("attempt", work.attempt());
    if (params.output()) {
      java.nio.file.Path out = work.workDir().resolve("noop.json");
      java.nio.file.Files.writeString(out, "{\"task\":\"" + work.taskId() + "\"}");
      return new TaskResult(
          r, List.of(new TaskResult.Output("noop.json", out, "application/json")));
    }
    return new TaskResult(r, List.of());
  }

  /** Set in a worker process ({@code StageHost}): the only place a noop may crash. */
  public static final String ISOLATED_PROPERTY = "assetgrid.isolated";

  /**
   * Dies as asked, for the isolation tests; outside a worker process it refuses, so a pipeline
   * cannot take a node down with it.
   */
  private static void crash(NoopParams.Crash how) {
    if (!Boolean.getBoolean(ISOLATED_PROPERTY)) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "noop crash is performed only in an isolated worker process");
    }
    switch (how) {
      case abort -> {
        // glibc: "free(): double free detected", then abort()
        long p = org.lwjgl.system.libc.LibCStdlib.nmalloc(64);
        org.lwjgl.system.libc.LibCStdlib.nfree(p);
        org.lwjgl.system.libc.LibCStdlib.nfree(p);
      }
      case segfault -> org.lwjgl.system.libc.LibCString.nmemset(0x8L, 0, 64);
      case oom -> {
        List<long[]> hog = new java.util.ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      }
    }
  }
}
