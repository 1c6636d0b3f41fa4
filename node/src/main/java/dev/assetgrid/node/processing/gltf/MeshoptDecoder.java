package dev.assetgrid.node.processing.gltf;

import java.nio.ByteBuffer;

/**
 * Port: decodes one {@code EXT_meshopt_compression} stream. {@link BufferViews} calls it for a
 * compressed bufferView after checking the view's own JSON (buffer index, byte range); the asset
 * gets it from the {@link GltfReader} that read it. The implementation is native ({@code
 * natives.LwjglMeshoptDecoder}, meshoptimizer's decoders).
 *
 * <p>The bytes are untrusted, and meshoptimizer asserts (aborts the process) on parameters it does
 * not expect instead of returning an error, so an implementation checks every parameter the
 * extension lets a file vary before the native call: the stride for the mode and filter, the count
 * for TRIANGLES, and that {@code count * stride} fits the view. Corrupt compressed bytes are then
 * reported by the decoder's return code. Thread-safe; arguments are never null.
 */
public interface MeshoptDecoder {
  /** Largest decoded view, in bytes: a Java array holds no more. */
  long MAX_VIEW_BYTES = GltfReadOptions.HARD_MAX_BYTES;

  /** The extension's {@code mode}: what the stream holds. */
  enum Mode {
    /** Vertex attributes; byteStride a multiple of 4 up to 256. */
    ATTRIBUTES,
    /** A triangle list; byteStride 2 or 4, count a multiple of 3. */
    TRIANGLES,
    /** Any other index list; byteStride 2 or 4. */
    INDICES
  }

  /**
   * The extension's {@code filter}, applied after decoding; only ATTRIBUTES streams may have one.
   */
  enum Filter {
    NONE,
    /** Octahedral normals/tangents; byteStride 4 or 8. */
    OCTAHEDRAL,
    /** Quaternions; byteStride 8. */
    QUATERNION,
    /** Exponential floats; byteStride a multiple of 4. */
    EXPONENTIAL
  }

  /**
   * Decodes one stream.
   *
   * @param source the compressed bytes, position to limit; not modified
   * @param count number of elements (vertices or indices), &gt;= 1
   * @param stride element size in bytes, &gt;= 1 (the limits per mode and filter are checked here)
   * @param mode what the stream holds
   * @param filter the filter to undo after decoding
   * @param viewLength the bufferView's declared byteLength, &gt;= 1: {@code count * stride} must
   *     fit in it, and it is at most {@link #MAX_VIEW_BYTES}
   * @param at where the stream is declared (e.g. {@code
   *     bufferViews/3/extensions/EXT_meshopt_compression}), to start error messages with
   * @return a little-endian heap buffer of exactly {@code viewLength} bytes: the decoded data, then
   *     zeros; position 0
   * @throws dev.assetgrid.shared.error.AssetGridException GLTF_INVALID when the stride, count or
   *     filter is not allowed for the mode or the data does not fit the view (nothing native ran),
   *     INPUT_LIMIT_EXCEEDED above {@link #MAX_VIEW_BYTES}, DATA_ERROR when the compressed bytes
   *     cannot be decoded
   */
  ByteBuffer decode(
      ByteBuffer source,
      long count,
      long stride,
      Mode mode,
      Filter filter,
      long viewLength,
      String at);
}
