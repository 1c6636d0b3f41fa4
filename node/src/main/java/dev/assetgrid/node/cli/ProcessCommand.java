package dev.assetgrid.node.cli;

import dev.assetgrid.node.natives.NativePorts;
import dev.assetgrid.node.processing.Pipeline;
import dev.assetgrid.node.processing.PipelineOptions;
import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.ConvertOptions;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.shared.stage.CompressOptions;
import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.OptionReader;
import dev.assetgrid.shared.stage.QuantizeOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import dev.assetgrid.shared.stage.TangentsOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.node.processing.texture.TextureResult;
import dev.assetgrid.shared.stage.ThumbnailOptions;
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

/**
 * {@code process IN OUT}: the grid's recipe ({@link Pipeline#process}) on local files, like gltfpack,
 * over the natives that load on this machine ({@link NativePorts#load()}, as a node's handlers get them).
 */
@Command(name = "process", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Processes a model locally with the stages, in the order, a grid job runs them:",
        "convert (non-glTF input) -> optimize-mesh -> compress-texture (--textures ktx2) -> assemble; thumbnail (--thumbnail)",
        "renders the optimized mesh with its original textures.",
        "optimize-mesh: dedup, weld, tangents, simplify, LODs, vertex cache, overdraw, vertex fetch, quantization",
        "(KHR_mesh_quantization) and EXT_meshopt_compression. Materials, animations and unknown extensions are kept.",
        "Writes one self-contained GLB. Exit code 0 on success, 1 when the input cannot be processed, 2 on bad arguments."},
    footer = {"", "Examples:",
        "  java -jar node/target/assetgrid-node.jar process in.gltf out.glb --simplify 0.5 --report r.json",
        "  java -jar node/target/assetgrid-node.jar process spot.obj spot.glb --textures ktx2 --thumbnail spot.png"})
