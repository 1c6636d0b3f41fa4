package dev.assetgrid.node.processing.assemble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Assemble}.
 *
 * @param keepFallback keep each original PNG/JPEG as the texture's core {@code source} and add the
 *     KTX2 as a new image referenced from {@code KHR_texture_basisu} (viewers without the extension
 *     still load the model; the file grows). Default false: the KTX2 replaces the image and
 *     {@code KHR_texture_basisu} goes into {@code extensionsRequired}.
 */
public record AssembleOptions(boolean keepFallback) {
  public static final AssembleOptions DEFAULTS = new AssembleOptions(false);

  /** Reads options from JSON (task params); absent fields take their defaults. */
  public static AssembleOptions fromJson(JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return DEFAULTS;
    }
    return new AssembleOptions(j.path("keepFallback").asBoolean(DEFAULTS.keepFallback));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("keepFallback", keepFallback);
  }
}
