package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the {@code assemble} stage.
 *
 * @param keepFallback keep each original PNG/JPEG as the texture's core {@code source} and add the
 *     KTX2 as a new image referenced from {@code KHR_texture_basisu} (viewers without the extension
 *     still load the model; the file grows). Default false: the KTX2 replaces the image and {@code
 *     KHR_texture_basisu} goes into {@code extensionsRequired}.
 */
public record AssembleOptions(boolean keepFallback) implements StageParams {
  public static final AssembleOptions DEFAULTS = new AssembleOptions(false);

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static AssembleOptions read(OptionReader r) {
    return new AssembleOptions(r.bool("keepFallback", DEFAULTS.keepFallback));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static AssembleOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    AssembleOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("keepFallback", keepFallback);
  }
}
