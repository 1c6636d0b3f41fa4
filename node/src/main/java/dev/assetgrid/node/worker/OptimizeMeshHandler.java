package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.Pipeline;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.optimize.OptimizeMeshOptions;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code optimize-mesh}: reads the latest model (the converted GLB when there is one, else the
 * original), runs the mesh recipe with the task params as {@link OptimizeMeshOptions} JSON and
 * uploads the result under the name the param {@value OutputNames#MESH_OUTPUT_PARAM} gives:
 * {@code mesh.glb} (default) when an assemble task follows, {@code optimized.glb} when the planner
 * left no assemble to the job (no textures to merge) and this GLB is the final model. Any other
 * value fails the task with {@code INVALID_REQUEST}. Result: before/after triangles, vertices and
 * sizes, per-stage times and the primitives passed through.
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
    String outName = outputName(work.params());
    OptimizeMeshOptions options = OptimizeMeshOptions.fromJson(work.params());
    work.progress().accept(0.05);
    long t0 = System.nanoTime();
    GltfAsset asset = TaskInputs.readLatest(reader, work, OutputNames.CONVERTED_GLB);
    double read = (System.nanoTime() - t0) / 1e6;
    work.progress().accept(0.3);
    Path out = work.workDir().resolve(outName);
    Pipeline.Result r = Pipeline.optimize(asset, read, out, options, meshopt);
    ObjectNode result = r.toJson();
    result.set("options", options.toJson());
    return new TaskResult(result, List.of(new TaskResult.Output(outName, out, "model/gltf-binary")));
  }

  /**
   * The file this task writes: the {@value OutputNames#MESH_OUTPUT_PARAM} param, {@code mesh.glb}
   * when absent or null. Only the two names the grid plans with are accepted: the value becomes a
   * file name in the attempt directory and a file of the asset.
   */
  static String outputName(JsonNode params) {
    JsonNode n = params == null ? null : params.get(OutputNames.MESH_OUTPUT_PARAM);
    if (n == null || n.isNull()) {
      return OutputNames.MESH_GLB;
    }
    if (n.isTextual() && (n.asText().equals(OutputNames.MESH_GLB) || n.asText().equals(OutputNames.OPTIMIZED_GLB))) {
      return n.asText();
    }
    throw new AssetGridException(ErrorCode.INVALID_REQUEST, "optimize-mesh param '" + OutputNames.MESH_OUTPUT_PARAM
        + "' must be \"" + OutputNames.MESH_GLB + "\" or \"" + OutputNames.OPTIMIZED_GLB + "\", is " + n);
  }
}
