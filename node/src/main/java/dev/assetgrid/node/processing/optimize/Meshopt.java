package dev.assetgrid.node.processing.optimize;

import static org.lwjgl.system.MemoryUtil.memAlloc;
import static org.lwjgl.system.MemoryUtil.memAllocFloat;
import static org.lwjgl.system.MemoryUtil.memAllocInt;
import static org.lwjgl.system.MemoryUtil.memFree;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.util.meshoptimizer.MeshOptimizer;
import org.lwjgl.util.meshoptimizer.MeshoptStream;

/**
 * The meshoptimizer calls the optimize stages use, over Java arrays. Each method checks the
 * parameters meshoptimizer would assert on (which aborts the process) before the native call, and
 * owns its off-heap memory ({@code memAlloc}/{@code memFree} in try/finally).
 *
 * <p>Design note: copying Java arrays in and out costs a few percent of the native work on the
 * corpus (measured with the bench) and keeps native pointers out of the asset model.
 */
final class Meshopt {
  private Meshopt() {}

  static {
    // EXT_meshopt_compression needs vertex codec v0; 0.22 defaults to it but the setting is
    // process-global, so set it explicitly in case another component changed it.
    MeshOptimizer.meshopt_encodeVertexVersion(0);
    // index codec v1 (header 0xe1) is part of EXT_meshopt_compression and compresses better
    MeshOptimizer.meshopt_encodeIndexVersion(1);
  }

