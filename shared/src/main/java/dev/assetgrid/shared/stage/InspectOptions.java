package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the {@code inspect} stage.
 *
 * @param textureHeaders read each texture's image header for mime type, width and height (header
 *     bytes only, nothing is decoded). Default true.
 * @param boundsFromData read POSITION data when an accessor has no usable min/max (or is
 *     normalized) to compute the bounding box. Default true; when false such primitives are left
 *     out of the box.
 * @param maxTextureEntries most entries listed in the report's {@code textures} array (counts and
 *     GPU estimate still cover all). Default {@value #DEFAULT_MAX_TEXTURE_ENTRIES}, at least 0.
 */
public record InspectOptions(boolean textureHeaders, boolean boundsFromData, int maxTextureEntries)
    implements StageParams {
  public static final int DEFAULT_MAX_TEXTURE_ENTRIES = 1024;
  public static final InspectOptions DEFAULTS =
      new InspectOptions(true, true, DEFAULT_MAX_TEXTURE_ENTRIES);

  public InspectOptions {
    OptionReader.require(
        maxTextureEntries >= 0, "maxTextureEntries", "must be >= 0", maxTextureEntries);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static InspectOptions read(OptionReader r) {
    boolean textureHeaders = r.bool("textureHeaders", DEFAULTS.textureHeaders);
    boolean boundsFromData = r.bool("boundsFromData", DEFAULTS.boundsFromData);
    int maxTextureEntries = r.integer("maxTextureEntries", DEFAULT_MAX_TEXTURE_ENTRIES);
    return r.build(() -> new InspectOptions(textureHeaders, boundsFromData, maxTextureEntries));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static InspectOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    InspectOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("textureHeaders", textureHeaders);
    o.put("boundsFromData", boundsFromData);
    o.put("maxTextureEntries", maxTextureEntries);
    return o;
  }
}
