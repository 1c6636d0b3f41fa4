package dev.assetgrid.node.processing.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of {@link Convert}.
 *
 * @param generateNormals compute smooth normals for triangle meshes that have none (scans, most
 *     STL/PLY point clouds turned meshes). Default true.
 * @param smoothingAngle largest angle between two face normals, in degrees (0..175), that
 *     {@code generateNormals} still smooths across; sharper edges keep split normals. Default 80.
 * @param keepLinesAndPoints keep line and point primitives (glTF modes 1 and 0); when false they
 *     are dropped and counted in the report. Default true.
 * @param convertTextures re-encode textures that glTF core cannot carry (TGA, BMP, PSD, GIF, HDR,
 *     PNM...) as PNG; when false they are dropped with a warning. Default true.
 * @param maxInputBytes largest model file accepted, in bytes (1..2 GiB). Default 512 MiB.
 * @param maxSideFileBytes largest side file (MTL, texture, external buffer) read, in bytes. Default 256 MiB.
 * @param maxVertices most vertices summed over all meshes of the imported scene (guards memory:
 *     about 100 bytes each while converting). Default 50,000,000.
 * @param maxTexturePixels most pixels (width × height) of one texture that is decoded for
 *     re-encoding. Default 8192 × 8192.
 * @param defaultTexture a side file to use as base color texture of materials that have UVs but
 *     no texture (e.g. an OBJ without MTL shipped with one image); null for none. Default null.
 */
public record ConvertOptions(boolean generateNormals, float smoothingAngle, boolean keepLinesAndPoints,
    boolean convertTextures, long maxInputBytes, long maxSideFileBytes, long maxVertices, long maxTexturePixels,
    String defaultTexture) {
  public static final float DEFAULT_SMOOTHING_ANGLE = 80f;
  public static final long DEFAULT_MAX_INPUT_BYTES = 512L << 20;
  public static final long DEFAULT_MAX_SIDE_FILE_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_VERTICES = 50_000_000L;
  public static final long DEFAULT_MAX_TEXTURE_PIXELS = 8192L * 8192L;
  /** Hard cap of {@code maxInputBytes}: the importer reads the model from one direct buffer. */
  public static final long HARD_MAX_INPUT_BYTES = Integer.MAX_VALUE - 8;

  public static final ConvertOptions DEFAULTS = new ConvertOptions(true, DEFAULT_SMOOTHING_ANGLE, true, true,
      DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_SIDE_FILE_BYTES, DEFAULT_MAX_VERTICES, DEFAULT_MAX_TEXTURE_PIXELS, null);

  public ConvertOptions {
    if (!(smoothingAngle >= 0 && smoothingAngle <= 175)) {
      throw new IllegalArgumentException("smoothingAngle must be in 0..175 degrees: " + smoothingAngle);
    }
    if (maxInputBytes < 1 || maxInputBytes > HARD_MAX_INPUT_BYTES) {
      throw new IllegalArgumentException("maxInputBytes must be in 1.." + HARD_MAX_INPUT_BYTES + ": " + maxInputBytes);
    }
    if (maxSideFileBytes < 1 || maxSideFileBytes > HARD_MAX_INPUT_BYTES) {
      throw new IllegalArgumentException("maxSideFileBytes must be in 1.." + HARD_MAX_INPUT_BYTES);
    }
    if (maxVertices < 1 || maxTexturePixels < 1) {
      throw new IllegalArgumentException("maxVertices and maxTexturePixels must be >= 1");
    }
    if (defaultTexture != null && defaultTexture.isBlank()) {
      defaultTexture = null;
    }
  }

  /** These options with {@link #defaultTexture()} set. */
  public ConvertOptions withDefaultTexture(String path) {
    return new ConvertOptions(generateNormals, smoothingAngle, keepLinesAndPoints, convertTextures, maxInputBytes,
        maxSideFileBytes, maxVertices, maxTexturePixels, path);
  }

  /** Reads options from JSON (task params); absent fields take their defaults. */
  public static ConvertOptions fromJson(JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return DEFAULTS;
    }
    ConvertOptions d = DEFAULTS;
    JsonNode tex = j.path("defaultTexture");
    return new ConvertOptions(
        j.path("generateNormals").asBoolean(d.generateNormals),
        (float) j.path("smoothingAngle").asDouble(d.smoothingAngle),
        j.path("keepLinesAndPoints").asBoolean(d.keepLinesAndPoints),
        j.path("convertTextures").asBoolean(d.convertTextures),
        j.path("maxInputBytes").asLong(d.maxInputBytes),
        j.path("maxSideFileBytes").asLong(d.maxSideFileBytes),
        j.path("maxVertices").asLong(d.maxVertices),
        j.path("maxTexturePixels").asLong(d.maxTexturePixels),
        tex.isTextual() ? tex.asText() : null);
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
