package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the quantize stage of {@code optimize-mesh} ({@code KHR_mesh_quantization}); defaults
 * follow gltfpack.
 *
 * @param enabled quantize vertex attributes; false keeps every attribute in its input encoding.
 *     Default true.
 * @param positionBits bits per position component, 1..16, on one grid for the whole asset (stored
 *     as UNSIGNED_SHORT; the grid's offset and step become a node transform, or are folded into the
 *     inverse bind matrices of skinned meshes). Default 14.
 * @param normalBits bits of normals and tangents, 2..16: up to 8 stored as normalized BYTE, else
 *     normalized SHORT. Default 8.
 * @param texcoordBits bits per UV component, 1..16, over the UV range of each material (stored as
 *     normalized UNSIGNED_SHORT, undone by {@code KHR_texture_transform}). Default 12.
 * @param colorBits bits of vertex colors, 1..16: up to 8 stored as normalized UNSIGNED_BYTE, else
 *     normalized UNSIGNED_SHORT. Default 8.
 */
public record QuantizeOptions(
    boolean enabled, int positionBits, int normalBits, int texcoordBits, int colorBits) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_POSITION_BITS = 14;
  public static final int DEFAULT_NORMAL_BITS = 8;
  public static final int DEFAULT_TEXCOORD_BITS = 12;
  public static final int DEFAULT_COLOR_BITS = 8;
  public static final QuantizeOptions DEFAULTS =
      new QuantizeOptions(
          DEFAULT_ENABLED,
          DEFAULT_POSITION_BITS,
          DEFAULT_NORMAL_BITS,
          DEFAULT_TEXCOORD_BITS,
          DEFAULT_COLOR_BITS);

  public QuantizeOptions {
    OptionReader.require(
        positionBits >= 1 && positionBits <= 16, "positionBits", "must be in 1..16", positionBits);
    OptionReader.require(
        normalBits >= 2 && normalBits <= 16, "normalBits", "must be in 2..16", normalBits);
    OptionReader.require(
        texcoordBits >= 1 && texcoordBits <= 16, "texcoordBits", "must be in 1..16", texcoordBits);
    OptionReader.require(
        colorBits >= 1 && colorBits <= 16, "colorBits", "must be in 1..16", colorBits);
  }

  public QuantizeOptions withEnabled(boolean on) {
    return new QuantizeOptions(on, positionBits, normalBits, texcoordBits, colorBits);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static QuantizeOptions read(OptionReader r) {
    boolean enabled = r.bool("enabled", DEFAULT_ENABLED);
    int positionBits = r.integer("positionBits", DEFAULT_POSITION_BITS);
    int normalBits = r.integer("normalBits", DEFAULT_NORMAL_BITS);
    int texcoordBits = r.integer("texcoordBits", DEFAULT_TEXCOORD_BITS);
    int colorBits = r.integer("colorBits", DEFAULT_COLOR_BITS);
    return r.build(
        () -> new QuantizeOptions(enabled, positionBits, normalBits, texcoordBits, colorBits));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static QuantizeOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    QuantizeOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("enabled", enabled)
        .put("positionBits", positionBits)
        .put("normalBits", normalBits)
        .put("texcoordBits", texcoordBits)
        .put("colorBits", colorBits);
  }
}
