package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Overdraw}.
 *
 * @param enabled reorder triangle clusters to reduce overdraw (meshopt_optimizeOverdraw). Default
 *     true.
 * @param threshold how much worse the vertex cache efficiency (ACMR) may get, as a factor: 1.05 =
 *     5% worse. Range 1..3. Default 1.05.
 */
public record OverdrawOptions(boolean enabled, float threshold) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final float DEFAULT_THRESHOLD = 1.05f;
  public static final OverdrawOptions DEFAULTS = new OverdrawOptions(DEFAULT_ENABLED, DEFAULT_THRESHOLD);

  public OverdrawOptions {
    OptionsJson.check(threshold >= 1f && threshold <= 3f, "threshold", "in 1..3", threshold);
  }

  public static OverdrawOptions fromJson(JsonNode json) {
    return new OverdrawOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED),
        OptionsJson.number(json, "threshold", DEFAULT_THRESHOLD));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled).put("threshold", threshold);
  }
}
