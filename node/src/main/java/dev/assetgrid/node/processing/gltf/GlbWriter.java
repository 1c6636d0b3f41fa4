package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link GltfAsset} as one self-contained GLB.
 *
 * <p>Every buffer that has data, every external or data-URI image, and the compressed streams of
 * {@code EXT_meshopt_compression} views are packed into a single BIN chunk (buffer 0). Buffers
 * without data (meshopt fallback buffers) are kept as buffers without uri after it. BufferViews
 * keep their indices, so accessors, images, Draco and other extension references stay valid; images
 * that had a uri get a new bufferView appended at the end. All other JSON (extensions, extras,
 * animations, unknown properties) is written as it is. The input asset is not modified.
 *
 * <p>Design note: each bufferView starts on a 4-byte boundary, which is enough for every accessor
 * because no component is larger than 4 bytes (accessor offsets and strides are already multiples
 * of the component size inside their view). JSON is padded with spaces and BIN with zeros to 4
 * bytes. jgltf was not used because it rebuilds the layout and drops extensions it does not know
 * (see STACK-NOTES).
 */
public final class GlbWriter {
  private static final int ALIGN = 4;

  private GlbWriter() {}

  /** Writes {@code asset} to {@code file} as GLB. */
  public static void write(GltfAsset asset, Path file) {
    try {
      Files.write(file, write(asset));
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The GLB bytes of {@code asset}.
   *
   * @throws AssetGridException GLTF_INVALID when a bufferView range does not fit its buffer,
   *     GLTF_RESOURCE_MISSING when an image with a uri has no bytes, INPUT_LIMIT_EXCEEDED above 2
   *     GiB
   */
  public static byte[] write(GltfAsset asset) {
    ObjectNode json = asset.json().deepCopy();
    List<ByteBuffer> pieces = new ArrayList<>();
    long[] binLength = {0};

    JsonNode buffers = json.path("buffers");
    int bufferCount = buffers.isArray() ? buffers.size() : 0;
    // data-less buffers keep their JSON and follow the BIN buffer
    List<JsonNode> keptBuffers = new ArrayList<>();
    int[] remap = new int[bufferCount];
    JsonNode firstDataBuffer = null;
    for (int i = 0; i < bufferCount; i++) {
      boolean hasData = i < asset.buffers().size() && asset.buffers().get(i) != null;
      if (hasData) {
        remap[i] = -1;
        if (firstDataBuffer == null) {
          firstDataBuffer = buffers.get(i);
        }
      } else {
        remap[i] = keptBuffers.size();
        keptBuffers.add(buffers.get(i));
      }
    }

    JsonNode views = json.path("bufferViews");
    int[] datalessViewBuffer = new int[views.size()]; // new index among kept buffers, or -1
    for (int v = 0; v < views.size(); v++) {
      datalessViewBuffer[v] = -1;
      if (!(views.get(v) instanceof ObjectNode view)) {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID, "bufferViews/" + v + " is not an object");
      }
      int b = BufferViews.index(view.path("buffer"), "bufferViews/" + v + "/buffer");
      if (b >= bufferCount) {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID, "bufferViews/" + v + "/buffer " + b + " does not exist");
      }
      if (remap[b] < 0) {
        ByteBuffer bytes = BufferViews.plainView(asset, v, "bufferViews/" + v);
        view.put("buffer", 0);
        view.put("byteOffset", append(pieces, binLength, bytes));
      } else {
        datalessViewBuffer[v] = remap[b]; // final index known once we know whether BIN exists
      }
      JsonNode ext = view.path("extensions").path(BufferViews.MESHOPT);
      if (ext.isObject()) {
        String at = "bufferViews/" + v + "/extensions/" + BufferViews.MESHOPT;
        int eb = BufferViews.index(ext.path("buffer"), at + "/buffer");
        ByteBuffer src = eb < asset.buffers().size() ? asset.buffers().get(eb) : null;
        if (src == null) {
          throw new AssetGridException(
              ErrorCode.GLTF_INVALID, at + "/buffer " + eb + " has no data");
        }
        ByteBuffer bytes =
            BufferViews.slice(
                asset.buffer(eb),
                BufferViews.nonNegative(ext.path("byteOffset"), 0, at + "/byteOffset"),
                BufferViews.positive(ext.path("byteLength"), at + "/byteLength"),
                at,
                "buffer " + eb);
        ((ObjectNode) ext).put("buffer", 0);
        ((ObjectNode) ext).put("byteOffset", append(pieces, binLength, bytes));
      }
    }

    JsonNode images = json.path("images");
    for (int i = 0; i < images.size(); i++) {
      if (!(images.get(i) instanceof ObjectNode image) || !image.has("uri")) {
        continue;
      }
      ImageData data = asset.images().get(i);
      if (data == null) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING, "images/" + i + " has a uri but no bytes were loaded");
      }
      ObjectNode view = json.withArray("bufferViews").addObject();
      view.put("buffer", 0);
      view.put("byteOffset", append(pieces, binLength, ByteBuffer.wrap(data.bytes())));
      view.put("byteLength", data.bytes().length);
      image.remove("uri");
      image.put("bufferView", json.withArray("bufferViews").size() - 1);
      image.put("mimeType", data.mimeType());
    }

    moveNonCoreTextureSources(json);

    boolean hasBin = binLength[0] > 0;
    if (hasBin || !keptBuffers.isEmpty()) {
      ArrayNode newBuffers = json.arrayNode();
      if (hasBin) {
        ObjectNode bin = newBuffers.addObject();
        if (firstDataBuffer != null) {
          // keep name/extras/extensions of the first buffer with data
          for (Iterator<Map.Entry<String, JsonNode>> it = firstDataBuffer.fields();
              it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("uri") && !f.getKey().equals("byteLength")) {
              bin.set(f.getKey(), f.getValue());
            }
          }
        }
        bin.put("byteLength", binLength[0]);
      }
      for (JsonNode kept : keptBuffers) {
        newBuffers.add(kept);
      }
      json.set("buffers", newBuffers);
      for (int v = 0; v < datalessViewBuffer.length; v++) {
        if (datalessViewBuffer[v] >= 0) {
          ((ObjectNode) views.get(v)).put("buffer", datalessViewBuffer[v] + (hasBin ? 1 : 0));
        }
      }
    } else {
      json.remove("buffers");
    }
    if (json.path("bufferViews").isArray() && json.path("bufferViews").isEmpty()) {
      json.remove("bufferViews");
    }
    return assemble(json, pieces, binLength[0]);
  }

  /**
   * A texture whose core {@code source} is a KTX2 / WebP / AVIF image is only valid through the
   * matching extension; with external files the validator cannot tell, but once the image is
   * embedded with its mimeType it reports TEXTURE_INVALID_IMAGE_MIME_TYPE. Such sources move into
   * the extension (which is added to extensionsUsed when missing).
   */
  static void moveNonCoreTextureSources(ObjectNode json) {
    JsonNode textures = json.path("textures");
    for (JsonNode t : textures) {
      if (!(t instanceof ObjectNode texture) || !texture.path("source").canConvertToInt()) {
        continue;
      }
      String mime =
          json.path("images").path(texture.path("source").asInt()).path("mimeType").asText("");
      String ext =
          switch (mime) {
            case "image/ktx2" -> "KHR_texture_basisu";
            case "image/webp" -> "EXT_texture_webp";
            case "image/avif" -> "EXT_texture_avif";
            default -> null;
          };
      if (ext == null || texture.path("extensions").has(ext)) {
        continue;
      }
      texture.with("extensions").putObject(ext).set("source", texture.remove("source"));
      boolean listed = false;
      for (JsonNode used : json.path("extensionsUsed")) {
        listed |= ext.equals(used.asText());
      }
      if (!listed) {
        json.withArray("extensionsUsed").add(ext);
      }
    }
  }

  private static long append(List<ByteBuffer> pieces, long[] binLength, ByteBuffer bytes) {
    long offset = align(binLength[0]);
    pieces.add(bytes.duplicate());
    binLength[0] = offset + bytes.remaining();
    if (binLength[0] > GltfReadOptions.HARD_MAX_BYTES) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, "GLB BIN chunk would exceed 2 GiB");
    }
    return offset;
  }

  private static long align(long n) {
    return (n + ALIGN - 1) & -ALIGN;
  }

  private static byte[] assemble(ObjectNode json, List<ByteBuffer> pieces, long binLength) {
    byte[] jsonBytes;
    try {
      jsonBytes = GltfReader.JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "cannot serialise glTF JSON: " + e.getMessage(), e);
    }
    long jsonChunk = align(jsonBytes.length);
    long binChunk = align(binLength);
    long total = 12 + 8 + jsonChunk + (binLength > 0 ? 8 + binChunk : 0);
    if (total > GltfReadOptions.HARD_MAX_BYTES) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, "GLB would have " + total + " bytes, more than 2 GiB");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(GltfReader.GLB_MAGIC).putInt(2).putInt((int) total);
    out.putInt((int) jsonChunk).putInt(GltfReader.CHUNK_JSON).put(jsonBytes);
    for (long i = jsonBytes.length; i < jsonChunk; i++) {
      out.put((byte) ' ');
    }
    if (binLength > 0) {
      out.putInt((int) binChunk).putInt(GltfReader.CHUNK_BIN);
      int binStart = out.position();
      for (ByteBuffer piece : pieces) {
        out.position(binStart + (int) align(out.position() - binStart)); // zeros: fresh array
        out.put(piece);
      }
    }
    return out.array();
  }
}
