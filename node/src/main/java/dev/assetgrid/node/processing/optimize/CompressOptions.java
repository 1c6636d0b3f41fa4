package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Options of the {@code EXT_meshopt_compression} encoding done by {@link MeshWriter}.
 *
 * @param mode {@link Mode#MESHOPT} encodes every vertex stream (ATTRIBUTES, codec v0) and index
 *     list (TRIANGLES / INDICES, codec v1) the mesh stages write, with a fallback buffer without
 *     data; the extension becomes required. {@link Mode#NONE} writes plain bufferViews. Input
 *     data that was meshopt-compressed and is not rewritten by the stages (e.g. animations) is
 *     stored decoded. Default MESHOPT.
 */
public record CompressOptions(Mode mode) {
  /** Stream compression. */
  public enum Mode {
    NONE, MESHOPT;

    public static Mode parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw OptionsJson.bad("mode", "meshopt or none", s);
      }
    }
  }

  public static final Mode DEFAULT_MODE = Mode.MESHOPT;
  public static final CompressOptions DEFAULTS = new CompressOptions(DEFAULT_MODE);
  public static final CompressOptions NONE = new CompressOptions(Mode.NONE);

  public CompressOptions {
    java.util.Objects.requireNonNull(mode, "mode");
  }

  public boolean meshopt() {
    return mode == Mode.MESHOPT;
  }

  public static CompressOptions fromJson(JsonNode json) {
    return new CompressOptions(Mode.parse(OptionsJson.text(json, "mode", DEFAULT_MODE.name())));
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("mode", mode.name().toLowerCase(Locale.ROOT));
  }
}
