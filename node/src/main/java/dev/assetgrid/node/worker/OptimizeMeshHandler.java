package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.optimize.OptimizeMeshRun;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.OptimizeMeshParams;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code optimize-mesh}: reads the model the plan names ({@value OutputNames#INPUT_PARAM}: the
 * converted GLB when there is one, else the original), runs the mesh recipe with the task params as
 * {@link OptimizeMeshOptions} JSON and uploads the result under the name the param {@value
 * OutputNames#MESH_OUTPUT_PARAM} gives: {@code mesh.glb} (default) when an assemble task follows,
 * {@code optimized.glb} when the planner left no assemble to the job (no textures to merge) and
 * this GLB is the final model. Any other value fails the task with {@code INVALID_REQUEST}. Result:
 * before/after triangles, vertices and sizes, per-stage times and the primitives passed through.
 */
public final class OptimizeMeshHandler implements TaskHandler {
  private final GltfReader reader;
  private final MeshOptimizer meshopt;

  /**
   * @param reader reads the model; it needs the meshopt decoder, since inputs may be compressed
   * @param meshopt the mesh stages' meshoptimizer operations
   */
  public OptimizeMeshHandler(GltfReader reader, MeshOptimizer meshopt) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.meshopt = Objects.requireNonNull(meshopt, "meshopt");
  }

  @Override
  public TaskType type() {
    return TaskType.OPTIMIZE_MESH;
  }

  @Override
  public TaskResult run(TaskWork work) {
    TaskParams task = TaskParams.read(TaskType.OPTIMIZE_MESH, work.params(), "");
    OptimizeMeshParams params = task.stage(OptimizeMeshParams.class);
    String outName = params.output();
    OptimizeMeshOptions options = params.options();
    work.progress().accept(0.05);
    long t0 = System.nanoTime();
    GltfAsset asset = TaskInputs.readModel(reader, work, task);
    double read = (System.nanoTime() - t0) / 1e6;
    work.progress().accept(0.3);
    Path out = work.workDir().resolve(outName);
    OptimizeMeshRun r = OptimizeMeshRun.apply(asset, read, out, options, meshopt);
    ObjectNode result = r.toJson();
    result.set("options", options.toJson());
    return new TaskResult(
        result, List.of(new TaskResult.Output(outName, out, "model/gltf-binary")));
  }
}
