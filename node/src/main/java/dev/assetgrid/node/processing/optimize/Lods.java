package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a chain of levels of detail for each mesh: level {@code i} simplifies a copy of every
 * triangle primitive to {@code ratio^i} of its triangles (error bound {@link
 * LodOptions#maxError()}). Non-triangle primitives are reused unchanged. {@link MeshWriter} writes
 * each level as a new mesh and links it from the drawing node with {@code MSFT_lod} (plus {@code
 * extras.MSFT_screencoverage}). Runs after {@link Simplify} (LOD 0 is the simplified base) and
 * before the reordering stages, which then optimize each level as well.
 */
public final class Lods {
  private Lods() {}

  /**
   * @return the number of level meshes created
   */
  public static int apply(MeshSet set, LodOptions options, MeshOptimizer meshopt) {
    if (options.levels() == 0) {
      return 0;
    }
    int created = 0;
    java.util.Set<Integer> meshes = new java.util.TreeSet<>();
    for (MeshPart p : set.parts) {
      meshes.add(p.mesh);
    }
    for (int m : meshes) {
      List<MeshPart> parts = set.partsOf(m);
      boolean ok =
          parts.stream().allMatch(p -> p.geometry != null)
              && parts.stream().anyMatch(p -> p.geometry.isTriangles());
      if (!ok) {
        continue;
      }
      List<List<Geometry>> levels = new ArrayList<>();
      float[] errors = new float[options.levels()];
      for (int level = 1; level <= options.levels(); level++) {
        float ratio = (float) Math.pow(options.ratio(), level);
        List<Geometry> geoms = new ArrayList<>();
        for (MeshPart p : parts) {
          if (!p.geometry.isTriangles()) {
            geoms.add(p.geometry);
            continue;
          }
          Geometry copy = p.geometry.copy();
          SimplifyOptions so = new SimplifyOptions(ratio, options.maxError(), false, 0f);
          errors[level - 1] = Math.max(errors[level - 1], Simplify.primitive(copy, so, meshopt));
          geoms.add(copy);
        }
        levels.add(geoms);
        created++;
      }
      set.lods.put(m, levels);
      set.lodErrors.put(m, errors);
    }
    return created;
  }
}
