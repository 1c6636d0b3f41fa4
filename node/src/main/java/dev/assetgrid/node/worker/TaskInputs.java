package dev.assetgrid.node.worker;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.shared.stage.OutputNames;
import java.nio.file.Path;

/** Picks the model a stage should read from the inputs a task received. */
public final class TaskInputs {
  private TaskInputs() {}

  /**
   * The most processed model among the inputs, in the order given, falling back to the original
   * (a GLB or a .gltf whose side files sit beside it in {@link TaskWork#inputDir()}).
   */
  public static Path latestModel(TaskWork work, String... preference) {
    for (String name : preference) {
      Path p = work.inputs().get(name);
      if (p != null) {
        return p;
      }
    }
    return work.input(OutputNames.ORIGINAL);
  }

  /** Reads {@link #latestModel} as an asset with {@code reader}. */
  public static GltfAsset readLatest(GltfReader reader, TaskWork work, String... preference) {
    return reader.read(latestModel(work, preference));
  }
}