  static void checkIndices(int[] indices, int vertexCount, boolean triangles) {
    if (triangles && indices.length % 3 != 0) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "index count " + indices.length + " is not a multiple of 3");
    }
    for (int i : indices) {
      if (i < 0 || i >= vertexCount) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "index " + i + " is not below the vertex count " + vertexCount);
      }
    }
  }

  private static void checkPositions(float[] positions, int vertexCount) {
    if (positions.length != vertexCount * 3) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, positions.length + " position floats for " + vertexCount + " vertices");
    }
  }

  private static IntBuffer ints(int[] a) {
    IntBuffer b = memAllocInt(Math.max(1, a.length));
    b.put(a).flip();
    return b;
  }

  private static FloatBuffer floats(float[] a) {
    FloatBuffer b = memAllocFloat(Math.max(1, a.length));
    b.put(a).flip();
    return b;
  }

  /**
   * meshopt_generateVertexRemapMulti: a remap table that merges vertices equal in every stream
   * (each stream given as floats with {@code components[i]} floats per vertex).
   *
   * @return the number of unique vertices; {@code remapOut[v]} is the new index of {@code v}
   */
  static int vertexRemap(int[] indices, int vertexCount, float[][] streams, int[] components, int[] remapOut) {
    if (indices != null) {
      checkIndices(indices, vertexCount, false);
    }
    if (remapOut.length != vertexCount) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "remap table size");
    }
    for (int i = 0; i < streams.length; i++) {
      if (components[i] < 1 || components[i] > 64 || streams[i].length != vertexCount * components[i]) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "stream " + i + " does not match the vertex count");
      }
    }
    if (streams.length > 16) {
      return remapInJava(vertexCount, streams, components, remapOut);
    }
    IntBuffer idx = indices == null ? null : ints(indices);
    IntBuffer remap = memAllocInt(vertexCount);
    FloatBuffer[] data = new FloatBuffer[streams.length];
    try (MemoryStack stack = MemoryStack.stackPush()) {
      MeshoptStream.Buffer sb = MeshoptStream.malloc(streams.length, stack);
      for (int i = 0; i < streams.length; i++) {
        data[i] = floats(streams[i]);
        sb.get(i).data(org.lwjgl.system.MemoryUtil.memByteBuffer(data[i]))
            .size(4L * components[i]).stride(4L * components[i]);
      }
      long unique = MeshOptimizer.nmeshopt_generateVertexRemapMulti(org.lwjgl.system.MemoryUtil.memAddress(remap),
          idx == null ? 0L : org.lwjgl.system.MemoryUtil.memAddress(idx), indices == null ? vertexCount : indices.length,
          vertexCount, sb.address(), streams.length);
      remap.get(remapOut);
      return (int) unique;
    } finally {
      if (idx != null) {
        memFree(idx);
      }
      memFree(remap);
      for (FloatBuffer b : data) {
        if (b != null) {
          memFree(b);
        }
      }
    }
  }

  /** Fallback for more streams than meshoptimizer's limit (16): hash of the full vertex. */
  private static int remapInJava(int vertexCount, float[][] streams, int[] components, int[] remapOut) {
    java.util.HashMap<VertexKey, Integer> seen = new java.util.HashMap<>();
    int next = 0;
    for (int v = 0; v < vertexCount; v++) {
      VertexKey k = new VertexKey(streams, components, v);
      Integer at = seen.putIfAbsent(k, next);
      remapOut[v] = at == null ? next++ : at;
    }
    return next;
  }

  private record VertexKey(float[][] s, int[] c, int v) {
    @Override
    public boolean equals(Object o) {
      if (!(o instanceof VertexKey k)) {
        return false;
      }
      for (int i = 0; i < s.length; i++) {
        for (int j = 0; j < c[i]; j++) {
          if (Float.floatToRawIntBits(s[i][v * c[i] + j]) != Float.floatToRawIntBits(k.s[i][k.v * c[i] + j])) {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (int i = 0; i < s.length; i++) {
        for (int j = 0; j < c[i]; j++) {
          h = h * 31 + Float.floatToRawIntBits(s[i][v * c[i] + j]);
        }
      }
      return h;
    }
  }

  /** meshopt_optimizeVertexCache, in place. */
  static void optimizeVertexCache(int[] indices, int vertexCount) {
    checkIndices(indices, vertexCount, true);
    if (indices.length == 0) {
      return;
    }
    IntBuffer idx = ints(indices);
    try {
      MeshOptimizer.meshopt_optimizeVertexCache(idx, idx, vertexCount);
      idx.get(indices);
    } finally {
      memFree(idx);
    }
  }

  /** meshopt_optimizeOverdraw, in place; {@code threshold} is the allowed ACMR degradation (1.05 = 5%). */
  static void optimizeOverdraw(int[] indices, float[] positions, int vertexCount, float threshold) {
    checkIndices(indices, vertexCount, true);
    checkPositions(positions, vertexCount);
    if (indices.length == 0) {
      return;
    }
    IntBuffer idx = ints(indices);
    FloatBuffer pos = floats(positions);
    try {
      MeshOptimizer.meshopt_optimizeOverdraw(idx, idx, pos, vertexCount, 12, threshold);
      idx.get(indices);
    } finally {
      memFree(idx);
      memFree(pos);
    }
  }

  /**
   * meshopt_optimizeVertexFetchRemap: vertex order of first use; unused vertices get -1.
   *
   * @return the number of vertices used
   */
  static int vertexFetchRemap(int[] indices, int vertexCount, int[] remapOut) {
    checkIndices(indices, vertexCount, false);
    IntBuffer idx = ints(indices);
    IntBuffer remap = memAllocInt(Math.max(1, vertexCount));
    try {
      remap.limit(vertexCount);
      long n = MeshOptimizer.meshopt_optimizeVertexFetchRemap(remap, idx.limit(indices.length));
      remap.get(remapOut);
      return (int) n;
    } finally {
      memFree(idx);
      memFree(remap);
    }
  }

  /**
   * meshopt_simplify / meshopt_simplifyWithAttributes.
   *
   * @param targetIndexCount wanted index count (multiple of 3)
   * @param targetError relative error bound (fraction of the mesh extent)
   * @param options meshopt_Simplify* flags
   * @param attributes per-vertex attributes for the attribute metric, or null
   * @param attributeCount floats per vertex in {@code attributes}
   * @param weights one weight per attribute float
   * @param errorOut receives the resulting relative error
   * @return the simplified index list
   */
  static int[] simplify(int[] indices, float[] positions, int vertexCount, int targetIndexCount, float targetError, int options,
      float[] attributes, int attributeCount, float[] weights, float[] errorOut) {
    checkIndices(indices, vertexCount, true);
    checkPositions(positions, vertexCount);
    if (attributes != null && (attributeCount < 1 || attributeCount > 32 || attributes.length != vertexCount * attributeCount
        || weights.length != attributeCount)) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "simplify attributes do not match the vertex count");
    }
    if (targetIndexCount > indices.length || targetIndexCount < 0) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "target index count " + targetIndexCount);
    }
    IntBuffer idx = ints(indices);
    IntBuffer dst = memAllocInt(Math.max(1, indices.length));
    FloatBuffer pos = floats(positions);
    FloatBuffer attr = attributes == null ? null : floats(attributes);
    FloatBuffer w = attributes == null ? null : floats(weights);
    try (MemoryStack stack = MemoryStack.stackPush()) {
      FloatBuffer err = stack.mallocFloat(1);
      err.put(0, 0f);
      long n;
      if (attr == null) {
        n = MeshOptimizer.meshopt_simplify(dst, idx, pos, vertexCount, 12, targetIndexCount, targetError, options, err);
      } else {
        n = MeshOptimizer.meshopt_simplifyWithAttributes(dst, idx, pos, vertexCount, 12, attr, 4L * attributeCount, w, null,
            targetIndexCount, targetError, options, err);
      }
      errorOut[0] = err.get(0);
      int[] out = new int[(int) n];
      dst.get(0, out);
      return out;
    } finally {
      memFree(idx);
      memFree(dst);
      memFree(pos);
      if (attr != null) {
        memFree(attr);
        memFree(w);
      }
    }
  }

  /** meshopt_simplifyScale: the absolute size the relative errors refer to. */
  static float simplifyScale(float[] positions, int vertexCount) {
    checkPositions(positions, vertexCount);
    FloatBuffer pos = floats(positions);
    try {
      return MeshOptimizer.meshopt_simplifyScale(pos, vertexCount, 12);
    } finally {
      memFree(pos);
    }
  }

  /** meshopt_encodeVertexBuffer (codec v0): {@code count} elements of {@code stride} bytes. */
  static byte[] encodeVertexBuffer(byte[] vertices, int count, int stride) {
    if (stride <= 0 || stride > 256 || stride % 4 != 0 || vertices.length != count * stride) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "vertex stream of " + vertices.length + " bytes, stride " + stride);
    }
    long bound = MeshOptimizer.meshopt_encodeVertexBufferBound(count, stride);
    ByteBuffer src = memAlloc(Math.max(1, vertices.length));
    ByteBuffer dst = memAlloc((int) bound);
    try {
      src.put(vertices).flip();
      long n = MeshOptimizer.meshopt_encodeVertexBuffer(dst, src.limit(vertices.length), count, stride);
      if (n == 0 && count > 0) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "meshopt_encodeVertexBuffer failed");
      }
      byte[] out = new byte[(int) n];
      dst.get(0, out);
      return out;
    } finally {
      memFree(src);
      memFree(dst);
    }
  }

  /** meshopt_encodeIndexBuffer (triangle lists) or meshopt_encodeIndexSequence (other index lists). */
  static byte[] encodeIndices(int[] indices, int vertexCount, boolean triangles) {
    checkIndices(indices, vertexCount, triangles);
    long bound = triangles ? MeshOptimizer.meshopt_encodeIndexBufferBound(indices.length, vertexCount)
        : MeshOptimizer.meshopt_encodeIndexSequenceBound(indices.length, vertexCount);
    IntBuffer idx = ints(indices);
    ByteBuffer dst = memAlloc((int) bound);
    try {
      idx.limit(indices.length);
      long n = triangles ? MeshOptimizer.meshopt_encodeIndexBuffer(dst, idx) : MeshOptimizer.meshopt_encodeIndexSequence(dst, idx);
      if (n == 0) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "meshopt index encoding failed");
      }
      byte[] out = new byte[(int) n];
      dst.get(0, out);
      return out;
    } finally {
      memFree(idx);
      memFree(dst);
    }
  }

}
