package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Objects;

/**
 * Options of the {@code EXT_meshopt_compression} encoding that {@code optimize-mesh} writes.
 *
 * @param mode {@link Mode#MESHOPT} encodes every vertex stream (ATTRIBUTES, codec v0) and index
 *     list (TRIANGLES / INDICES, codec v1) the mesh stages write, with a fallback buffer without
 *     data; the extension becomes required. {@link Mode#NONE} writes plain bufferViews. Input data
 *     that was meshopt-compressed and is not rewritten by the stages (e.g. animations) is stored
 *     decoded. Default MESHOPT. JSON: {@code "meshopt"} or {@code "none"}.
 */
public record CompressOptions(Mode mode) {
  /** Stream compression. */
  public enum Mode {
    NONE,
    MESHOPT
  }

  /** {@link #DEFAULT_MODE} as it is written in JSON and on the command line. */
  public static final String DEFAULT_MODE_NAME = "meshopt";

  public static final Mode DEFAULT_MODE = Mode.valueOf(DEFAULT_MODE_NAME.toUpperCase(Locale.ROOT));
  public static final CompressOptions DEFAULTS = new CompressOptions(DEFAULT_MODE);
  public static final CompressOptions NONE = new CompressOptions(Mode.NONE);

  public CompressOptions {
    Objects.requireNonNull(mode, "mode");
  }

  public boolean meshopt() {
    return mode == Mode.MESHOPT;
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static CompressOptions read(OptionReader r) {
    CompressOptions o = new CompressOptions(r.choice("mode", Mode.class, DEFAULT_MODE));
    return o;
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static CompressOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    CompressOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("mode", mode.name().toLowerCase(Locale.ROOT));
  }
}
