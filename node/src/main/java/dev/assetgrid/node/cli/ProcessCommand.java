package dev.assetgrid.node.cli;

import dev.assetgrid.node.processing.Pipeline;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.optimize.CompressOptions;
import dev.assetgrid.node.processing.optimize.LodOptions;
import dev.assetgrid.node.processing.optimize.OptimizeMeshOptions;
import dev.assetgrid.node.processing.optimize.QuantizeOptions;
import dev.assetgrid.node.processing.optimize.SimplifyOptions;
import dev.assetgrid.node.processing.optimize.TangentsOptions;
import dev.assetgrid.shared.error.AssetGridException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code process IN OUT}: the optimize-mesh recipe on local files, like gltfpack. */
@Command(name = "process", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Optimizes the meshes of a glTF model locally with the same stages a node runs for optimize-mesh tasks:",
        "dedup, weld, tangents, simplify, LODs, vertex cache, overdraw, vertex fetch, quantization (KHR_mesh_quantization)",
        "and EXT_meshopt_compression. Textures, materials, animations and unknown extensions are kept.",
        "Writes one self-contained GLB. Exit code 0 on success, 1 when the input cannot be processed."},
    footer = {"", "Example: java -jar node/target/assetgrid-node.jar process in.gltf out.glb --simplify 0.5 --report r.json"})
public final class ProcessCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "Input model: .glb, or .gltf with its buffers and images beside it.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Output GLB file (parent directories are created).")
  Path out;

  @Option(names = "--simplify", paramLabel = "RATIO",
      description = "Keep about this fraction of triangles, in (0, 1]; 1 = off. Default: ${DEFAULT-VALUE}.", defaultValue = "1")
  float simplify;

  @Option(names = "--simplify-error", paramLabel = "E",
      description = "Largest simplification error, relative to the mesh size (0.01 = 1%%), in [0, 1]. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.01")
  float simplifyError;

  @Option(names = "--lock-border", description = "Keep open borders of each primitive in place while simplifying.")
  boolean lockBorder;

  @Option(names = "--lods", paramLabel = "N",
      description = "Add N levels of detail (each half the triangles of the previous) through MSFT_lod, 0..8. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0")
  int lods;

  @Option(names = "--compress", paramLabel = "MODE",
      description = "meshopt: EXT_meshopt_compression on vertex and index streams (extension required); none: plain buffers. "
          + "Default: ${DEFAULT-VALUE}.", defaultValue = "meshopt")
  String compress;

  @Option(names = "--quantize", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Quantize vertex attributes (KHR_mesh_quantization): positions 14 bits, normals 8, UVs 12, colors 8. "
          + "--no-quantize keeps every attribute in its input encoding. Default: on.")
  boolean quantize;

  @Option(names = "--position-bits", paramLabel = "BITS", description = "Position quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "14")
  int positionBits;

  @Option(names = "--texcoord-bits", paramLabel = "BITS", description = "UV quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "12")
  int texcoordBits;

  @Option(names = "--tangents", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Generate TANGENT for normal-mapped triangle primitives that have none (existing tangents are kept). "
          + "--no-tangents leaves primitives without tangents. Default: on.")
  boolean tangents;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the stage report (counts, sizes, per-stage times) as JSON.")
  Path report;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outw = spec.commandLine().getOut();
    OptimizeMeshOptions options;
    try {
      QuantizeOptions q = new QuantizeOptions(quantize, positionBits, QuantizeOptions.DEFAULT_NORMAL_BITS, texcoordBits,
          QuantizeOptions.DEFAULT_COLOR_BITS);
      options = OptimizeMeshOptions.DEFAULTS
          .withTangents(TangentsOptions.DEFAULTS.withEnabled(tangents))
          .withSimplify(new SimplifyOptions(simplify, simplifyError, lockBorder, SimplifyOptions.DEFAULT_NORMAL_WEIGHT))
          .withLods(LodOptions.DEFAULTS.withLevels(lods))
          .withQuantize(q)
          .withCompress(new CompressOptions(CompressOptions.Mode.parse(compress)));
    } catch (AssetGridException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Pipeline.Result r;
    try {
      r = Pipeline.optimize(in, out, options);
    } catch (AssetGridException e) {
      err.println("process: " + in + ": " + e.code() + ": " + e.getMessage());
      return 1;
    }
    if (report != null) {
      Files.writeString(report, GltfReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson()));
    }
    var rep = r.report();
    outw.printf("%s -> %s: %d -> %d bytes, %d -> %d triangles, %d -> %d vertices%n", in, out, r.inputBytes(), r.outputBytes(),
        rep.trianglesBefore(), rep.trianglesAfter(), rep.verticesBefore(), rep.verticesAfter());
    for (String s : rep.skipped()) {
      outw.println("  passed through: " + s);
    }
    return 0;
  }
}
