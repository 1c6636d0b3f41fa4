package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Params of an {@code optimize-mesh} task: the {@link OptimizeMeshOptions} members, plus the file
 * the task writes.
 *
 * @param output {@value OutputNames#MESH_OUTPUT_PARAM}: {@link OutputNames#MESH_GLB} (the default)
 *     when an assemble task follows, {@link OutputNames#OPTIMIZED_GLB} when this GLB is the job's
 *     final model. Set by the planner; no other name is accepted (it becomes a file of the asset).
 * @param options the mesh recipe's options
 */
public record OptimizeMeshParams(String output, OptimizeMeshOptions options)
    implements StageParams {
  public OptimizeMeshParams {
    output = output == null ? OutputNames.MESH_GLB : output;
    OptionReader.require(
        output.equals(OutputNames.MESH_GLB) || output.equals(OutputNames.OPTIMIZED_GLB),
        OutputNames.MESH_OUTPUT_PARAM,
        "must be \"" + OutputNames.MESH_GLB + "\" or \"" + OutputNames.OPTIMIZED_GLB + "\"",
        output);
    options = options == null ? OptimizeMeshOptions.DEFAULTS : options;
  }

  public static OptimizeMeshParams read(OptionReader r) {
    String output = r.text(OutputNames.MESH_OUTPUT_PARAM, null);
    OptimizeMeshOptions options = OptimizeMeshOptions.read(r);
    return r.build(() -> new OptimizeMeshParams(output, options));
  }

  @Override
  public ObjectNode toJson() {
    return options.toJson().put(OutputNames.MESH_OUTPUT_PARAM, output);
  }
}
