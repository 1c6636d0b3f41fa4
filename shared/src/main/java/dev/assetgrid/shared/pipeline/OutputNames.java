package dev.assetgrid.shared.pipeline;

/**
 * Names of the blobs tasks produce. A task receives the outputs of the tasks it depends on as inputs
 * under these names, beside {@link #ORIGINAL} (the uploaded model) and the upload's side files
 * (under their relative paths). Outputs also become files of the asset
 * ({@code GET /v1/assets/{id}/files/{name}}).
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
  /** optimize-mesh → the GLB with optimized meshes (textures untouched). */
  public static final String MESH_GLB = "mesh.glb";
  /** assemble → the final GLB: optimized meshes plus compressed textures. */
  public static final String OPTIMIZED_GLB = "optimized.glb";
  /** thumbnail → PNG preview. */
  public static final String THUMBNAIL_PNG = "thumbnail.png";

  /** compress-texture of image {@code index} → KTX2. */
  public static String texture(int index) {
    return "texture-" + index + ".ktx2";
  }
}
