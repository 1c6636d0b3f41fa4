package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the tangents stage of {@code optimize-mesh}. JSON: {@code
 * {"enabled":true,"overwrite":false}}; missing fields take the defaults.
 *
 * @param enabled generate a {@code TANGENT} (VEC4 float: unit xyz orthogonal to the normal, w = ±1)
 *     for every triangle primitive whose material needs a tangent space ({@code normalTexture},
 *     {@code KHR_materials_clearcoat} {@code clearcoatNormalTexture}, {@code
 *     KHR_materials_anisotropy}) and that has POSITION, NORMAL and the TEXCOORD_n that material
 *     reads. On by default: it only repairs primitives that a renderer would otherwise have to give
 *     a runtime tangent space (the Khronos validator's MESH_PRIMITIVE_GENERATED_TANGENT_SPACE /
 *     NO_TANGENT_SPACE); it costs 4 bytes per vertex of those primitives once quantized. Default
 *     true.
 * @param overwrite also replace existing {@code TANGENT} attributes of those primitives. Default
 *     false: authored tangents are usually baked together with the normal map and are better than
 *     ours.
 */
public record TangentsOptions(boolean enabled, boolean overwrite) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final boolean DEFAULT_OVERWRITE = false;
  public static final TangentsOptions DEFAULTS =
      new TangentsOptions(DEFAULT_ENABLED, DEFAULT_OVERWRITE);
  public static final TangentsOptions OFF = new TangentsOptions(false, DEFAULT_OVERWRITE);

  public TangentsOptions withEnabled(boolean on) {
    return new TangentsOptions(on, overwrite);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static TangentsOptions read(OptionReader r) {
    TangentsOptions o =
        new TangentsOptions(
            r.bool("enabled", DEFAULT_ENABLED), r.bool("overwrite", DEFAULT_OVERWRITE));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static TangentsOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    TangentsOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("enabled", enabled)
        .put("overwrite", overwrite);
  }
}
