package dev.assetgrid.node.processing.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.util.Locale;

/**
 * Options of {@link Thumbnail}.
 *
 * @param size width and height of one view, in pixels; 16..{@value #MAX_SIZE}. Default
 *     {@value #DEFAULT_SIZE}.
 * @param supersample samples per pixel along each axis (2 = 2x2 box-filtered samples); 1..4, and
 *     {@code size * supersample <= }{@value #MAX_SAMPLES_PER_SIDE} (the sample buffer takes 20 bytes
 *     per sample: at most 189 MB; 21 MB for the defaults). Default {@value #DEFAULT_SUPERSAMPLE}.
 * @param yaw camera azimuth around the world up axis (+Y), in degrees: 0 looks at the model's
 *     front (from +Z), positive values move the camera to the model's right (+X). Any finite value.
 *     Default {@value #DEFAULT_YAW}.
 * @param pitch camera elevation, in degrees: positive looks down from above; -89..89. Default
 *     {@value #DEFAULT_PITCH}.
 * @param background background colour as non-premultiplied sRGB ARGB ({@code 0xAARRGGBB}); the
 *     default {@code 0x00000000} is transparent. In JSON a string {@code "#RRGGBB"},
 *     {@code "#RRGGBBAA"} or {@code "transparent"}.
 * @param turntableViews number of views of the turntable strip ({@link Thumbnail#turntable}); 0
 *     means no turntable; otherwise 2..{@value #MAX_TURNTABLE_VIEWS}. Default 0.
 * @param maxTexturePixels textures whose header declares more pixels (width x height) than this are
 *     not decoded: their material falls back to its base colour factor. 0 disables textures;
 *     at most {@value #MAX_TEXTURE_PIXELS_LIMIT}. Default {@value #DEFAULT_MAX_TEXTURE_PIXELS}.
 */
