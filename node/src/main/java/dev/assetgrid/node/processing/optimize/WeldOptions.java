package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Weld}.
 *
 * @param enabled merge vertices that are bit-for-bit equal in every attribute and every morph
 *     target delta (meshopt_generateVertexRemapMulti); unused vertices are dropped. Default true.
 */
public record WeldOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final WeldOptions DEFAULTS = new WeldOptions(DEFAULT_ENABLED);

  public static WeldOptions fromJson(JsonNode json) {
    return new WeldOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
