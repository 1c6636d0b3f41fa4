package dev.assetgrid.node.natives;

import static org.lwjgl.system.MemoryUtil.memAddress;
import static org.lwjgl.system.MemoryUtil.memByteBuffer;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_SimplifyLockBorder;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeIndexBuffer;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeIndexBufferBound;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeIndexSequence;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeIndexSequenceBound;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeIndexVersion;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeVertexBuffer;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeVertexBufferBound;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeVertexVersion;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_optimizeOverdraw;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_optimizeVertexCache;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_optimizeVertexFetchRemap;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_simplify;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_simplifyWithAttributes;
import static org.lwjgl.util.meshoptimizer.MeshOptimizer.nmeshopt_generateVertexRemapMulti;

import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.util.meshoptimizer.MeshoptStream;

/**
 * {@link MeshOptimizer} over meshoptimizer (lwjgl-meshoptimizer). Each method checks the parameters
 * meshoptimizer would assert on (which aborts the process) before the native call, and owns its
 * off-heap memory: copies in and out through an {@link OffHeap} and small out-parameters on the
 * {@link MemoryStack}, both closed by try-with-resources when the call returns or throws.
 *
 * <p>Design note: copying Java arrays in and out costs a few percent of the native work on the
 * corpus (measured with the bench) and keeps native pointers out of the asset model.
 */
public final class LwjglMeshOptimizer implements MeshOptimizer {

  static {
    // EXT_meshopt_compression needs vertex codec v0; 0.22 defaults to it but the setting is
    // process-global, so set it explicitly in case another component changed it.
    meshopt_encodeVertexVersion(0);
    // index codec v1 (header 0xe1) is part of EXT_meshopt_compression and compresses better
    meshopt_encodeIndexVersion(1);
  }

  /**
   * Loads meshoptimizer (and sets its codec versions); throws a {@link LinkageError} when it cannot
   * load.
   */
  public LwjglMeshOptimizer() {}

