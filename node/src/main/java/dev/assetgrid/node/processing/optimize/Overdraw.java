package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.OverdrawOptions;

/**
 * Reorders triangle clusters to reduce overdraw (meshopt_optimizeOverdraw); must run after {@link
 * VertexCache}, whose order it keeps within {@link OverdrawOptions#threshold()}.
 */
public final class Overdraw {
  private Overdraw() {}

  public static void apply(MeshSet set, OverdrawOptions options, MeshOptimizer meshopt) {
    if (!options.enabled()) {
      return;
    }
    for (Geometry g : set.geometries()) {
      primitive(g, options.threshold(), meshopt);
    }
  }

  public static void primitive(Geometry g, float threshold, MeshOptimizer meshopt) {
    Stream p = g.position();
    if (g.isTriangles()
        && g.indices != null
        && g.indices.length >= 3
        && p != null
        && p.components() == 3) {
      meshopt.optimizeOverdraw(g.indices, p.data, g.vertexCount, threshold);
    }
  }
}
