package dev.assetgrid.node.isolate;

import dev.assetgrid.node.worker.TaskHandler;
import dev.assetgrid.node.worker.TaskResult;
import dev.assetgrid.node.worker.TaskWork;
import dev.assetgrid.shared.state.TaskType;

/**
 * A handler whose work runs in a worker process of {@link StagePool} instead of this JVM: same
 * type, same inputs and outputs, but a crash in its native code ends one attempt, not the node.
 */
public final class IsolatedHandler implements TaskHandler {
  private final TaskHandler local;
  private final StagePool pool;

  public IsolatedHandler(TaskHandler local, StagePool pool) {
    this.local = local;
    this.pool = pool;
  }

  @Override
  public TaskType type() {
    return local.type();
  }

  @Override
  public boolean needsInputs() {
    return local.needsInputs();
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    return pool.run(local.type().wire(), work);
  }
}
