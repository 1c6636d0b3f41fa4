package dev.assetgrid.node.processing.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Inspect}.
 *
 * @param textureHeaders read each texture's image header for mime type, width and height (header
 *     bytes only, nothing is decoded). Default true.
 * @param boundsFromData read POSITION data when an accessor has no usable min/max (or is
 *     normalized) to compute the bounding box. Default true; when false such primitives are left
 *     out of the box.
 * @param maxTextureEntries most entries listed in the report's {@code textures} array (counts and
 *     GPU estimate still cover all). Default {@value #DEFAULT_MAX_TEXTURE_ENTRIES}, at least 0.
 */
public record InspectOptions(boolean textureHeaders, boolean boundsFromData, int maxTextureEntries) {
  public static final int DEFAULT_MAX_TEXTURE_ENTRIES = 1024;
  public static final InspectOptions DEFAULTS = new InspectOptions(true, true, DEFAULT_MAX_TEXTURE_ENTRIES);

  public InspectOptions {
    if (maxTextureEntries < 0) {
      throw new IllegalArgumentException("maxTextureEntries must be >= 0: " + maxTextureEntries);
    }
  }

  /** Reads options from JSON; absent fields take their defaults. */
  public static InspectOptions fromJson(JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return DEFAULTS;
    }
    return new InspectOptions(
        j.path("textureHeaders").asBoolean(DEFAULTS.textureHeaders),
        j.path("boundsFromData").asBoolean(DEFAULTS.boundsFromData),
        j.path("maxTextureEntries").asInt(DEFAULT_MAX_TEXTURE_ENTRIES));
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("textureHeaders", textureHeaders);
    o.put("boundsFromData", boundsFromData);
    o.put("maxTextureEntries", maxTextureEntries);
    return o;
  }
}
