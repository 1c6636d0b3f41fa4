package dev.assetgrid.bench.synth;

/**
 * An indexed triangle mesh held in flat arrays, as the GLB writer wants it.
 *
 * @param positions xyz per vertex (length = 3 × vertex count)
 * @param normals xyz per vertex, unit length (same length as positions)
 * @param uvs uv per vertex (length = 2 × vertex count)
 * @param indices three per triangle, each below the vertex count
 */
public record Mesh(float[] positions, float[] normals, float[] uvs, int[] indices) {
  public Mesh {
    if (positions.length % 3 != 0
        || normals.length != positions.length
        || uvs.length != positions.length / 3 * 2
        || indices.length % 3 != 0) {
      throw new IllegalArgumentException("inconsistent mesh arrays");
    }
  }

  public int vertexCount() {
    return positions.length / 3;
  }

  public long triangleCount() {
    return indices.length / 3;
  }
}
