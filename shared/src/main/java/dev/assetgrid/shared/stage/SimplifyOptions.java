package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the simplify stage of {@code optimize-mesh}.
 *
 * @param ratio wanted fraction of triangles to keep, in (0, 1]; 1 turns simplification off. Default
 *     1.
 * @param maxError largest allowed geometric error, relative to the mesh extent (0.01 = 1% of the
 *     mesh size), in [0, 1]. The ratio is not reached when it would need a larger error. Default
 *     0.01.
 * @param lockBorder keep the vertices on open borders of a primitive in place (so adjacent
 *     primitives stay joined). Default false.
 * @param normalWeight weight of normals in the error metric (meshopt_simplifyWithAttributes),
 *     0..100; 0 = positions only. Attribute seams (UV/normal discontinuities) are always kept by
 *     meshoptimizer. Default 0.
 */
public record SimplifyOptions(float ratio, float maxError, boolean lockBorder, float normalWeight) {
  public static final float DEFAULT_RATIO = 1f;
  public static final float DEFAULT_MAX_ERROR = 0.01f;
  public static final boolean DEFAULT_LOCK_BORDER = false;
  public static final float DEFAULT_NORMAL_WEIGHT = 0f;
  public static final SimplifyOptions DEFAULTS =
      new SimplifyOptions(
          DEFAULT_RATIO, DEFAULT_MAX_ERROR, DEFAULT_LOCK_BORDER, DEFAULT_NORMAL_WEIGHT);

  public SimplifyOptions {
    OptionReader.require(ratio > 0f && ratio <= 1f, "ratio", "must be in (0, 1]", ratio);
    OptionReader.require(
        maxError >= 0f && maxError <= 1f, "maxError", "must be in [0, 1]", maxError);
    OptionReader.require(
        normalWeight >= 0f && normalWeight <= 100f,
        "normalWeight",
        "must be in [0, 100]",
        normalWeight);
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

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static SimplifyOptions read(OptionReader r) {
    float ratio = r.number("ratio", DEFAULT_RATIO);
    float maxError = r.number("maxError", DEFAULT_MAX_ERROR);
    boolean lockBorder = r.bool("lockBorder", DEFAULT_LOCK_BORDER);
    float normalWeight = r.number("normalWeight", DEFAULT_NORMAL_WEIGHT);
    return r.build(() -> new SimplifyOptions(ratio, maxError, lockBorder, normalWeight));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static SimplifyOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    SimplifyOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("ratio", ratio)
        .put("maxError", maxError)
        .put("lockBorder", lockBorder)
        .put("normalWeight", normalWeight);
  }
}
