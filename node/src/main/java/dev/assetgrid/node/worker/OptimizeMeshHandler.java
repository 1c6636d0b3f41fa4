package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.Pipeline;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.optimize.OptimizeMeshOptions;
import dev.assetgrid.shared.pipeline.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code optimize-mesh}: reads the latest model (the converted GLB when there is one, else the
 * original), runs the mesh recipe with the task params as {@link OptimizeMeshOptions} JSON and
 * uploads {@code mesh.glb}. Result: before/after triangles, vertices and sizes, per-stage times
 * and the primitives passed through.
 */
public final class OptimizeMeshHandler implements TaskHandler {
  @Override
  public TaskType type() {
    return TaskType.OPTIMIZE_MESH;
  }

  @Override
  public TaskResult run(TaskWork work) {
    OptimizeMeshOptions options = OptimizeMeshOptions.fromJson(work.params());
    work.progress().accept(0.05);
    long t0 = System.nanoTime();
    GltfAsset asset = TaskInputs.readLatest(work, OutputNames.CONVERTED_GLB);
    double read = (System.nanoTime() - t0) / 1e6;
    work.progress().accept(0.3);
    Path out = work.workDir().resolve(OutputNames.MESH_GLB);
    Pipeline.Result r = Pipeline.optimize(asset, read, out, options);
    ObjectNode result = r.toJson();
    result.set("options", options.toJson());
    return new TaskResult(result, List.of(new TaskResult.Output(OutputNames.MESH_GLB, out, "model/gltf-binary")));
  }
}
