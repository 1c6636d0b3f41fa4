package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Options of the {@code thumbnail} stage.
 *
 * @param size width and height of one view, in pixels; 16..{@value #MAX_SIZE}. Default {@value
 *     #DEFAULT_SIZE}.
 * @param supersample samples per pixel along each axis (2 = 2x2 box-filtered samples); 1..4, and
 *     {@code size * supersample <= }{@value #MAX_SAMPLES_PER_SIDE} (the sample buffer takes 20
 *     bytes per sample: at most 189 MB; 21 MB for the defaults). Default {@value
 *     #DEFAULT_SUPERSAMPLE}.
 * @param yaw camera azimuth around the world up axis (+Y), in degrees: 0 looks at the model's front
 *     (from +Z), positive values move the camera to the model's right (+X). Any finite value.
 *     Default {@value #DEFAULT_YAW}.
 * @param pitch camera elevation, in degrees: positive looks down from above; -89..89. Default
 *     {@value #DEFAULT_PITCH}.
 * @param background background colour as non-premultiplied sRGB ARGB ({@code 0xAARRGGBB}); the
 *     default {@code 0x00000000} is transparent. In JSON a string {@code "#RRGGBB"}, {@code
 *     "#RRGGBBAA"} or {@code "transparent"}.
 * @param turntableViews number of views of the turntable strip; 0 means no turntable; otherwise
 *     2..{@value #MAX_TURNTABLE_VIEWS}. Default 0.
 * @param maxTexturePixels textures whose header declares more pixels (width x height) than this are
 *     not decoded: their material falls back to its base colour factor. 0 disables textures; at
 *     most {@value #MAX_TEXTURE_PIXELS_LIMIT}. Default {@value #DEFAULT_MAX_TEXTURE_PIXELS}.
 */
public record ThumbnailOptions(
    int size,
    int supersample,
    double yaw,
    double pitch,
    int background,
    int turntableViews,
    long maxTexturePixels) {
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

  public static final ThumbnailOptions DEFAULTS =
      new ThumbnailOptions(
          DEFAULT_SIZE,
          DEFAULT_SUPERSAMPLE,
          DEFAULT_YAW,
          DEFAULT_PITCH,
          TRANSPARENT,
          0,
          DEFAULT_MAX_TEXTURE_PIXELS);

  public ThumbnailOptions {
    OptionReader.require(
        size >= 16 && size <= MAX_SIZE, "size", "must be in 16.." + MAX_SIZE, size);
    OptionReader.require(
        supersample >= 1 && supersample <= 4, "supersample", "must be in 1..4", supersample);
    OptionReader.require(
        (long) size * supersample <= MAX_SAMPLES_PER_SIDE,
        "supersample",
        "times size must be at most " + MAX_SAMPLES_PER_SIDE,
        size + " x " + supersample);
    OptionReader.require(Double.isFinite(yaw), "yaw", "must be finite", yaw);
    OptionReader.require(pitch >= -89 && pitch <= 89, "pitch", "must be in -89..89", pitch);
    OptionReader.require(
        turntableViews == 0 || (turntableViews >= 2 && turntableViews <= MAX_TURNTABLE_VIEWS),
        "turntableViews",
        "must be 0 or in 2.." + MAX_TURNTABLE_VIEWS,
        turntableViews);
    OptionReader.require(
        maxTexturePixels >= 0 && maxTexturePixels <= MAX_TEXTURE_PIXELS_LIMIT,
        "maxTexturePixels",
        "must be in 0.." + MAX_TEXTURE_PIXELS_LIMIT,
        maxTexturePixels);
  }

  public ThumbnailOptions withSize(int newSize) {
    return new ThumbnailOptions(
        newSize, supersample, yaw, pitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withSupersample(int newSupersample) {
    return new ThumbnailOptions(
        size, newSupersample, yaw, pitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withView(double newYaw, double newPitch) {
    return new ThumbnailOptions(
        size, supersample, newYaw, newPitch, background, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withBackground(int argb) {
    return new ThumbnailOptions(
        size, supersample, yaw, pitch, argb, turntableViews, maxTexturePixels);
  }

  public ThumbnailOptions withTurntableViews(int views) {
    return new ThumbnailOptions(size, supersample, yaw, pitch, background, views, maxTexturePixels);
  }

  public ThumbnailOptions withMaxTexturePixels(long pixels) {
    return new ThumbnailOptions(size, supersample, yaw, pitch, background, turntableViews, pixels);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static ThumbnailOptions read(OptionReader r) {
    int size = r.integer("size", DEFAULT_SIZE);
    int supersample = r.integer("supersample", DEFAULT_SUPERSAMPLE);
    double yaw = r.number("yaw", DEFAULT_YAW);
    double pitch = r.number("pitch", DEFAULT_PITCH);
    JsonNode bg = r.raw("background");
    int background = TRANSPARENT;
    if (bg != null) {
      Integer parsed = parseColor(bg);
      if (parsed == null) {
        throw OptionReader.invalid(
            r.pointerOf("background"), "must be \"#RRGGBB\", \"#RRGGBBAA\" or \"transparent\"", bg);
      }
      background = parsed;
    }
    int turntableViews = r.integer("turntableViews", 0);
    long maxTexturePixels = r.longInteger("maxTexturePixels", DEFAULT_MAX_TEXTURE_PIXELS);
    int argb = background;
    return r.build(
        () ->
            new ThumbnailOptions(
                size, supersample, yaw, pitch, argb, turntableViews, maxTexturePixels));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static ThumbnailOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    ThumbnailOptions o = read(r);
    r.end();
    return o;
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

  /** The ARGB value of a colour string, or null when it is not one. */
  static Integer parseColor(JsonNode n) {
    String s = n.isTextual() ? n.asText().trim().toLowerCase(Locale.ROOT) : "";
    if (s.equals("transparent")) {
      return TRANSPARENT;
    }
    if (s.startsWith("#")
        && (s.length() == 7 || s.length() == 9)
        && s.substring(1).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      long v = Long.parseLong(s.substring(1), 16);
      if (s.length() == 7) {
        return (int) (0xff000000L | v);
      }
      return (int) ((v & 0xff) << 24 | v >>> 8);
    }
    return null;
  }
}
