package dev.assetgrid.node.processing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.optimize.OptimizeMesh;
import dev.assetgrid.node.processing.optimize.OptimizeMeshOptions;
import dev.assetgrid.node.processing.optimize.OptimizeMeshReport;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local mesh recipe, shared by the {@code process} CLI, the optimize-mesh task handler and the
 * benchmark: read a .glb/.gltf (side files beside it), run {@link OptimizeMesh}, write one GLB.
 * The order of the stages and their defaults live in {@link OptimizeMesh} and the option records.
 */
public final class Pipeline {
  private Pipeline() {}

  /**
   * What one run did.
   *
   * @param report the stage report
   * @param inputBytes size of the input (GLB, or .gltf plus side files), bytes
   * @param outputBytes size of the written GLB, bytes
   * @param readMillis time to read and decode the input
   * @param writeMillis time to serialize the GLB (stage times are in the report)
   */
  public record Result(OptimizeMeshReport report, long inputBytes, long outputBytes, double readMillis, double writeMillis) {
    public ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.putObject("size").put("before", inputBytes).put("after", outputBytes);
      o.setAll(report.toJson());
      ObjectNode t = (ObjectNode) o.get("stageMillis");
      ObjectNode times = JsonNodeFactory.instance.objectNode();
      times.put("readFile", Math.round(readMillis * 1000) / 1000.0);
      times.setAll(t);
      times.put("writeGlb", Math.round(writeMillis * 1000) / 1000.0);
      o.set("stageMillis", times);
      return o;
    }
  }

  /** Optimizes {@code in} into the GLB file {@code out}. */
  public static Result optimize(Path in, Path out, OptimizeMeshOptions options) {
    long t0 = System.nanoTime();
    GltfAsset asset = new GltfReader().read(in);
    double read = (System.nanoTime() - t0) / 1e6;
    return optimize(asset, read, out, options);
  }

  /** Optimizes an asset already read (modified in place) into the GLB file {@code out}. */
  public static Result optimize(GltfAsset asset, double readMillis, Path out, OptimizeMeshOptions options) {
    OptimizeMeshReport report = OptimizeMesh.apply(asset, options);
    long t1 = System.nanoTime();
    byte[] glb = GlbWriter.write(asset);
    try {
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      Files.write(out, glb);
    } catch (IOException e) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "cannot write " + out + ": " + e.getMessage(), e);
    }
    double write = (System.nanoTime() - t1) / 1e6;
    return new Result(report, asset.sourceBytes(), glb.length, readMillis, write);
  }
}
