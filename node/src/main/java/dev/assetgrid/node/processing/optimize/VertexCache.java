package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.VertexCacheOptions;

/**
 * Reorders the triangles of each triangle list for the post-transform vertex cache
 * (meshopt_optimizeVertexCache).
 */
public final class VertexCache {
  private VertexCache() {}

  public static void apply(MeshSet set, VertexCacheOptions options, MeshOptimizer meshopt) {
    if (!options.enabled()) {
      return;
    }
    for (Geometry g : set.geometries()) {
      primitive(g, meshopt);
    }
  }

  public static void primitive(Geometry g, MeshOptimizer meshopt) {
    if (g.isTriangles() && g.indices != null && g.indices.length >= 3) {
      meshopt.optimizeVertexCache(g.indices, g.vertexCount);
    }
  }
}
