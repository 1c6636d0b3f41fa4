package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Lods}.
 *
 * @param levels number of extra levels of detail, 0..8; 0 turns the stage off. Each level is a new
 *     mesh referenced through {@code MSFT_lod} from the node that draws the base mesh. Default 0.
 * @param ratio triangle ratio between consecutive levels, in (0, 1). Default 0.5.
 * @param maxError relative error bound of each level (see {@link SimplifyOptions#maxError()}),
 *     in [0, 1]. Default 0.05.
 */
public record LodOptions(int levels, float ratio, float maxError) {
  public static final int DEFAULT_LEVELS = 0;
  public static final float DEFAULT_RATIO = 0.5f;
  public static final float DEFAULT_MAX_ERROR = 0.05f;
  public static final LodOptions DEFAULTS = new LodOptions(DEFAULT_LEVELS, DEFAULT_RATIO, DEFAULT_MAX_ERROR);

  public LodOptions {
    OptionsJson.check(levels >= 0 && levels <= 8, "levels", "in 0..8", levels);
    OptionsJson.check(ratio > 0f && ratio < 1f, "ratio", "in (0, 1)", ratio);
    OptionsJson.check(maxError >= 0f && maxError <= 1f, "maxError", "in [0, 1]", maxError);
  }

  public LodOptions withLevels(int n) {
    return new LodOptions(n, ratio, maxError);
  }

  public static LodOptions fromJson(JsonNode json) {
    return new LodOptions(OptionsJson.integer(json, "levels", DEFAULT_LEVELS), OptionsJson.number(json, "ratio", DEFAULT_RATIO),
        OptionsJson.number(json, "maxError", DEFAULT_MAX_ERROR));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("levels", levels).put("ratio", ratio).put("maxError", maxError);
  }
}
