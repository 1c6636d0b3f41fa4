package dev.assetgrid.node.processing.optimize;

/**
 * Port: the meshoptimizer operations the optimize-mesh stages use ({@link Weld}, {@link
 * VertexCache}, {@link Overdraw}, {@link VertexFetch}, {@link Simplify} and {@link Lods}, {@link
 * MeshWriter}'s {@code EXT_meshopt_compression} streams), over Java arrays. The implementation is
 * native ({@code natives.LwjglMeshOptimizer}).
 *
 * <p>meshoptimizer asserts (aborts the process) on parameters it does not expect, so an
 * implementation checks every parameter documented below before the native call and refuses a
 * mismatch with {@code INTERNAL_ERROR}: the stages build these arrays themselves, so a mismatch is
 * a bug of ours, not bad input. Arrays are never null unless a parameter says so. Indices are
 * vertex numbers, each in {@code [0, vertexCount)}. Positions are 3 floats per vertex. Thread-safe;
 * calls are independent.
 */
public interface MeshOptimizer {

  /**
   * meshopt_generateVertexRemapMulti: a remap table that merges vertices equal in every stream
   * (bit-for-bit equal floats). Any number of streams; meshoptimizer takes up to 16, more are
   * compared in Java with the same result.
   *
   * @param indices the index list, or null for an unindexed vertex list
   * @param vertexCount vertices, &gt;= 0
   * @param streams per stream, {@code vertexCount * components[i]} floats
   * @param components floats per vertex of each stream, 1..64
   * @param remapOut receives the new index of each vertex; {@code vertexCount} entries
   * @return the number of unique vertices
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR when the arrays do not
   *     match
   */
  int vertexRemap(
      int[] indices, int vertexCount, float[][] streams, int[] components, int[] remapOut);

  /**
   * meshopt_optimizeVertexCache: reorders the triangles of {@code indices} in place for the
   * post-transform vertex cache.
   *
   * @param indices a triangle list (length a multiple of 3)
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR on a bad index list
   */
  void optimizeVertexCache(int[] indices, int vertexCount);

  /**
   * meshopt_optimizeOverdraw: reorders triangle clusters of {@code indices} in place to reduce
   * overdraw.
   *
   * @param indices a triangle list (length a multiple of 3)
   * @param positions {@code vertexCount * 3} floats
   * @param threshold the allowed vertex cache (ACMR) degradation, a factor: 1.05 = 5%
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR on a bad index list or
   *     position count
   */
  void optimizeOverdraw(int[] indices, float[] positions, int vertexCount, float threshold);

  /**
   * meshopt_optimizeVertexFetchRemap: the vertex order of first use by {@code indices}.
   *
   * @param indices any index list
   * @param remapOut receives the new index of each vertex, -1 for vertices no index uses; {@code
   *     vertexCount} entries
   * @return the number of vertices used
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR on a bad index list
   */
  int vertexFetchRemap(int[] indices, int vertexCount, int[] remapOut);

  /**
   * meshopt_simplify, or meshopt_simplifyWithAttributes when {@code attributes} is given: collapses
   * edges of a triangle list towards {@code targetIndexCount} indices without exceeding {@code
   * targetError}. Only the index list changes.
   *
   * @param indices a triangle list (length a multiple of 3); not modified
   * @param positions {@code vertexCount * 3} floats
   * @param targetIndexCount wanted index count, 0..{@code indices.length} (a multiple of 3)
   * @param targetError relative error bound, a fraction of the mesh extent (0.01 = 1%)
   * @param lockBorder keep the vertices on open borders in place (meshopt_SimplifyLockBorder)
   * @param attributes per-vertex attributes for the attribute metric ({@code vertexCount *
   *     attributeCount} floats), or null for positions only
   * @param attributeCount floats per vertex in {@code attributes}, 1..32 (ignored when null)
   * @param attributeWeights one weight per attribute float (ignored when {@code attributes} is
   *     null)
   * @return the simplified index list and the relative error it reached
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR when the arrays do not
   *     match or the target is out of range
   */
  Simplified simplify(
      int[] indices,
      float[] positions,
      int vertexCount,
      int targetIndexCount,
      float targetError,
      boolean lockBorder,
      float[] attributes,
      int attributeCount,
      float[] attributeWeights);

  /**
   * meshopt_encodeVertexBuffer with vertex codec version 0 (what {@code EXT_meshopt_compression}
   * mode ATTRIBUTES holds).
   *
   * @param vertices {@code count * stride} bytes
   * @param count elements, &gt;= 0
   * @param stride bytes per element, a multiple of 4 in 4..256
   * @return the encoded stream
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR on a bad size or when the
   *     encoder fails
   */
  byte[] encodeVertexBuffer(byte[] vertices, int count, int stride);

  /**
   * meshopt_encodeIndexBuffer with index codec version 1 for a triangle list (mode TRIANGLES of
   * {@code EXT_meshopt_compression}), meshopt_encodeIndexSequence for any other index list (mode
   * INDICES).
   *
   * @param indices the index list; a multiple of 3 long when {@code triangles}
   * @return the encoded stream
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR on a bad index list or
   *     when the encoder fails
   */
  byte[] encodeIndices(int[] indices, int vertexCount, boolean triangles);

  /**
   * What {@link #simplify} produced.
   *
   * @param indices the new triangle list (empty when the simplifier removed everything)
   * @param error the relative error reached, a fraction of the mesh extent
   */
  record Simplified(int[] indices, float error) {}
}
