package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.DedupOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges primitives whose decoded geometry is equal (mode, vertex count, every stream and morph
 * target by semantic and bits, indices) so that they share one {@link Geometry}: it is optimized
 * once and written once, and all those primitives reference the same accessors. Primitives that
 * referenced the very same accessors already share a geometry when read ({@link MeshSet#read}). The
 * accessor-level half of dedup (animation times and other data the mesh stages do not rewrite) runs
 * when the asset is written ({@link MeshWriter}).
 */
public final class Dedup {
  private Dedup() {}

  /**
   * @return the number of geometries merged into another
   */
  public static int apply(MeshSet set, DedupOptions options) {
    if (!options.enabled()) {
      return 0;
    }
    Map<Long, List<Geometry>> byHash = new HashMap<>();
    int merged = 0;
    for (Geometry g : set.geometries()) {
      List<Geometry> same = byHash.computeIfAbsent(hash(g), k -> new ArrayList<>());
      Geometry match = null;
      for (Geometry c : same) {
        if (equal(c, g)) {
          match = c;
          break;
        }
      }
      if (match == null) {
        same.add(g);
      } else {
        set.replace(g, match);
        merged++;
      }
    }
    return merged;
  }

  static long hash(Geometry g) {
    long h = g.mode * 31L + g.vertexCount;
    h = h * 31 + Arrays.hashCode(g.indices);
    for (Map.Entry<String, Stream> e : g.attributes.entrySet()) {
      h = h * 31 + e.getKey().hashCode();
      h = h * 31 + Arrays.hashCode(e.getValue().data);
    }
    h = h * 31 + g.targets.size();
    return h;
  }

  static boolean equal(Geometry a, Geometry b) {
    if (a.mode != b.mode
        || a.vertexCount != b.vertexCount
        || !Arrays.equals(a.indices, b.indices)
        || !sameStreams(a.attributes, b.attributes)
        || a.targets.size() != b.targets.size()) {
      return false;
    }
    for (int i = 0; i < a.targets.size(); i++) {
      if (!sameStreams(a.targets.get(i), b.targets.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameStreams(Map<String, Stream> a, Map<String, Stream> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Stream> e : a.entrySet()) {
      Stream x = e.getValue();
      Stream y = b.get(e.getKey());
      if (x.components() != y.components()
          || x.sourceComponentType() != y.sourceComponentType()
          || x.sourceNormalized() != y.sourceNormalized()
          || !Arrays.equals(x.data, y.data)) {
        return false;
      }
    }
    return true;
  }
}
