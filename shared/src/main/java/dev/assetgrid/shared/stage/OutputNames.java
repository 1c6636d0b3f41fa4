package dev.assetgrid.shared.stage;

/**
 * Names of the blobs tasks produce. A task receives the outputs of the tasks it depends on as
 * inputs under these names, beside {@link #ORIGINAL} (the uploaded model) and the upload's side
 * files (under their relative paths). Outputs also become files of the asset ({@code GET
 * /v1/assets/{id}/files/{name}}).
 */
public final class OutputNames {
  private OutputNames() {}

  /** The uploaded model file. */
  public static final String ORIGINAL = "original";

  /** inspect → its report. */
  public static final String INSPECT_JSON = "inspect.json";

  /** validate → Khronos-shaped report. */
  public static final String VALIDATION_JSON = "validation.json";

  /** convert → the non-glTF input as GLB. */
  public static final String CONVERTED_GLB = "converted.glb";

  /**
   * optimize-mesh, when an assemble task follows → the GLB with optimized meshes (textures
   * untouched).
   */
  public static final String MESH_GLB = "mesh.glb";

  /**
   * The job's final GLB: written by assemble (optimized meshes plus compressed textures), or by
   * optimize-mesh itself when the job plans no assemble (see {@link #MESH_OUTPUT_PARAM}).
   */
  public static final String OPTIMIZED_GLB = "optimized.glb";

  /** thumbnail → PNG preview. */
  public static final String THUMBNAIL_PNG = "thumbnail.png";

  /**
   * Param of an optimize-mesh task naming the file it writes: {@link #MESH_GLB} (the default when
   * the param is absent) for an assemble task to finish, or {@link #OPTIMIZED_GLB} when
   * optimize-mesh writes the job's final model because nothing is left to merge. The coordinator's
   * planner sets it on every optimize-mesh task it plans, replacing any value a pipeline spec gave;
   * a node fails the task with {@code INVALID_REQUEST} for any other value.
   */
  public static final String MESH_OUTPUT_PARAM = "output";

  /**
   * Param of every task that reads a model: the name of the input it reads, {@link #ORIGINAL} or an
   * earlier task's output ({@link #CONVERTED_GLB}, {@link #MESH_GLB}, {@link #OPTIMIZED_GLB}). The
   * planner sets it from the plan, so no stage guesses which of its inputs is "the model"; absent
   * means {@link #ORIGINAL}.
   */
  public static final String INPUT_PARAM = "input";

  /** The names a model input may have ({@link #INPUT_PARAM}). */
  public static final java.util.List<String> MODEL_NAMES =
      java.util.List.of(ORIGINAL, CONVERTED_GLB, MESH_GLB, OPTIMIZED_GLB);

  /** compress-texture of image {@code index} → KTX2. */
  public static String texture(int index) {
    return "texture-" + index + ".ktx2";
  }
}
