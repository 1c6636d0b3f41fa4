package dev.assetgrid.node.worker;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import java.nio.file.Path;

/**
 * The model a task reads: the input its plan named ({@value OutputNames#INPUT_PARAM}), so no
 * handler guesses from file names which of its inputs is the most processed model.
 */
public final class TaskInputs {
  private TaskInputs() {}

  /**
   * The model input the params name (a GLB, or a .gltf whose side files sit beside it in {@link
   * TaskWork#inputDir()}).
   *
   * @throws dev.assetgrid.shared.error.AssetGridException GLTF_RESOURCE_MISSING when the lease did
   *     not carry it
   */
  public static Path model(TaskWork work, TaskParams params) {
    return work.input(params.input());
  }

  /** Reads {@link #model} as an asset with {@code reader}. */
  public static GltfAsset readModel(GltfReader reader, TaskWork work, TaskParams params) {
    return reader.read(model(work, params));
  }
}
