package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the LOD stage of {@code optimize-mesh}.
 *
 * @param levels number of extra levels of detail, 0..8; 0 turns the stage off. Each level is a new
 *     mesh referenced through {@code MSFT_lod} from the node that draws the base mesh. Default 0.
 * @param ratio triangle ratio between consecutive levels, in (0, 1). Default 0.5.
 * @param maxError relative error bound of each level (see {@link SimplifyOptions#maxError()}), in
 *     [0, 1]. Default 0.05.
 */
public record LodOptions(int levels, float ratio, float maxError) {
  public static final int DEFAULT_LEVELS = 0;
  public static final float DEFAULT_RATIO = 0.5f;
  public static final float DEFAULT_MAX_ERROR = 0.05f;
  public static final LodOptions DEFAULTS =
      new LodOptions(DEFAULT_LEVELS, DEFAULT_RATIO, DEFAULT_MAX_ERROR);

  public LodOptions {
    OptionReader.require(levels >= 0 && levels <= 8, "levels", "must be in 0..8", levels);
    OptionReader.require(ratio > 0f && ratio < 1f, "ratio", "must be in (0, 1)", ratio);
    OptionReader.require(
        maxError >= 0f && maxError <= 1f, "maxError", "must be in [0, 1]", maxError);
  }

  public LodOptions withLevels(int n) {
    return new LodOptions(n, ratio, maxError);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static LodOptions read(OptionReader r) {
    int levels = r.integer("levels", DEFAULT_LEVELS);
    float ratio = r.number("ratio", DEFAULT_RATIO);
    float maxError = r.number("maxError", DEFAULT_MAX_ERROR);
    return r.build(() -> new LodOptions(levels, ratio, maxError));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static LodOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    LodOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("levels", levels)
        .put("ratio", ratio)
        .put("maxError", maxError);
  }
}
