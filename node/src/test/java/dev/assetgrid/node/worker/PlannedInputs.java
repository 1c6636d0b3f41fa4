package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.stage.OutputNames;
import java.nio.file.Path;

/** Handler tests: the params the planner would give a task over these inputs. */
final class PlannedInputs {
  private PlannedInputs() {}

  /**
   * The input the planner would name for a task that got these inputs: the most processed model.
   */
  static ObjectNode withPlannedInput(ObjectNode params, java.util.Map<String, Path> inputs) {
    ObjectNode p = params == null ? TestAssets.json("{}") : params;
    if (!p.has(OutputNames.INPUT_PARAM)) {
      for (String name :
          new String[] {
            OutputNames.MESH_GLB, OutputNames.OPTIMIZED_GLB, OutputNames.CONVERTED_GLB
          }) {
        if (inputs.containsKey(name)) {
          p.put(OutputNames.INPUT_PARAM, name);
          break;
        }
      }
    }
    return p;
  }
}
