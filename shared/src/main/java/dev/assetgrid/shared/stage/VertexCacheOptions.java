package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the vertex-cache stage of {@code optimize-mesh}. JSON: {@code {"enabled":true}}.
 *
 * @param enabled reorder triangles for the post-transform vertex cache
 *     (meshopt_optimizeVertexCache). Default true.
 */
public record VertexCacheOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final VertexCacheOptions DEFAULTS = new VertexCacheOptions(DEFAULT_ENABLED);

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static VertexCacheOptions read(OptionReader r) {
    VertexCacheOptions o = new VertexCacheOptions(r.bool("enabled", DEFAULT_ENABLED));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static VertexCacheOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    VertexCacheOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
