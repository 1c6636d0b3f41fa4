package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Quantize} ({@code KHR_mesh_quantization}); defaults follow gltfpack.
 *
 * @param enabled quantize vertex attributes; false keeps every attribute in its input encoding.
 *     Default true.
 * @param positionBits bits per position component, 1..16, on one grid for the whole asset
 *     (stored as UNSIGNED_SHORT; the grid's offset and step become a node transform, or are folded
 *     into the inverse bind matrices of skinned meshes). Default 14.
 * @param normalBits bits of normals and tangents, 2..16: up to 8 stored as normalized BYTE, else
 *     normalized SHORT. Default 8.
 * @param texcoordBits bits per UV component, 1..16, over the UV range of each material (stored as
 *     normalized UNSIGNED_SHORT, undone by {@code KHR_texture_transform}). Default 12.
 * @param colorBits bits of vertex colors, 1..16: up to 8 stored as normalized UNSIGNED_BYTE, else
 *     normalized UNSIGNED_SHORT. Default 8.
 */
public record QuantizeOptions(boolean enabled, int positionBits, int normalBits, int texcoordBits, int colorBits) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_POSITION_BITS = 14;
  public static final int DEFAULT_NORMAL_BITS = 8;
  public static final int DEFAULT_TEXCOORD_BITS = 12;
  public static final int DEFAULT_COLOR_BITS = 8;
  public static final QuantizeOptions DEFAULTS = new QuantizeOptions(DEFAULT_ENABLED, DEFAULT_POSITION_BITS,
      DEFAULT_NORMAL_BITS, DEFAULT_TEXCOORD_BITS, DEFAULT_COLOR_BITS);

  public QuantizeOptions {
    OptionsJson.check(positionBits >= 1 && positionBits <= 16, "positionBits", "in 1..16", positionBits);
    OptionsJson.check(normalBits >= 2 && normalBits <= 16, "normalBits", "in 2..16", normalBits);
    OptionsJson.check(texcoordBits >= 1 && texcoordBits <= 16, "texcoordBits", "in 1..16", texcoordBits);
    OptionsJson.check(colorBits >= 1 && colorBits <= 16, "colorBits", "in 1..16", colorBits);
  }

  public QuantizeOptions withEnabled(boolean on) {
    return new QuantizeOptions(on, positionBits, normalBits, texcoordBits, colorBits);
  }

  public static QuantizeOptions fromJson(JsonNode json) {
    return new QuantizeOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED),
        OptionsJson.integer(json, "positionBits", DEFAULT_POSITION_BITS),
        OptionsJson.integer(json, "normalBits", DEFAULT_NORMAL_BITS),
        OptionsJson.integer(json, "texcoordBits", DEFAULT_TEXCOORD_BITS),
        OptionsJson.integer(json, "colorBits", DEFAULT_COLOR_BITS));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled).put("positionBits", positionBits)
        .put("normalBits", normalBits).put("texcoordBits", texcoordBits).put("colorBits", colorBits);
  }
}
