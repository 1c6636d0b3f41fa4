package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.SimplifyOptions;

/**
 * Reduces the triangle count of each triangle list (meshopt_simplify, or
 * meshopt_simplifyWithAttributes when normals are weighted) towards {@link SimplifyOptions#ratio()}
 * without exceeding {@link SimplifyOptions#maxError()}. Only the index list changes: vertices,
 * morph targets and skinning data stay valid, and {@link VertexFetch} drops the vertices no longer
 * used. Vertices split by attribute seams (UV or normal discontinuities) keep the seam.
 */
public final class Simplify {
  private Simplify() {}

  /**
   * @return the largest relative error over all geometries
   */
  public static float apply(MeshSet set, SimplifyOptions options, MeshOptimizer meshopt) {
    if (!options.enabled()) {
      return 0f;
    }
    float worst = 0f;
    for (Geometry g : set.geometries()) {
      worst = Math.max(worst, primitive(g, options, meshopt));
    }
    return worst;
  }

  /**
   * Simplifies one geometry in place; @return the relative error reached (0 when nothing changed).
   */
  public static float primitive(Geometry g, SimplifyOptions options, MeshOptimizer meshopt) {
    Stream p = g.position();
    if (!g.isTriangles()
        || g.indices == null
        || g.indices.length < 3
        || p == null
        || p.components() != 3) {
      return 0f;
    }
    int target = (int) (g.indices.length / 3 * (double) options.ratio()) * 3;
    Stream n = g.attributes.get("NORMAL");
    MeshOptimizer.Simplified out;
    if (options.normalWeight() > 0 && n != null && n.components() == 3) {
      float w = options.normalWeight();
      out =
          meshopt.simplify(
              g.indices,
              p.data,
              g.vertexCount,
              target,
              options.maxError(),
              options.lockBorder(),
              n.data,
              3,
              new float[] {w, w, w});
    } else {
      out =
          meshopt.simplify(
              g.indices,
              p.data,
              g.vertexCount,
              target,
              options.maxError(),
              options.lockBorder(),
              null,
              0,
              null);
    }
    if (out.indices().length == 0) {
      return 0f; // keep at least the input rather than an empty primitive
    }
    g.indices = out.indices();
    g.simplifyError = out.error();
    return out.error();
  }
}