  private static void checkIndices(int[] indices, int vertexCount, boolean triangles) {
    if (triangles && indices.length % 3 != 0) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "index count " + indices.length + " is not a multiple of 3");
    }
    for (int i : indices) {
      if (i < 0 || i >= vertexCount) {
        throw new AssetGridException(
            ErrorCode.INTERNAL_ERROR,
            "index " + i + " is not below the vertex count " + vertexCount);
      }
    }
  }

  private static void checkPositions(float[] positions, int vertexCount) {
    if (positions.length != vertexCount * 3) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR,
          positions.length + " position floats for " + vertexCount + " vertices");
    }
  }

  @Override
  public int vertexRemap(
      int[] indices, int vertexCount, float[][] streams, int[] components, int[] remapOut) {
    if (indices != null) {
      checkIndices(indices, vertexCount, false);
    }
    if (remapOut.length != vertexCount) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "remap table size");
    }
    for (int i = 0; i < streams.length; i++) {
      if (components[i] < 1
          || components[i] > 64
          || streams[i].length != vertexCount * components[i]) {
        throw new AssetGridException(
            ErrorCode.INTERNAL_ERROR, "stream " + i + " does not match the vertex count");
      }
    }
    if (streams.length > 16) {
      return remapInJava(vertexCount, streams, components, remapOut);
    }
    try (OffHeap heap = new OffHeap();
        MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer idx = indices == null ? null : heap.copyOf(indices);
      IntBuffer remap = heap.ints(vertexCount);
      MeshoptStream.Buffer sb = MeshoptStream.malloc(streams.length, stack);
      for (int i = 0; i < streams.length; i++) {
        sb.get(i)
            .data(memByteBuffer(heap.copyOf(streams[i])))
            .size(4L * components[i])
            .stride(4L * components[i]);
      }
      long unique =
          nmeshopt_generateVertexRemapMulti(
              memAddress(remap),
              idx == null ? 0L : memAddress(idx),
              indices == null ? vertexCount : indices.length,
              vertexCount,
              sb.address(),
              streams.length);
      remap.get(remapOut);
      return (int) unique;
    }
  }

  /** Fallback for more streams than meshoptimizer's limit (16): hash of the full vertex. */
  private static int remapInJava(
      int vertexCount, float[][] streams, int[] components, int[] remapOut) {
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
          if (Float.floatToRawIntBits(s[i][v * c[i] + j])
              != Float.floatToRawIntBits(k.s[i][k.v * c[i] + j])) {
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

  @Override
  public void optimizeVertexCache(int[] indices, int vertexCount) {
    checkIndices(indices, vertexCount, true);
    if (indices.length == 0) {
      return;
    }
    try (OffHeap heap = new OffHeap()) {
      IntBuffer idx = heap.copyOf(indices);
      meshopt_optimizeVertexCache(idx, idx, vertexCount);
      idx.get(indices);
    }
  }

  @Override
  public void optimizeOverdraw(int[] indices, float[] positions, int vertexCount, float threshold) {
    checkIndices(indices, vertexCount, true);
    checkPositions(positions, vertexCount);
    if (indices.length == 0) {
      return;
    }
    try (OffHeap heap = new OffHeap()) {
      IntBuffer idx = heap.copyOf(indices);
      FloatBuffer pos = heap.copyOf(positions);
      meshopt_optimizeOverdraw(idx, idx, pos, vertexCount, 12, threshold);
      idx.get(indices);
    }
  }

  @Override
  public int vertexFetchRemap(int[] indices, int vertexCount, int[] remapOut) {
    checkIndices(indices, vertexCount, false);
    try (OffHeap heap = new OffHeap()) {
      IntBuffer idx = heap.copyOf(indices);
      IntBuffer remap = heap.ints(Math.max(1, vertexCount));
      remap.limit(vertexCount);
      long n = meshopt_optimizeVertexFetchRemap(remap, idx.limit(indices.length));
      remap.get(remapOut);
      return (int) n;
    }
  }

  @Override
  public Simplified simplify(
      int[] indices,
      float[] positions,
      int vertexCount,
      int targetIndexCount,
      float targetError,
      boolean lockBorder,
      float[] attributes,
      int attributeCount,
      float[] weights) {
    checkIndices(indices, vertexCount, true);
    checkPositions(positions, vertexCount);
    if (attributes != null
        && (attributeCount < 1
            || attributeCount > 32
            || attributes.length != vertexCount * attributeCount
            || weights.length != attributeCount)) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "simplify attributes do not match the vertex count");
    }
    if (targetIndexCount > indices.length || targetIndexCount < 0) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "target index count " + targetIndexCount);
    }
    try (OffHeap heap = new OffHeap();
        MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer idx = heap.copyOf(indices);
      IntBuffer dst = heap.ints(Math.max(1, indices.length));
      FloatBuffer pos = heap.copyOf(positions);
      FloatBuffer attr = attributes == null ? null : heap.copyOf(attributes);
      FloatBuffer w = attributes == null ? null : heap.copyOf(weights);
      FloatBuffer err = stack.mallocFloat(1);
      err.put(0, 0f);
      int options = lockBorder ? meshopt_SimplifyLockBorder : 0;
      long n;
      if (attr == null) {
        n =
            meshopt_simplify(
                dst, idx, pos, vertexCount, 12, targetIndexCount, targetError, options, err);
      } else {
        n =
            meshopt_simplifyWithAttributes(
                dst,
                idx,
                pos,
                vertexCount,
                12,
                attr,
                4L * attributeCount,
                w,
                null,
                targetIndexCount,
                targetError,
                options,
                err);
      }
      int[] out = new int[(int) n];
      dst.get(0, out);
      return new Simplified(out, err.get(0));
    }
  }

  @Override
  public byte[] encodeVertexBuffer(byte[] vertices, int count, int stride) {
    if (stride <= 0 || stride > 256 || stride % 4 != 0 || vertices.length != count * stride) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR,
          "vertex stream of " + vertices.length + " bytes, stride " + stride);
    }
    long bound = meshopt_encodeVertexBufferBound(count, stride);
    try (OffHeap heap = new OffHeap()) {
      ByteBuffer src = heap.copyOf(vertices);
      ByteBuffer dst = heap.bytes((int) bound);
      long n = meshopt_encodeVertexBuffer(dst, src.limit(vertices.length), count, stride);
      if (n == 0 && count > 0) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "meshopt_encodeVertexBuffer failed");
      }
      byte[] out = new byte[(int) n];
      dst.get(0, out);
      return out;
    }
  }

  @Override
  public byte[] encodeIndices(int[] indices, int vertexCount, boolean triangles) {
    checkIndices(indices, vertexCount, triangles);
    long bound =
        triangles
            ? meshopt_encodeIndexBufferBound(indices.length, vertexCount)
            : meshopt_encodeIndexSequenceBound(indices.length, vertexCount);
    try (OffHeap heap = new OffHeap()) {
      IntBuffer idx = heap.copyOf(indices);
      ByteBuffer dst = heap.bytes((int) bound);
      idx.limit(indices.length);
      long n =
          triangles ? meshopt_encodeIndexBuffer(dst, idx) : meshopt_encodeIndexSequence(dst, idx);
      if (n == 0) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "meshopt index encoding failed");
      }
      byte[] out = new byte[(int) n];
      dst.get(0, out);
      return out;
    }
  }
}
