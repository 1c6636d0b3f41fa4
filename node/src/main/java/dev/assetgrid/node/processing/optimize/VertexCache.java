package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.VertexCacheOptions;
/** Reorders the triangles of each triangle list for the post-transform vertex cache (meshopt_optimizeVertexCache). */
public final class VertexCache {
  private VertexCache() {}

  public static void apply(MeshSet set, VertexCacheOptions options) {
    if (!options.enabled()) {
      return;
    }
    for (Geometry g : set.geometries()) {
      primitive(g);
    }
  }

  public static void primitive(Geometry g) {
    if (g.isTriangles() && g.indices != null && g.indices.length >= 3) {
      Meshopt.optimizeVertexCache(g.indices, g.vertexCount);
    }
  }
}
