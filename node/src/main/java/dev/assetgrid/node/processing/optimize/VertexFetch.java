package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.VertexFetchOptions;

/**
 * Renumbers vertices in the order the indices first use them and drops unused vertices
 * (meshopt_optimizeVertexFetchRemap); base attributes and morph targets move together. Runs last
 * among the reordering stages because it follows the final index order.
 */
public final class VertexFetch {
  private VertexFetch() {}

  public static void apply(MeshSet set, VertexFetchOptions options, MeshOptimizer meshopt) {
    if (!options.enabled()) {
      return;
    }
    for (Geometry g : set.geometries()) {
      primitive(g, meshopt);
    }
  }

  public static void primitive(Geometry g, MeshOptimizer meshopt) {
    if (g.indices == null || g.vertexCount == 0) {
      return;
    }
    int[] remap = new int[g.vertexCount];
    int used = meshopt.vertexFetchRemap(g.indices, g.vertexCount, remap);
    if (used > 0) {
      g.remapVertices(remap, used);
    }
  }
}
