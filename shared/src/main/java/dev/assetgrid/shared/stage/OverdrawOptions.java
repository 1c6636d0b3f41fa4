package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the overdraw stage of {@code optimize-mesh}.
 *
 * @param enabled reorder triangle clusters to reduce overdraw (meshopt_optimizeOverdraw). Default
 *     true.
 * @param threshold how much worse the vertex cache efficiency (ACMR) may get, as a factor: 1.05 =
 *     5% worse. Range 1..3. Default 1.05.
 */
public record OverdrawOptions(boolean enabled, float threshold) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final float DEFAULT_THRESHOLD = 1.05f;
  public static final OverdrawOptions DEFAULTS =
      new OverdrawOptions(DEFAULT_ENABLED, DEFAULT_THRESHOLD);

  public OverdrawOptions {
    OptionReader.require(
        threshold >= 1f && threshold <= 3f, "threshold", "must be in 1..3", threshold);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static OverdrawOptions read(OptionReader r) {
    boolean enabled = r.bool("enabled", DEFAULT_ENABLED);
    float threshold = r.number("threshold", DEFAULT_THRESHOLD);
    return r.build(() -> new OverdrawOptions(enabled, threshold));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static OverdrawOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    OverdrawOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("enabled", enabled)
        .put("threshold", threshold);
  }
}
