package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.state.TaskType;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one recipe that turns a pipeline spec into a task DAG for one asset.
 *
 * <pre>
 * inspect ─▶ (every other stage, in spec order, each after the previous one)
 * </pre>
 * Ordering constraints: inspect runs first because later stages read its counts and because a file
 * it cannot read should fail the job before heavier work starts. Other stages run after it in the
 * order given; fan-out of textures comes with the texture stage.
 */
public final class JobPlanner {
  private JobPlanner() {}

  /** A task to insert: its id, unique name within the job, type, params and the ids it waits for. */
  public record PlannedTask(UUID id, String name, TaskType type, JsonObject params, List<UUID> dependsOn) {}

  public static List<PlannedTask> plan(PipelineSpec spec, ModelFormat format) {
    List<PlannedTask> out = new ArrayList<>();
    List<PipelineSpec.Stage> stages = new ArrayList<>(spec.stages());
    // inspect first when asked for, whatever position the spec gave it
    stages.sort((a, b) -> Boolean.compare(b.type() == TaskType.INSPECT, a.type() == TaskType.INSPECT));
    UUID previous = null;
    for (PipelineSpec.Stage s : stages) {
      UUID id = Ids.newId();
      out.add(new PlannedTask(id, s.type().wire(), s.type(), s.params(),
          previous == null ? List.of() : List.of(previous)));
      previous = id;
    }
    return out;
  }
}