public final class ProcessCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "Input model: .glb, .gltf (buffers and images beside it), or any format Assimp reads (OBJ + MTL, FBX, STL, "
      + "PLY, DAE, 3DS...; side files such as MTL and textures are looked up in IN's folder).")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "Output GLB file (parent directories are created).")
  Path out;

  @Option(names = "--simplify", paramLabel = "RATIO",
      description = "Keep about this fraction of triangles, in (0, 1]; 1 = off. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + SimplifyOptions.DEFAULT_RATIO)
  float simplify;

  @Option(names = "--simplify-error", paramLabel = "E",
      description = "Largest simplification error, relative to the mesh size (0.01 = 1%%), in [0, 1]. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + SimplifyOptions.DEFAULT_MAX_ERROR)
  float simplifyError;

  @Option(names = "--lock-border", description = "Keep open borders of each primitive in place while simplifying.")
  boolean lockBorder;

  @Option(names = "--lods", paramLabel = "N",
      description = "Add N levels of detail (each half the triangles of the previous) through MSFT_lod, 0..8. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + LodOptions.DEFAULT_LEVELS)
  int lods;

  @Option(names = "--compress", paramLabel = "MODE",
      description = "meshopt: EXT_meshopt_compression on vertex and index streams (extension required); none: plain buffers. "
          + "Default: ${DEFAULT-VALUE}.", defaultValue = CompressOptions.DEFAULT_MODE_NAME)
  String compress;

  @Option(names = "--quantize", negatable = true, defaultValue = "" + QuantizeOptions.DEFAULT_ENABLED, fallbackValue = "true",
      description = "Quantize vertex attributes (KHR_mesh_quantization): positions 14 bits, normals 8, UVs 12, colors 8. "
          + "--no-quantize keeps every attribute in its input encoding. Default: on.")
  boolean quantize;

  @Option(names = "--position-bits", paramLabel = "BITS", description = "Position quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + QuantizeOptions.DEFAULT_POSITION_BITS)
  int positionBits;

  @Option(names = "--texcoord-bits", paramLabel = "BITS", description = "UV quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + QuantizeOptions.DEFAULT_TEXCOORD_BITS)
  int texcoordBits;

  @Option(names = "--tangents", negatable = true, defaultValue = "" + TangentsOptions.DEFAULT_ENABLED, fallbackValue = "true",
      description = "Generate TANGENT for normal-mapped triangle primitives that have none (existing tangents are kept). "
          + "--no-tangents leaves primitives without tangents. Default: on.")
  boolean tangents;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the stage report (counts, sizes, per-stage times) as JSON.")
  Path report;

  @Option(names = "--default-texture", paramLabel = "FILE",
      description = "Non-glTF input: base colour texture (relative to IN's folder) for materials that have UVs but no texture. "
          + "Default: the only image file in IN's folder, if there is exactly one.")
  String defaultTexture;

  @Option(names = "--textures", paramLabel = "MODE",
      description = "keep: images stay as they are; ktx2: compress every texture image to KTX2 (Basis Universal, "
          + "KHR_texture_basisu; ETC1S for colour, UASTC for normal and data maps). Default: ${DEFAULT-VALUE}.",
      defaultValue = "keep")
  String textures;

  @Option(names = "--texture-mode", paramLabel = "CODEC",
      description = "With --textures ktx2: auto (by role, see --textures), etc1s or uastc for every image. Default: ${DEFAULT-VALUE}.",
      defaultValue = CompressTextureOptions.DEFAULT_MODE_NAME)
  String textureMode;

  @Option(names = "--texture-quality", paramLabel = "Q",
      description = "With --textures ktx2: ETC1S quality, 1..255 (higher = better, larger). Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + CompressTextureOptions.DEFAULT_ETC1S_QUALITY)
  int textureQuality;

  @Option(names = "--texture-max-size", paramLabel = "PX",
      description = "With --textures ktx2: longest side of a texture in pixels, 4..16384, aspect ratio kept; 0 = no limit. "
          + "Default: ${DEFAULT-VALUE}.", defaultValue = "" + CompressTextureOptions.DEFAULT_MAX_SIZE)
  int textureMaxSize;

  @Option(names = "--texture-errors", paramLabel = "POLICY",
      description = "With --textures ktx2, when an image cannot be compressed (corrupt, too large): fail (exit 1, naming the image) "
          + "or keep the original image. Images in formats KTX2 cannot take (WebP, GIF...) are always kept. Default: ${DEFAULT-VALUE}.",
      defaultValue = CompressTextureOptions.DEFAULT_ON_ERROR_NAME)
  String textureErrors;

  @Option(names = "--texture-fallback",
      description = "With --textures ktx2: keep each PNG/JPEG as a fallback beside its KTX2 (viewers without KHR_texture_basisu "
          + "still load the model; the file grows). Default: the KTX2 replaces the image and the extension is required.")
  boolean textureFallback;

  @Option(names = "--thumbnail", paramLabel = "FILE.png", description = "Render a PNG thumbnail of the output GLB (software renderer).")
  Path thumbnail;

  @Option(names = "--thumbnail-size", paramLabel = "N",
      description = "With --thumbnail: width and height in pixels, 16..2048. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + ThumbnailOptions.DEFAULT_SIZE)
  int thumbnailSize;

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
          .withCompress(new CompressOptions(OptionReader.choiceOf(CompressOptions.Mode.class, "--compress", compress)));
    } catch (AssetGridException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PipelineOptions pipeline = pipelineOptions(options);
    Pipeline.Processed processed;
    try {
      processed = Pipeline.process(in, out, thumbnail, pipeline, NativePorts.load());
    } catch (AssetGridException e) {
      err.println("process: " + in + ": " + e.code() + ": " + e.getMessage());
      return 1;
    }
    if (report != null) {
      Files.writeString(report, GltfReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(processed.toJson()));
    }
    Pipeline.Result r = processed.mesh();
    var rep = r.report();
    outw.printf("%s -> %s: %d -> %d bytes, %d -> %d triangles, %d -> %d vertices%n", in, out, r.inputBytes(), r.outputBytes(),
        rep.trianglesBefore(), rep.trianglesAfter(), rep.verticesBefore(), rep.verticesAfter());
    for (String s : rep.skipped()) {
      outw.println("  passed through: " + s);
    }
    for (TextureResult t : processed.textures()) {
      String label = TextureResult.label(t.image(), t.name());
      outw.println(t.skipped() ? "  " + label + ": kept (" + t.code() + ": " + t.reason() + ")"
          : "  " + label + ": " + t.compressed().mode() + ", " + t.compressed().bytesIn() + " -> " + t.compressed().bytesOut() + " bytes");
    }
    if (processed.thumbnail() != null) {
      outw.printf("  thumbnail: %s (%dx%d)%n", thumbnail, processed.thumbnail().width(), processed.thumbnail().height());
    }
    return 0;
  }

  /** The options of the stages around optimize-mesh; texture and thumbnail flags need their stage. */
  private PipelineOptions pipelineOptions(OptimizeMeshOptions mesh) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    boolean ktx2 = switch (textures) {
      case "ktx2" -> true;
      case "keep" -> false;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--textures must be ktx2 or keep: " + textures);
    };
    for (String flag : new String[] {"--texture-mode", "--texture-quality", "--texture-max-size", "--texture-errors",
        "--texture-fallback"}) {
      if (!ktx2 && parsed.hasMatchedOption(flag)) {
        throw new CommandLine.ParameterException(spec.commandLine(), flag + " needs --textures ktx2");
      }
    }
    if (thumbnail == null && parsed.hasMatchedOption("--thumbnail-size")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--thumbnail-size needs --thumbnail");
    }
    try {
      CompressTextureOptions tex = !ktx2 ? null : CompressTextureOptions.DEFAULTS
          .withMode(OptionReader.choiceOf(CompressTextureOptions.Mode.class, "--texture-mode", textureMode))
          .withEtc1sQuality(textureQuality)
          .withSize(textureMaxSize, CompressTextureOptions.DEFAULTS.powerOfTwo(), CompressTextureOptions.DEFAULTS.mipmaps())
          .withOnError(OptionReader.choiceOf(CompressTextureOptions.OnError.class, "--texture-errors", textureErrors));
      ThumbnailOptions thumb = thumbnail == null ? null : ThumbnailOptions.DEFAULTS.withSize(thumbnailSize);
      ConvertOptions convert = ConvertOptions.DEFAULTS.withDefaultTexture(defaultTexture);
      return new PipelineOptions(convert, mesh, tex, new AssembleOptions(textureFallback), thumb);
    } catch (AssetGridException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
