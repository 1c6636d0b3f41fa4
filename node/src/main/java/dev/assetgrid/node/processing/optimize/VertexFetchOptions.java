package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link VertexFetch}.
 *
 * @param enabled reorder vertices in the order the indices first use them and drop unused ones
 *     (meshopt_optimizeVertexFetchRemap); also helps the vertex codec. Default true.
 */
public record VertexFetchOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final VertexFetchOptions DEFAULTS = new VertexFetchOptions(DEFAULT_ENABLED);

  public static VertexFetchOptions fromJson(JsonNode json) {
    return new VertexFetchOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
