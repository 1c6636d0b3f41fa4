package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Simplify}.
 *
 * @param ratio wanted fraction of triangles to keep, in (0, 1]; 1 turns simplification off.
 *     Default 1.
 * @param maxError largest allowed geometric error, relative to the mesh extent (0.01 = 1% of the
 *     mesh size), in [0, 1]. The ratio is not reached when it would need a larger error. Default 0.01.
 * @param lockBorder keep the vertices on open borders of a primitive in place (so adjacent
 *     primitives stay joined). Default false.
 * @param normalWeight weight of normals in the error metric (meshopt_simplifyWithAttributes),
 *     0..100; 0 = positions only. Attribute seams (UV/normal discontinuities) are always kept
 *     by meshoptimizer. Default 0.
 */
public record SimplifyOptions(float ratio, float maxError, boolean lockBorder, float normalWeight) {
  public static final float DEFAULT_RATIO = 1f;
  public static final float DEFAULT_MAX_ERROR = 0.01f;
  public static final boolean DEFAULT_LOCK_BORDER = false;
  public static final float DEFAULT_NORMAL_WEIGHT = 0f;
  public static final SimplifyOptions DEFAULTS =
      new SimplifyOptions(DEFAULT_RATIO, DEFAULT_MAX_ERROR, DEFAULT_LOCK_BORDER, DEFAULT_NORMAL_WEIGHT);

  public SimplifyOptions {
    OptionsJson.check(ratio > 0f && ratio <= 1f, "ratio", "in (0, 1]", ratio);
    OptionsJson.check(maxError >= 0f && maxError <= 1f, "maxError", "in [0, 1]", maxError);
    OptionsJson.check(normalWeight >= 0f && normalWeight <= 100f, "normalWeight", "in [0, 100]", normalWeight);
  }

  /** Whether the stage does anything. */
  public boolean enabled() {
    return ratio < 1f;
  }

  public SimplifyOptions withRatio(float r) {
    return new SimplifyOptions(r, maxError, lockBorder, normalWeight);
  }

  public SimplifyOptions withMaxError(float e) {
    return new SimplifyOptions(ratio, e, lockBorder, normalWeight);
  }

  public static SimplifyOptions fromJson(JsonNode json) {
    return new SimplifyOptions(OptionsJson.number(json, "ratio", DEFAULT_RATIO),
        OptionsJson.number(json, "maxError", DEFAULT_MAX_ERROR),
        OptionsJson.bool(json, "lockBorder", DEFAULT_LOCK_BORDER),
        OptionsJson.number(json, "normalWeight", DEFAULT_NORMAL_WEIGHT));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("ratio", ratio).put("maxError", maxError)
        .put("lockBorder", lockBorder).put("normalWeight", normalWeight);
  }
}
