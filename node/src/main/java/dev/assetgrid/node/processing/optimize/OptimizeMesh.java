package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The optimize-mesh recipe: the ordered list of mesh stages, each with its options from {@link
 * OptimizeMeshOptions}. The asset is modified in place; write it with {@link
 * dev.assetgrid.node.processing.gltf.GlbWriter}. Textures, animations, materials and unknown
 * extensions/extras are kept (materials gain a {@code KHR_texture_transform} where UVs are
 * quantized).
 */
public final class OptimizeMesh {
  private OptimizeMesh() {}

  /**
   * Runs the recipe on {@code asset} (modified in place).
   *
   * @param meshopt the meshoptimizer operations of the weld, simplify, LOD, reordering and
   *     compression stages; not null
   */
  public static OptimizeMeshReport apply(
      GltfAsset asset, OptimizeMeshOptions o, MeshOptimizer meshopt) {
    Objects.requireNonNull(meshopt, "meshopt");
    Map<String, Double> times = new LinkedHashMap<>();
    MeshSet set = timed(times, "read", () -> MeshSet.read(asset));
    long trisBefore = set.triangles();
    long vertsBefore = set.vertices();
    // dedup first so every later stage runs once per distinct geometry
    timed(times, "dedup", () -> Dedup.apply(set, o.dedup()));
    // weld before simplify: the simplifier only collapses edges between connected vertices
    timed(times, "weld", () -> Weld.apply(set, o.weld(), meshopt));
    // tangents after weld (weld would otherwise keep apart vertices that differ only in a generated
    // tangent, and generated tangents are a function of the welded vertices anyway) and before
    // simplify/LODs, so that every level carries the full-resolution frame (the simplifier only
    // drops vertices); before quantization, which encodes the new stream like any other TANGENT
    int tangents = timed(times, "tangents", () -> Tangents.apply(set, o.tangents()));
    float error = timed(times, "simplify", () -> Simplify.apply(set, o.simplify(), meshopt));
    // LODs start from the (simplified) base and are then reordered like every other geometry
    int lods = timed(times, "lods", () -> Lods.apply(set, o.lods(), meshopt));
    // vertex cache, then overdraw (which keeps the cache order within its threshold), then
    // vertex fetch, which follows the final index order
    timed(
        times,
        "vertexCache",
        () -> {
          VertexCache.apply(set, o.vertexCache(), meshopt);
          return null;
        });
    timed(
        times,
        "overdraw",
        () -> {
          Overdraw.apply(set, o.overdraw(), meshopt);
          return null;
        });
    timed(
        times,
        "vertexFetch",
        () -> {
          VertexFetch.apply(set, o.vertexFetch(), meshopt);
          return null;
        });
    // quantization needs the final vertex data (ranges); compression needs the final encoding
    timed(
        times,
        "quantize",
        () -> {
          Quantize.apply(set, o.quantize());
          return null;
        });
    long trisAfter = set.triangles();
    long vertsAfter = set.vertices();
    timed(
        times,
        "write",
        () -> {
          MeshWriter.write(set, o.compress(), o.dedup(), meshopt);
          return null;
        });
    List<String> skipped = new ArrayList<>();
    for (MeshPart p : set.parts) {
      if (p.skipReason != null) {
        skipped.add("meshes/" + p.mesh + "/primitives/" + p.primitive + ": " + p.skipReason);
      }
    }
    return new OptimizeMeshReport(
        trisBefore,
        trisAfter,
        vertsBefore,
        vertsAfter,
        set.parts.size(),
        skipped,
        error,
        lods,
        tangents,
        times);
  }

  private static <T> T timed(Map<String, Double> times, String stage, Supplier<T> body) {
    long t0 = System.nanoTime();
    T r = body.get();
    times.put(stage, (System.nanoTime() - t0) / 1e6);
    return r;
  }
}
