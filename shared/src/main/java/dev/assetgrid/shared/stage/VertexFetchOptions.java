package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the vertex-fetch stage of {@code optimize-mesh}. JSON: {@code {"enabled":true}}.
 *
 * @param enabled reorder vertices in the order the indices first use them and drop unused ones
 *     (meshopt_optimizeVertexFetchRemap); also helps the vertex codec. Default true.
 */
public record VertexFetchOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final VertexFetchOptions DEFAULTS = new VertexFetchOptions(DEFAULT_ENABLED);

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static VertexFetchOptions read(OptionReader r) {
    VertexFetchOptions o = new VertexFetchOptions(r.bool("enabled", DEFAULT_ENABLED));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static VertexFetchOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    VertexFetchOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
