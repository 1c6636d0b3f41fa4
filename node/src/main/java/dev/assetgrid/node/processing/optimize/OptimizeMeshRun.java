package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One optimize-mesh run from an asset already read to a GLB file, with the report the task returns.
 *
 * @param report the stage report
 * @param inputBytes size of the input (GLB, or .gltf plus side files), bytes
 * @param outputBytes size of the written GLB, bytes
 * @param readMillis time to read and decode the input
 * @param writeMillis time to serialize and write the GLB (stage times are in the report)
 */
public record OptimizeMeshRun(
    OptimizeMeshReport report,
    long inputBytes,
    long outputBytes,
    double readMillis,
    double writeMillis) {

  /**
   * Optimizes {@code asset} (modified in place) with {@code options} and writes it to {@code out}.
   */
  public static OptimizeMeshRun apply(
      GltfAsset asset,
      double readMillis,
      Path out,
      OptimizeMeshOptions options,
      MeshOptimizer meshopt) {
    OptimizeMeshReport report = OptimizeMesh.apply(asset, options, meshopt);
    long t1 = System.nanoTime();
    byte[] glb = GlbWriter.write(asset);
    try {
      Files.write(out, glb);
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "cannot write " + out.getFileName(), e);
    }
    double write = (System.nanoTime() - t1) / 1e6;
    return new OptimizeMeshRun(report, asset.sourceBytes(), glb.length, readMillis, write);
  }

  /**
   * {@code size{before, after}}, the report's fields, and {@code stageMillis} with readFile and
   * writeGlb.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("size").put("before", inputBytes).put("after", outputBytes);
    o.setAll(report.toJson());
    ObjectNode t = (ObjectNode) o.get("stageMillis");
    ObjectNode times = JsonNodeFactory.instance.objectNode();
    times.put("readFile", ms(readMillis));
    times.setAll(t);
    times.put("writeGlb", ms(writeMillis));
    o.set("stageMillis", times);
    return o;
  }

  private static double ms(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
