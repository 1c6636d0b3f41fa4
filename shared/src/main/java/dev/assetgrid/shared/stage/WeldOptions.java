package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the weld stage of {@code optimize-mesh}. JSON: {@code {"enabled":true}}.
 *
 * @param enabled merge vertices that are bit-for-bit equal in every attribute and every morph
 *     target delta (meshopt_generateVertexRemapMulti); unused vertices are dropped. Default true.
 */
public record WeldOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final WeldOptions DEFAULTS = new WeldOptions(DEFAULT_ENABLED);

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static WeldOptions read(OptionReader r) {
    WeldOptions o = new WeldOptions(r.bool("enabled", DEFAULT_ENABLED));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static WeldOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    WeldOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
