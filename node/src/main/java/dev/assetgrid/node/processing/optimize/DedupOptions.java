package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Dedup}.
 *
 * @param enabled merge primitives whose geometry is equal (same mode, streams and indices) so it is
 *     processed and stored once, and merge byte-identical accessors left in the asset (animation
 *     times, inverse bind matrices). Default true.
 */
public record DedupOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final DedupOptions DEFAULTS = new DedupOptions(DEFAULT_ENABLED);

  /** Reads options; null or missing members take the defaults. */
  public static DedupOptions fromJson(JsonNode json) {
    return new DedupOptions(OptionsJson.bool(json, "enabled", DEFAULT_ENABLED));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
