package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.WeldOptions;
import java.util.List;

/**
 * Merges vertices that are equal in every attribute and every morph-target delta
 * (meshopt_generateVertexRemapMulti) and drops vertices no index uses. Geometry without an index
 * list (points, lines) is left alone.
 */
public final class Weld {
  private Weld() {}

  /**
   * @return vertices removed over all geometries
   */
  public static long apply(MeshSet set, WeldOptions options, MeshOptimizer meshopt) {
    if (!options.enabled()) {
      return 0;
    }
    long removed = 0;
    for (Geometry g : set.geometries()) {
      removed += primitive(g, meshopt);
    }
    return removed;
  }

  /** Welds one geometry; @return vertices removed. */
  public static int primitive(Geometry g, MeshOptimizer meshopt) {
    if (g.indices == null || g.vertexCount == 0) {
      return 0;
    }
    List<Stream> streams = g.allStreams();
    float[][] data = new float[streams.size()][];
    int[] comps = new int[streams.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = streams.get(i).data;
      comps[i] = streams.get(i).components();
    }
    int[] remap = new int[g.vertexCount];
    int unique = meshopt.vertexRemap(g.indices, g.vertexCount, data, comps, remap);
    int before = g.vertexCount;
    if (unique == 0 || unique == before && isIdentity(remap)) {
      return 0;
    }
    g.remapVertices(remap, unique);
    return before - unique;
  }

  private static boolean isIdentity(int[] remap) {
    for (int i = 0; i < remap.length; i++) {
      if (remap[i] != i) {
        return false;
      }
    }
    return true;
  }
}
