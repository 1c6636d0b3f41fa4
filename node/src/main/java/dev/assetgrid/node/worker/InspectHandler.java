package dev.assetgrid.node.worker;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.node.processing.inspect.InspectReport;
import dev.assetgrid.shared.stage.InspectOptions;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code inspect}: reads the model the plan names (the converted GLB, or the original: GLB, or glTF
 * with its side files beside it) and records counts, bounds and extensions. The report is the task
 * result and is also kept as {@code inspect.json}.
 */
public final class InspectHandler implements TaskHandler {
  private final GltfReader reader;

  /**
   * @param reader reads the model (with the meshopt decoder when this node has one)
   */
  public InspectHandler(GltfReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  @Override
  public TaskType type() {
    return TaskType.INSPECT;
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    work.progress().accept(0.1);
    TaskParams task = TaskParams.read(TaskType.INSPECT, work.params(), "");
    GltfAsset asset = TaskInputs.readModel(reader, work, task);
    work.progress().accept(0.6);
    InspectReport report = Inspect.apply(asset, task.stage(InspectOptions.class));
    var json = report.toJson();
    Path out = work.workDir().resolve("inspect.json");
    Files.writeString(out, json.toPrettyString());
    return new TaskResult(
        json, List.of(new TaskResult.Output("inspect.json", out, "application/json")));
  }
}
