package dev.assetgrid.node.processing.gltf;

import static org.lwjgl.system.MemoryUtil.memAddress;
import static org.lwjgl.system.MemoryUtil.memAlloc;
import static org.lwjgl.system.MemoryUtil.memFree;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.lwjgl.util.meshoptimizer.MeshOptimizer;

/**
 * Decodes {@code EXT_meshopt_compression} bufferViews with meshoptimizer (LWJGL). meshoptimizer
 * asserts (aborts the process) on bad parameters instead of returning an error, so every
 * parameter the extension allows to vary is checked here before a native call; corrupt
 * compressed bytes are reported by the decoders' return code.
 */
final class MeshoptDecoder {
  private MeshoptDecoder() {}

  static ByteBuffer decodeView(GltfAsset asset, int viewIndex, JsonNode view, JsonNode ext) {
    String at = "bufferViews/" + viewIndex + "/extensions/" + BufferViews.MESHOPT;
    int bufferIndex = BufferViews.index(ext.path("buffer"), at + "/buffer");
    if (bufferIndex >= asset.buffers().size() || asset.buffer(bufferIndex) == null) {
      throw new AssetGridException(ErrorCode.GLTF_INVALID, at + "/buffer " + bufferIndex + " does not exist or has no data");
    }
    long offset = BufferViews.nonNegative(ext.path("byteOffset"), 0, at + "/byteOffset");
    long length = BufferViews.positive(ext.path("byteLength"), at + "/byteLength");
    long stride = BufferViews.positive(ext.path("byteStride"), at + "/byteStride");
    long count = BufferViews.positive(ext.path("count"), at + "/count");
    String mode = ext.path("mode").asText("");
    String filter = ext.path("filter").asText("NONE");
    long viewLength = BufferViews.positive(view.path("byteLength"), "bufferViews/" + viewIndex + "/byteLength");
    ByteBuffer source = BufferViews.slice(asset.buffer(bufferIndex), offset, length, at, "buffer " + bufferIndex);
    return decode(source, count, stride, mode, filter, viewLength, at);
  }

  /**
   * Decodes one meshopt stream.
   *
   * @param source the compressed bytes (position..limit)
   * @param count number of elements (vertices or indices)
   * @param stride element size in bytes
   * @param mode ATTRIBUTES, TRIANGLES or INDICES
   * @param filter NONE, OCTAHEDRAL, QUATERNION or EXPONENTIAL (ATTRIBUTES only)
   * @param viewLength the bufferView's declared byteLength; the decoded size must fit in it
   * @return a heap buffer of exactly {@code viewLength} bytes (decoded data then zeros)
   */
  static ByteBuffer decode(ByteBuffer source, long count, long stride, String mode, String filter, long viewLength, String at) {
    switch (mode) {
      case "ATTRIBUTES" -> {
        if (stride % 4 != 0 || stride > 256) {
          throw invalid(at + ": ATTRIBUTES byteStride must be a multiple of 4 up to 256, is " + stride);
        }
      }
      case "TRIANGLES", "INDICES" -> {
        if (stride != 2 && stride != 4) {
          throw invalid(at + ": " + mode + " byteStride must be 2 or 4, is " + stride);
        }
        if (mode.equals("TRIANGLES") && count % 3 != 0) {
          throw invalid(at + ": TRIANGLES count must be a multiple of 3, is " + count);
        }
        if (!filter.equals("NONE")) {
          throw invalid(at + ": filter " + filter + " is only allowed with ATTRIBUTES");
        }
      }
      default -> throw invalid(at + ": unknown mode '" + mode + "'");
    }
    switch (filter) {
      case "NONE" -> { }
      case "OCTAHEDRAL" -> {
        if (stride != 4 && stride != 8) {
          throw invalid(at + ": OCTAHEDRAL filter needs byteStride 4 or 8, is " + stride);
        }
      }
      case "QUATERNION" -> {
        if (stride != 8) {
          throw invalid(at + ": QUATERNION filter needs byteStride 8, is " + stride);
        }
      }
      case "EXPONENTIAL" -> {
        if (stride % 4 != 0) {
          throw invalid(at + ": EXPONENTIAL filter needs a byteStride multiple of 4, is " + stride);
        }
      }
      default -> throw invalid(at + ": unknown filter '" + filter + "'");
    }
    long size = count * stride; // count <= 2^63/256 is not guaranteed: check via division
    if (count > viewLength / stride || size > viewLength) {
      throw invalid(at + ": count " + count + " x byteStride " + stride + " exceeds the bufferView byteLength " + viewLength);
    }
    if (viewLength > GltfReadOptions.HARD_MAX_BYTES) {
      throw new AssetGridException(ErrorCode.INPUT_LIMIT_EXCEEDED, at + ": decoded size " + viewLength + " is too large");
    }
    int srcSize = source.remaining();
    ByteBuffer src = memAlloc(Math.max(srcSize, 1));
    ByteBuffer dst = null;
    try {
      src.put(source.duplicate()).flip();
      dst = memAlloc((int) Math.max(size, 1));
      int rc = switch (mode) {
        case "ATTRIBUTES" -> MeshOptimizer.nmeshopt_decodeVertexBuffer(memAddress(dst), count, stride, memAddress(src), srcSize);
        case "TRIANGLES" -> MeshOptimizer.nmeshopt_decodeIndexBuffer(memAddress(dst), count, stride, memAddress(src), srcSize);
        default -> MeshOptimizer.nmeshopt_decodeIndexSequence(memAddress(dst), count, stride, memAddress(src), srcSize);
      };
      if (rc != 0) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, at + ": meshopt " + mode + " data cannot be decoded (code " + rc + ")");
      }
      switch (filter) {
        case "OCTAHEDRAL" -> MeshOptimizer.nmeshopt_decodeFilterOct(memAddress(dst), count, stride);
        case "QUATERNION" -> MeshOptimizer.nmeshopt_decodeFilterQuat(memAddress(dst), count, stride);
        case "EXPONENTIAL" -> MeshOptimizer.nmeshopt_decodeFilterExp(memAddress(dst), count, stride);
        default -> { }
      }
      byte[] out = new byte[(int) viewLength];
      dst.get(out, 0, (int) size);
      return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    } finally {
      memFree(src);
      if (dst != null) {
        memFree(dst);
      }
    }
  }

  private static AssetGridException invalid(String detail) {
    return new AssetGridException(ErrorCode.GLTF_INVALID, detail);
  }
}
