package dev.assetgrid.node.natives;

import static org.lwjgl.system.MemoryUtil.memAddress;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeFilterExp;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeFilterOct;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeFilterQuat;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeIndexBuffer;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeIndexSequence;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_decodeVertexBuffer;

import dev.assetgrid.node.processing.gltf.MeshoptDecoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link MeshoptDecoder} over meshoptimizer's decoders (lwjgl-meshoptimizer). meshoptimizer asserts
 * (aborts the process) on bad parameters instead of returning an error, so every parameter the
 * extension allows to vary is checked here before a native call; corrupt compressed bytes are
 * reported by the decoders' return code. The compressed bytes are copied to, and decoded into,
 * buffers of an {@link OffHeap} freed when the call ends; the result is a heap copy.
 */
public final class LwjglMeshoptDecoder implements MeshoptDecoder {

  /**
   * Stateless: meshoptimizer is loaded by the first decode (see {@link NativeProbe} for whether it
   * can).
   */
  public LwjglMeshoptDecoder() {}

  @Override
  public ByteBuffer decode(
      ByteBuffer source,
      long count,
      long stride,
      Mode mode,
      Filter filter,
      long viewLength,
      String at) {
    switch (mode) {
      case ATTRIBUTES -> {
        if (stride % 4 != 0 || stride > 256) {
          throw invalid(
              at + ": ATTRIBUTES byteStride must be a multiple of 4 up to 256, is " + stride);
        }
      }
      case TRIANGLES, INDICES -> {
        if (stride != 2 && stride != 4) {
          throw invalid(at + ": " + mode + " byteStride must be 2 or 4, is " + stride);
        }
        if (mode == Mode.TRIANGLES && count % 3 != 0) {
          throw invalid(at + ": TRIANGLES count must be a multiple of 3, is " + count);
        }
        if (filter != Filter.NONE) {
          throw invalid(at + ": filter " + filter + " is only allowed with ATTRIBUTES");
        }
      }
      default -> throw new IllegalStateException(mode.name());
    }
    switch (filter) {
      case NONE -> {}
      case OCTAHEDRAL -> {
        if (stride != 4 && stride != 8) {
          throw invalid(at + ": OCTAHEDRAL filter needs byteStride 4 or 8, is " + stride);
        }
      }
      case QUATERNION -> {
        if (stride != 8) {
          throw invalid(at + ": QUATERNION filter needs byteStride 8, is " + stride);
        }
      }
      case EXPONENTIAL -> {
        if (stride % 4 != 0) {
          throw invalid(at + ": EXPONENTIAL filter needs a byteStride multiple of 4, is " + stride);
        }
      }
      default -> throw new IllegalStateException(filter.name());
    }
    if (count < 1 || stride < 1 || viewLength < 1) {
      throw invalid(
          at
              + ": count "
              + count
              + ", byteStride "
              + stride
              + " and byteLength "
              + viewLength
              + " must be >= 1");
    }
    long size = count * stride; // count <= 2^63/256 is not guaranteed: check via division
    if (count > viewLength / stride || size > viewLength) {
      throw invalid(
          at
              + ": count "
              + count
              + " x byteStride "
              + stride
              + " exceeds the bufferView byteLength "
              + viewLength);
    }
    if (viewLength > MAX_VIEW_BYTES) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, at + ": decoded size " + viewLength + " is too large");
    }
    int srcSize = source.remaining();
    try (OffHeap heap = new OffHeap()) {
      ByteBuffer src = heap.bytes(Math.max(srcSize, 1));
      src.put(source.duplicate()).flip();
      ByteBuffer dst = heap.bytes((int) Math.max(size, 1));
      int rc =
          switch (mode) {
            case ATTRIBUTES ->
                nmeshopt_decodeVertexBuffer(
                    memAddress(dst), count, stride, memAddress(src), srcSize);
            case TRIANGLES ->
                nmeshopt_decodeIndexBuffer(
                    memAddress(dst), count, stride, memAddress(src), srcSize);
            case INDICES ->
                nmeshopt_decodeIndexSequence(
                    memAddress(dst), count, stride, memAddress(src), srcSize);
          };
      if (rc != 0) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR,
            at + ": meshopt " + mode + " data cannot be decoded (code " + rc + ")");
      }
      switch (filter) {
        case OCTAHEDRAL -> nmeshopt_decodeFilterOct(memAddress(dst), count, stride);
        case QUATERNION -> nmeshopt_decodeFilterQuat(memAddress(dst), count, stride);
        case EXPONENTIAL -> nmeshopt_decodeFilterExp(memAddress(dst), count, stride);
        case NONE -> {}
      }
      byte[] out = new byte[(int) viewLength];
      dst.get(out, 0, (int) size);
      return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private static AssetGridException invalid(String detail) {
    return new AssetGridException(ErrorCode.GLTF_INVALID, detail);
  }
}
