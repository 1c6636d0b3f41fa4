package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the {@code convert} stage.
 *
 * @param generateNormals compute smooth normals for triangle meshes that have none (scans, most
 *     STL/PLY point clouds turned meshes). Default true.
 * @param smoothingAngle largest angle between two face normals, in degrees (0..175), that {@code
 *     generateNormals} still smooths across; sharper edges keep split normals. Default 80.
 * @param keepLinesAndPoints keep line and point primitives (glTF modes 1 and 0); when false they
 *     are dropped and counted in the report. Default true.
 * @param convertTextures re-encode textures that glTF core cannot carry (TGA, BMP, PSD, GIF, HDR,
 *     PNM...) as PNG; when false they are dropped with a warning. Default true.
 * @param maxInputBytes largest model file accepted, in bytes (1..2 GiB). Default 512 MiB.
 * @param maxSideFileBytes largest side file (MTL, texture, external buffer) read, in bytes. Default
 *     256 MiB.
 * @param maxVertices most vertices summed over all meshes of the imported scene (guards memory:
 *     about 100 bytes each while converting). Default 50,000,000.
 * @param maxTexturePixels most pixels (width × height) of one texture that is decoded for
 *     re-encoding. Default 8192 × 8192.
 * @param defaultTexture a side file to use as base color texture of materials that have UVs but no
 *     texture (e.g. an OBJ without MTL shipped with one image); null for none. Default null.
 */
public record ConvertOptions(
    boolean generateNormals,
    float smoothingAngle,
    boolean keepLinesAndPoints,
    boolean convertTextures,
    long maxInputBytes,
    long maxSideFileBytes,
    long maxVertices,
    long maxTexturePixels,
    String defaultTexture) {
  public static final float DEFAULT_SMOOTHING_ANGLE = 80f;
  public static final long DEFAULT_MAX_INPUT_BYTES = 512L << 20;
  public static final long DEFAULT_MAX_SIDE_FILE_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_VERTICES = 50_000_000L;
  public static final long DEFAULT_MAX_TEXTURE_PIXELS = 8192L * 8192L;

  /** Hard cap of {@code maxInputBytes}: the importer reads the model from one direct buffer. */
  public static final long HARD_MAX_INPUT_BYTES = Integer.MAX_VALUE - 8;

  public static final ConvertOptions DEFAULTS =
      new ConvertOptions(
          true,
          DEFAULT_SMOOTHING_ANGLE,
          true,
          true,
          DEFAULT_MAX_INPUT_BYTES,
          DEFAULT_MAX_SIDE_FILE_BYTES,
          DEFAULT_MAX_VERTICES,
          DEFAULT_MAX_TEXTURE_PIXELS,
          null);

  public ConvertOptions {
    OptionReader.require(
        smoothingAngle >= 0 && smoothingAngle <= 175,
        "smoothingAngle",
        "must be in 0..175 (degrees)",
        smoothingAngle);
    OptionReader.require(
        maxInputBytes >= 1 && maxInputBytes <= HARD_MAX_INPUT_BYTES,
        "maxInputBytes",
        "must be in 1.." + HARD_MAX_INPUT_BYTES,
        maxInputBytes);
    OptionReader.require(
        maxSideFileBytes >= 1 && maxSideFileBytes <= HARD_MAX_INPUT_BYTES,
        "maxSideFileBytes",
        "must be in 1.." + HARD_MAX_INPUT_BYTES,
        maxSideFileBytes);
    OptionReader.require(maxVertices >= 1, "maxVertices", "must be >= 1", maxVertices);
    OptionReader.require(
        maxTexturePixels >= 1, "maxTexturePixels", "must be >= 1", maxTexturePixels);
    if (defaultTexture != null && defaultTexture.isBlank()) {
      defaultTexture = null;
    }
  }

  /** These options with {@link #defaultTexture()} set. */
  public ConvertOptions withDefaultTexture(String path) {
    return new ConvertOptions(
        generateNormals,
        smoothingAngle,
        keepLinesAndPoints,
        convertTextures,
        maxInputBytes,
        maxSideFileBytes,
        maxVertices,
        maxTexturePixels,
        path);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static ConvertOptions read(OptionReader r) {
    ConvertOptions d = DEFAULTS;
    boolean generateNormals = r.bool("generateNormals", d.generateNormals);
    float smoothingAngle = r.number("smoothingAngle", d.smoothingAngle);
    boolean keepLinesAndPoints = r.bool("keepLinesAndPoints", d.keepLinesAndPoints);
    boolean convertTextures = r.bool("convertTextures", d.convertTextures);
    long maxInputBytes = r.longInteger("maxInputBytes", d.maxInputBytes);
    long maxSideFileBytes = r.longInteger("maxSideFileBytes", d.maxSideFileBytes);
    long maxVertices = r.longInteger("maxVertices", d.maxVertices);
    long maxTexturePixels = r.longInteger("maxTexturePixels", d.maxTexturePixels);
    String defaultTexture = r.text("defaultTexture", null);
    return r.build(
        () ->
            new ConvertOptions(
                generateNormals,
                smoothingAngle,
                keepLinesAndPoints,
                convertTextures,
                maxInputBytes,
                maxSideFileBytes,
                maxVertices,
                maxTexturePixels,
                defaultTexture));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static ConvertOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    ConvertOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("generateNormals", generateNormals);
    o.put("smoothingAngle", smoothingAngle);
    o.put("keepLinesAndPoints", keepLinesAndPoints);
    o.put("convertTextures", convertTextures);
    o.put("maxInputBytes", maxInputBytes);
    o.put("maxSideFileBytes", maxSideFileBytes);
    o.put("maxVertices", maxVertices);
    o.put("maxTexturePixels", maxTexturePixels);
    if (defaultTexture != null) {
      o.put("defaultTexture", defaultTexture);
    }
    return o;
  }
}
