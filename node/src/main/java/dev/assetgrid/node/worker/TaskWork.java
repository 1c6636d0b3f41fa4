package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * What a handler gets: the task's identity and params, its downloaded inputs, a private work
 * directory (deleted afterwards), a progress sink and a cancellation flag to poll.
 *
 * <p>The directories are made on first use, from the handler's own worker thread: a handler that
 * never calls {@link #workDir()} or {@link #inputDir()} and receives no inputs costs no disk
 * access.
 */
public final class TaskWork {
  private final String taskId;
  private final int attempt;
  private final ObjectNode params;
  private final Map<String, Path> inputs;
  private final AttemptDirectory dirs;
  private final DoubleConsumer progress;
  private final BooleanSupplier cancelled;

  /**
   * A task over directories the caller chose (tests, direct calls): they are made on first use when
   * missing and never deleted here.
   *
   * @param taskId task id
   * @param attempt attempt number, from 1
   * @param params stage options as JSON; may be null for handlers that take none
   * @param inputs input name → local file; side files keep their relative names under {@code
   *     inputDir}
   * @param inputDir directory holding all inputs (relative URIs of a .gltf resolve here)
   * @param workDir scratch directory for outputs
   * @param progress accepts 0..1
   * @param cancelled true once the coordinator asked to stop; long handlers should poll it
   */
  public TaskWork(
      String taskId,
      int attempt,
      ObjectNode params,
      Map<String, Path> inputs,
      Path inputDir,
      Path workDir,
      DoubleConsumer progress,
      BooleanSupplier cancelled) {
    this(
        taskId,
        attempt,
        params,
        inputs,
        AttemptDirectory.of(inputDir, workDir),
        progress,
        cancelled);
  }

  TaskWork(
      String taskId,
      int attempt,
      ObjectNode params,
      Map<String, Path> inputs,
      AttemptDirectory dirs,
      DoubleConsumer progress,
      BooleanSupplier cancelled) {
    this.taskId = taskId;
    this.attempt = attempt;
    this.params = params;
    this.inputs = inputs;
    this.dirs = dirs;
    this.progress = progress;
    this.cancelled = cancelled;
  }

  public String taskId() {
    return taskId;
  }

  /** Attempt number, from 1. */
  public int attempt() {
    return attempt;
  }

  /** Stage options as JSON; may be null. */
  public ObjectNode params() {
    return params;
  }

  /** Input name → local file. */
  public Map<String, Path> inputs() {
    return inputs;
  }

  /**
   * Directory holding all inputs (relative URIs of a .gltf resolve here); made on first call when
   * the task had none. Blocking: call it from {@link TaskHandler#run}.
   *
   * @throws UncheckedIOException when the directory cannot be made (an internal, retryable error)
   */
  public Path inputDir() {
    try {
      return dirs.inputDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the input directory of task " + taskId, e);
    }
  }

  /**
   * Private scratch directory for outputs, made on first call and deleted after the attempt.
   * Blocking: call it from {@link TaskHandler#run}.
   *
   * @throws UncheckedIOException when the directory cannot be made (an internal, retryable error)
   */
  public Path workDir() {
    try {
      return dirs.workDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the work directory of task " + taskId, e);
    }
  }

  /** Accepts progress 0..1. */
  public DoubleConsumer progress() {
    return progress;
  }

  /** True once the coordinator asked to stop; long handlers should poll it. */
  public BooleanSupplier cancelled() {
    return cancelled;
  }

  /**
   * The input named {@code name}, or a DATA_ERROR-style failure when the lease did not carry it.
   */
  public Path input(String name) {
    Path p = inputs.get(name);
    if (p == null) {
      throw new AssetGridException(
          ErrorCode.GLTF_RESOURCE_MISSING, "task input '" + name + "' is missing");
    }
    return p;
  }

  @Override
  public String toString() {
    return "TaskWork[" + taskId + " attempt " + attempt + "]";
  }
}
