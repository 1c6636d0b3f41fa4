package dev.assetgrid.node.worker;

import dev.assetgrid.shared.state.TaskType;

/**
 * Runs one kind of task. Implementations are plain Java: they read local input files, call the
 * processing stages and write output files; the worker shell does leasing, transfers and reporting.
 * {@link #run} is called on a worker thread, never on an event loop.
 */
public interface TaskHandler {
  TaskType type();

  /**
   * @return the result JSON (stored with the task) and the files to upload as outputs
   * @throws dev.assetgrid.shared.error.AssetGridException with the code that decides retry or not;
   *     any other exception counts as {@code INTERNAL_ERROR} (retryable)
   */
  TaskResult run(TaskWork work) throws Exception;

  /**
   * Whether the worker should download the task's inputs before {@link #run}; false skips the
   * transfer.
   */
  default boolean needsInputs() {
    return true;
  }
}
