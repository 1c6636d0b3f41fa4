package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Validated access to bufferView bytes. {@link #data(int)} returns the plain (decoded) bytes of a
 * view: {@code EXT_meshopt_compression} views are decoded with the asset's {@link
 * GltfAsset#meshoptDecoder()} on first use and cached for the lifetime of this object, so create
 * one per pass over an asset and drop it when the buffers change.
 */
public final class BufferViews {
  static final String MESHOPT = "EXT_meshopt_compression";

  private final GltfAsset asset;
  private final Map<Integer, ByteBuffer> decoded = new HashMap<>();

  public BufferViews(GltfAsset asset) {
    this.asset = asset;
  }

  public GltfAsset asset() {
    return asset;
  }

  /**
   * The bytes of bufferView {@code viewIndex}: little-endian, position 0, limit = the view's
   * byteLength. Decoded when the view is meshopt-compressed. Callers must not write to it.
   *
   * @throws AssetGridException GLTF_INVALID when the view or its ranges are invalid, DATA_ERROR
   *     when compressed data cannot be decoded, NATIVE_UNAVAILABLE when the view is compressed and
   *     the asset has no decoder (meshoptimizer did not load on this node)
   */
  public ByteBuffer data(int viewIndex) {
    JsonNode view = view(asset, viewIndex, "bufferViews/" + viewIndex);
    JsonNode ext = view.path("extensions").path(MESHOPT);
    if (ext.isMissingNode()) {
      return plainView(asset, viewIndex, "bufferViews/" + viewIndex);
    }
    ByteBuffer cached = decoded.get(viewIndex);
    if (cached == null) {
      cached = decodeView(viewIndex, view, ext);
      decoded.put(viewIndex, cached);
    }
    return cached.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
  }

  /**
   * Checks the extension object's own fields (the compressed range must lie in its buffer), then
   * hands the stream to the decoder, which checks the rest before any native call.
   */
  private ByteBuffer decodeView(int viewIndex, JsonNode view, JsonNode ext) {
    String at = "bufferViews/" + viewIndex + "/extensions/" + MESHOPT;
    int bufferIndex = index(ext.path("buffer"), at + "/buffer");
    if (bufferIndex >= asset.buffers().size() || asset.buffer(bufferIndex) == null) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, at + "/buffer " + bufferIndex + " does not exist or has no data");
    }
    long offset = nonNegative(ext.path("byteOffset"), 0, at + "/byteOffset");
    long length = positive(ext.path("byteLength"), at + "/byteLength");
    long stride = positive(ext.path("byteStride"), at + "/byteStride");
    long count = positive(ext.path("count"), at + "/count");
    String mode = ext.path("mode").asText("");
    String filter = ext.path("filter").asText("NONE");
    long viewLength = positive(view.path("byteLength"), "bufferViews/" + viewIndex + "/byteLength");
    ByteBuffer source =
        slice(asset.buffer(bufferIndex), offset, length, at, "buffer " + bufferIndex);
    MeshoptDecoder.Mode m =
        parse(MeshoptDecoder.Mode.class, mode, at + ": unknown mode '" + mode + "'");
    MeshoptDecoder.Filter f =
        parse(MeshoptDecoder.Filter.class, filter, at + ": unknown filter '" + filter + "'");
    MeshoptDecoder decoder = asset.meshoptDecoder();
    if (decoder == null) {
      throw AssetGridException.of(ErrorCode.NATIVE_UNAVAILABLE, "meshoptimizer, to decode " + at);
    }
    return decoder.decode(source, count, stride, m, f, viewLength, at);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String name, String error) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new AssetGridException(ErrorCode.GLTF_INVALID, error);
  }

  /** The view's byteStride, or 0 when it has none (tightly packed). */
  public int byteStride(int viewIndex) {
    JsonNode stride = view(asset, viewIndex, "bufferViews/" + viewIndex).path("byteStride");
    if (stride.isMissingNode()) {
      return 0;
    }
    if (!stride.canConvertToExactIntegral()
        || stride.asLong() < 4
        || stride.asLong() > 252
        || stride.asLong() % 4 != 0) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          "bufferViews/"
              + viewIndex
              + "/byteStride must be a multiple of 4 in 4..252, is "
              + stride);
    }
    return stride.asInt();
  }

  /**
   * The raw bytes of a bufferView as stored in its buffer (no meshopt decoding): little-endian,
   * position 0, limit = byteLength.
   *
   * @param where JSON pointer-like location used in error messages
   */
  public static ByteBuffer plainView(GltfAsset asset, int viewIndex, String where) {
    JsonNode view = view(asset, viewIndex, where);
    String at = "bufferViews/" + viewIndex;
    int bufferIndex = index(view.path("buffer"), at + "/buffer");
    if (bufferIndex >= asset.buffers().size()) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, at + "/buffer " + bufferIndex + " does not exist");
    }
    ByteBuffer buffer = asset.buffer(bufferIndex);
    if (buffer == null) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          at
              + " refers to buffer "
              + bufferIndex
              + " which has no data"
              + (view.path("extensions").has(MESHOPT)
                  ? ""
                  : " and the view is not meshopt-compressed"));
    }
    return slice(
        buffer,
        nonNegative(view.path("byteOffset"), 0, at + "/byteOffset"),
        positive(view.path("byteLength"), at + "/byteLength"),
        at,
        "buffer " + bufferIndex);
  }

  static JsonNode view(GltfAsset asset, int viewIndex, String where) {
    JsonNode view = asset.element("bufferViews", viewIndex);
    if (viewIndex < 0 || !view.isObject()) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          where + " refers to bufferView " + viewIndex + " which does not exist");
    }
    return view;
  }

  /** A checked slice [offset, offset+length) of {@code data}. */
  static ByteBuffer slice(ByteBuffer data, long offset, long length, String where, String what) {
    if (offset < 0 || length < 0 || offset + length > data.limit()) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          where
              + ": range ["
              + offset
              + ", "
              + (offset + length)
              + ") exceeds "
              + what
              + " of "
              + data.limit()
              + " bytes");
    }
    return data.duplicate()
        .position((int) offset)
        .limit((int) (offset + length))
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  static int index(JsonNode n, String where) {
    if (!n.canConvertToExactIntegral() || !n.canConvertToInt() || n.asInt() < 0) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          where + " must be an index >= 0, is " + (n.isMissingNode() ? "missing" : n));
    }
    return n.asInt();
  }

  static long nonNegative(JsonNode n, long dflt, String where) {
    if (n.isMissingNode()) {
      return dflt;
    }
    if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 0) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, where + " must be an integer >= 0, is " + n);
    }
    return n.asLong();
  }

  static long positive(JsonNode n, String where) {
    if (!n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 1) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          where + " must be an integer >= 1, is " + (n.isMissingNode() ? "missing" : n));
    }
    return n.asLong();
  }
}
