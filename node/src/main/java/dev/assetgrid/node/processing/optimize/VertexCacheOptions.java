package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link VertexCache}.
 *
 * @param enabled reorder triangles for the post-transform vertex cache
 *     (meshopt_optimizeVertexCache). Default true.
 */
public record VertexCacheOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final VertexCacheOptions DEFAULTS = new VertexCacheOptions(DEFAULT_ENABLED);

  public static VertexCacheOptions fromJson(JsonNode json) {
    return new VertexCacheOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
