package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the dedup stage of {@code optimize-mesh}. JSON: {@code {"enabled":true}}.
 *
 * @param enabled merge primitives whose geometry is equal (same mode, streams and indices) so it is
 *     processed and stored once, and merge byte-identical accessors left in the asset (animation
 *     times, inverse bind matrices). Default true.
 */
public record DedupOptions(boolean enabled) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final DedupOptions DEFAULTS = new DedupOptions(DEFAULT_ENABLED);

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static DedupOptions read(OptionReader r) {
    DedupOptions o = new DedupOptions(r.bool("enabled", DEFAULT_ENABLED));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static DedupOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    DedupOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("enabled", enabled);
  }
}