public record ThumbnailOptions(int size, int supersample, double yaw, double pitch, int background,
    int turntableViews, long maxTexturePixels) {
  public static final int DEFAULT_SIZE = 512;
  public static final int MAX_SIZE = 2048;
  public static final int DEFAULT_SUPERSAMPLE = 2;
  public static final int MAX_SAMPLES_PER_SIDE = 3072;
  public static final double DEFAULT_YAW = 35;
  public static final double DEFAULT_PITCH = 25;
  public static final int TRANSPARENT = 0x00000000;
  public static final int MAX_TURNTABLE_VIEWS = 64;
  public static final long DEFAULT_MAX_TEXTURE_PIXELS = 4096L * 4096L;
  public static final long MAX_TEXTURE_PIXELS_LIMIT = 8192L * 8192L;

  public static final ThumbnailOptions DEFAULTS = new ThumbnailOptions(DEFAULT_SIZE, DEFAULT_SUPERSAMPLE, DEFAULT_YAW,
      DEFAULT_PITCH, TRANSPARENT, 0, DEFAULT_MAX_TEXTURE_PIXELS);

  public ThumbnailOptions {
    if (size < 16 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be in 16.." + MAX_SIZE + ": " + size);
    }
    if (supersample < 1 || supersample > 4) {
      throw new IllegalArgumentException("supersample must be in 1..4: " + supersample);
    }
    if ((long) size * supersample > MAX_SAMPLES_PER_SIDE) {
      throw new IllegalArgumentException("size x supersample must be at most " + MAX_SAMPLES_PER_SIDE + ": "
          + size + " x " + supersample);
    }
    if (!Double.isFinite(yaw)) {
      throw new IllegalArgumentException("yaw must be finite: " + yaw);
    }
    if (!(pitch >= -89 && pitch <= 89)) {
      throw new IllegalArgumentException("pitch must be in -89..89: " + pitch);
    }
    if (turntableViews != 0 && (turntableViews < 2 || turntableViews > MAX_TURNTABLE_VIEWS)) {
      throw new IllegalArgumentException("turntableViews must be 0 or 2.." + MAX_TURNTABLE_VIEWS + ": " + turntableViews);
    }
    if (maxTexturePixels < 0 || maxTexturePixels > MAX_TEXTURE_PIXELS_LIMIT) {
      throw new IllegalArgumentException("maxTexturePixels must be in 0.." + MAX_TEXTURE_PIXELS_LIMIT + ": "
          + maxTexturePixels);
    }
  }

  public ThumbnailOptions withSize(int newSize) {
    return new ThumbnailOptions(newSize, supersample, yaw, pitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withSupersample(int newSupersample) {
    return new ThumbnailOptions(size, newSupersample, yaw, pitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withView(double newYaw, double newPitch) {
    return new ThumbnailOptions(size, supersample, newYaw, newPitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withBackground(int argb) {
    return new ThumbnailOptions(size, supersample, yaw, pitch, argb, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withTurntableViews(int views) {
    return new ThumbnailOptions(size, supersample, yaw, pitch, background, views, maxTexturePixels);
  }

  public ThumbnailOptions withMaxTexturePixels(long pixels) {
    return new ThumbnailOptions(size, supersample, yaw, pitch, background, turntableViews, pixels);
  }

  /**
   * Reads options from JSON; absent fields take their defaults.
   *
   * @throws AssetGridException INVALID_REQUEST for values out of range or of the wrong type
   */
  public static ThumbnailOptions fromJson(JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return DEFAULTS;
    }
    if (!j.isObject()) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "thumbnail options must be a JSON object");
    }
    try {
      return new ThumbnailOptions(
          intField(j, "size", DEFAULT_SIZE),
          intField(j, "supersample", DEFAULT_SUPERSAMPLE),
          number(j, "yaw", DEFAULT_YAW),
          number(j, "pitch", DEFAULT_PITCH),
          j.has("background") ? parseColor(j.get("background")) : TRANSPARENT,
          intField(j, "turntableViews", 0),
          longField(j, "maxTexturePixels", DEFAULT_MAX_TEXTURE_PIXELS));
    } catch (IllegalArgumentException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "thumbnail options: " + e.getMessage(), e);
    }
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("size", size);
    o.put("supersample", supersample);
    o.put("yaw", yaw);
    o.put("pitch", pitch);
    o.put("background", formatColor(background));
    o.put("turntableViews", turntableViews);
    o.put("maxTexturePixels", maxTexturePixels);
    return o;
  }

  /** {@code "transparent"} for 0, else {@code "#RRGGBBAA"}. */
  static String formatColor(int argb) {
    if (argb == TRANSPARENT) {
      return "transparent";
    }
    return String.format(Locale.ROOT, "#%06x%02x", argb & 0xffffff, argb >>> 24);
  }

  static int parseColor(JsonNode n) {
    String s = n.isTextual() ? n.asText().trim().toLowerCase(Locale.ROOT) : "";
    if (s.equals("transparent")) {
      return TRANSPARENT;
    }
    if (s.startsWith("#") && (s.length() == 7 || s.length() == 9) && s.substring(1).chars().allMatch(
        c -> Character.digit(c, 16) >= 0)) {
      long v = Long.parseLong(s.substring(1), 16);
      if (s.length() == 7) {
        return (int) (0xff000000L | v);
      }
      return (int) ((v & 0xff) << 24 | v >>> 8);
    }
    throw new IllegalArgumentException("background must be \"#RRGGBB\", \"#RRGGBBAA\" or \"transparent\": " + n);
  }

  private static int intField(JsonNode j, String name, int dflt) {
    JsonNode n = j.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(name + " must be an integer: " + n);
    }
    return n.asInt();
  }

  private static long longField(JsonNode j, String name, long dflt) {
    JsonNode n = j.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToExactIntegral() || !n.canConvertToLong()) {
      throw new IllegalArgumentException(name + " must be an integer: " + n);
    }
    return n.asLong();
  }

  private static double number(JsonNode j, String name, double dflt) {
    JsonNode n = j.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw new IllegalArgumentException(name + " must be a number: " + n);
    }
    return n.asDouble();
  }
}
