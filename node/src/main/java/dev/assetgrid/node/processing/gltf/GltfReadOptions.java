package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Limits applied while reading a glTF asset; exceeding one fails with INPUT_LIMIT_EXCEEDED before
 * the bytes are allocated.
 *
 * @param maxTotalBytes most bytes read in total (GLB or .gltf plus every buffer and image); at most
 *     {@link #HARD_MAX_BYTES}. Default {@value #DEFAULT_MAX_TOTAL_BYTES} (1 GiB).
 * @param maxBuffers most entries in {@code buffers}. Default {@value #DEFAULT_MAX_BUFFERS}.
 * @param maxImages most entries in {@code images}. Default {@value #DEFAULT_MAX_IMAGES}.
 * @param maxJsonBytes largest JSON document (GLB JSON chunk or .gltf file), in bytes. Default
 *     {@value #DEFAULT_MAX_JSON_BYTES} (64 MiB).
 */
public record GltfReadOptions(
    long maxTotalBytes, int maxBuffers, int maxImages, long maxJsonBytes) {
  public static final long DEFAULT_MAX_TOTAL_BYTES = 1L << 30;
  public static final int DEFAULT_MAX_BUFFERS = 1024;
  public static final int DEFAULT_MAX_IMAGES = 4096;
  public static final long DEFAULT_MAX_JSON_BYTES = 64L << 20;

  /** Java arrays cannot hold more. */
  public static final long HARD_MAX_BYTES = Integer.MAX_VALUE - 16;

  public static final GltfReadOptions DEFAULTS =
      new GltfReadOptions(
          DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_BUFFERS, DEFAULT_MAX_IMAGES, DEFAULT_MAX_JSON_BYTES);

  public GltfReadOptions {
    if (maxTotalBytes < 1 || maxTotalBytes > HARD_MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxTotalBytes must be in 1.." + HARD_MAX_BYTES + ": " + maxTotalBytes);
    }
    if (maxBuffers < 0 || maxImages < 0) {
      throw new IllegalArgumentException("maxBuffers and maxImages must be >= 0");
    }
    if (maxJsonBytes < 1 || maxJsonBytes > HARD_MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxJsonBytes must be in 1.." + HARD_MAX_BYTES + ": " + maxJsonBytes);
    }
  }

  public GltfReadOptions withMaxTotalBytes(long v) {
    return new GltfReadOptions(v, maxBuffers, maxImages, maxJsonBytes);
  }

  public GltfReadOptions withMaxBuffers(int v) {
    return new GltfReadOptions(maxTotalBytes, v, maxImages, maxJsonBytes);
  }

  /** Reads options from JSON; absent fields take their defaults. */
  public static GltfReadOptions fromJson(JsonNode j) {
    if (j == null || j.isNull() || j.isMissingNode()) {
      return DEFAULTS;
    }
    return new GltfReadOptions(
        j.path("maxTotalBytes").asLong(DEFAULT_MAX_TOTAL_BYTES),
        j.path("maxBuffers").asInt(DEFAULT_MAX_BUFFERS),
        j.path("maxImages").asInt(DEFAULT_MAX_IMAGES),
        j.path("maxJsonBytes").asLong(DEFAULT_MAX_JSON_BYTES));
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("maxTotalBytes", maxTotalBytes);
    o.put("maxBuffers", maxBuffers);
    o.put("maxImages", maxImages);
    o.put("maxJsonBytes", maxJsonBytes);
    return o;
  }
}
