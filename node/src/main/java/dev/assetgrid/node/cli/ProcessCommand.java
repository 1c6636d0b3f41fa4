package dev.assetgrid.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.NativePorts;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.worker.Handlers;
import dev.assetgrid.node.worker.PlanRunner;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.pipeline.PlannedTask;
import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.CompressOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.ConvertOptions;
import dev.assetgrid.shared.stage.InspectOptions;
import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.OptionReader;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.QuantizeOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import dev.assetgrid.shared.stage.TangentsOptions;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import dev.assetgrid.shared.state.TaskType;
import dev.assetgrid.shared.util.FileTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code process IN OUT}: a grid job on local files, like gltfpack. The flags become a pipeline
 * spec, {@link JobPlanner} plans it as it plans a job, and {@link PlanRunner} runs the plan in this
 * process through the handlers a node runs, over the natives that load here ({@link
 * NativePorts#load()}): the same stages, params and inputs as on the grid, so the GLB written here
 * is the one a job would make.
 */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Processes a model locally with the stages, in the order, a grid job runs them:",
      "convert (non-glTF input) -> optimize-mesh -> compress-texture (--textures ktx2) -> assemble; thumbnail (--thumbnail)",
      "renders the optimized mesh with its original textures.",
      "optimize-mesh: dedup, weld, tangents, simplify, LODs, vertex cache, overdraw, vertex fetch, quantization",
      "(KHR_mesh_quantization) and EXT_meshopt_compression. Materials, animations and unknown extensions are kept.",
      "Writes one self-contained GLB. Exit code 0 on success, 1 when the input cannot be processed, 2 on bad arguments."
    },
    footer = {
      "",
      "Examples:",
      "  java -jar node/target/assetgrid-node.jar process in.gltf out.glb --simplify 0.5 --report r.json",
      "  java -jar node/target/assetgrid-node.jar process spot.obj spot.glb --textures ktx2 --thumbnail spot.png"
    })
public final class ProcessCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "IN",
      description =
          "Input model: .glb, .gltf (buffers and images beside it), or any format Assimp reads (OBJ + MTL, FBX, STL, "
              + "PLY, DAE, 3DS...; side files such as MTL and textures are looked up in IN's folder).")
  Path in;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      description = "Output GLB file (parent directories are created).")
  Path out;

  @Option(
      names = "--simplify",
      paramLabel = "RATIO",
      description =
          "Keep about this fraction of triangles, in (0, 1]; 1 = off. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + SimplifyOptions.DEFAULT_RATIO)
  float simplify;

  @Option(
      names = "--simplify-error",
      paramLabel = "E",
      description =
          "Largest simplification error, relative to the mesh size (0.01 = 1%%), in [0, 1]. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + SimplifyOptions.DEFAULT_MAX_ERROR)
  float simplifyError;

  @Option(
      names = "--lock-border",
      description = "Keep open borders of each primitive in place while simplifying.")
  boolean lockBorder;

  @Option(
      names = "--lods",
      paramLabel = "N",
      description =
          "Add N levels of detail (each half the triangles of the previous) through MSFT_lod, 0..8. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + LodOptions.DEFAULT_LEVELS)
  int lods;

  @Option(
      names = "--compress",
      paramLabel = "MODE",
      description =
          "meshopt: EXT_meshopt_compression on vertex and index streams (extension required); none: plain buffers. "
              + "Default: ${DEFAULT-VALUE}.",
      defaultValue = CompressOptions.DEFAULT_MODE_NAME)
  String compress;

  @Option(
      names = "--quantize",
      negatable = true,
      defaultValue = "" + QuantizeOptions.DEFAULT_ENABLED,
      fallbackValue = "true",
      description =
          "Quantize vertex attributes (KHR_mesh_quantization): positions 14 bits, normals 8, UVs 12, colors 8. "
              + "--no-quantize keeps every attribute in its input encoding. Default: on.")
  boolean quantize;

  @Option(
      names = "--position-bits",
      paramLabel = "BITS",
      description = "Position quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + QuantizeOptions.DEFAULT_POSITION_BITS)
  int positionBits;

  @Option(
      names = "--texcoord-bits",
      paramLabel = "BITS",
      description = "UV quantization bits, 1..16. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + QuantizeOptions.DEFAULT_TEXCOORD_BITS)
  int texcoordBits;

  @Option(
      names = "--tangents",
      negatable = true,
      defaultValue = "" + TangentsOptions.DEFAULT_ENABLED,
      fallbackValue = "true",
      description =
          "Generate TANGENT for normal-mapped triangle primitives that have none (existing tangents are kept). "
              + "--no-tangents leaves primitives without tangents. Default: on.")
  boolean tangents;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write the stage report (counts, sizes, per-stage times) as JSON.")
  Path report;

  @Option(
      names = "--default-texture",
      paramLabel = "FILE",
      description =
          "Non-glTF input: base colour texture (relative to IN's folder) for materials that have UVs but no texture. "
              + "Default: the only image file in IN's folder, if there is exactly one.")
  String defaultTexture;

  @Option(
      names = "--textures",
      paramLabel = "MODE",
      description =
          "keep: images stay as they are; ktx2: compress every texture image to KTX2 (Basis Universal, "
              + "KHR_texture_basisu; ETC1S for colour, UASTC for normal and data maps). Default: ${DEFAULT-VALUE}.",
      defaultValue = "keep")
  String textures;

  @Option(
      names = "--texture-mode",
      paramLabel = "CODEC",
      description =
          "With --textures ktx2: auto (by role, see --textures), etc1s or uastc for every image. Default: ${DEFAULT-VALUE}.",
      defaultValue = CompressTextureOptions.DEFAULT_MODE_NAME)
  String textureMode;

  @Option(
      names = "--texture-quality",
      paramLabel = "Q",
      description =
          "With --textures ktx2: ETC1S quality, 1..255 (higher = better, larger). Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + CompressTextureOptions.DEFAULT_ETC1S_QUALITY)
  int textureQuality;

  @Option(
      names = "--texture-max-size",
      paramLabel = "PX",
      description =
          "With --textures ktx2: longest side of a texture in pixels, 4..16384, aspect ratio kept; 0 = no limit. "
              + "Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + CompressTextureOptions.DEFAULT_MAX_SIZE)
  int textureMaxSize;

  @Option(
      names = "--texture-errors",
      paramLabel = "POLICY",
      description =
          "With --textures ktx2, when an image cannot be compressed (corrupt, too large): fail (exit 1, naming the image) "
              + "or keep the original image. Images in formats KTX2 cannot take (WebP, GIF...) are always kept. Default: ${DEFAULT-VALUE}.",
      defaultValue = CompressTextureOptions.DEFAULT_ON_ERROR_NAME)
  String textureErrors;

  @Option(
      names = "--texture-fallback",
      description =
          "With --textures ktx2: keep each PNG/JPEG as a fallback beside its KTX2 (viewers without KHR_texture_basisu "
              + "still load the model; the file grows). Default: the KTX2 replaces the image and the extension is required.")
  boolean textureFallback;

  @Option(
      names = "--thumbnail",
      paramLabel = "FILE.png",
      description = "Render a PNG thumbnail of the output GLB (software renderer).")
  Path thumbnail;

  @Option(
      names = "--thumbnail-size",
      paramLabel = "N",
      description =
          "With --thumbnail: width and height in pixels, 16..2048. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + ThumbnailOptions.DEFAULT_SIZE)
  int thumbnailSize;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outw = spec.commandLine().getOut();
    boolean gltf = isGltf(in);
    PipelineSpec pipeline = pipeline(meshOptions(), gltf);
    String ext = extension(in.getFileName().toString());
    List<PlannedTask> plan =
        localInput(JobPlanner.plan(pipeline, gltf ? ModelFormat.GLB : formatOf(ext)), ext);
    Path work = Files.createTempDirectory("assetgrid-process-");
    PlanRunner.Run run;
    try {
      try {
        run =
            new PlanRunner(Handlers.available(NativePorts.load()))
                .run(plan, in, gltf ? Map.of() : sideFiles(in), work);
        copy(run.files().get(OutputNames.OPTIMIZED_GLB), out);
        if (thumbnail != null) {
          copy(run.files().get(OutputNames.THUMBNAIL_PNG), thumbnail);
        }
      } catch (AssetGridException e) {
        err.println("process: " + in + ": " + e.code() + ": " + e.getMessage());
        return 1;
      }
      ObjectNode r = report(run);
      if (report != null) {
        Files.writeString(
            report, GltfReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
      }
      print(outw, r);
    } finally {
      FileTrees.delete(work);
    }
    return 0;
  }

  private OptimizeMeshOptions meshOptions() {
    try {
      QuantizeOptions q =
          new QuantizeOptions(
              quantize,
              positionBits,
              QuantizeOptions.DEFAULT_NORMAL_BITS,
              texcoordBits,
              QuantizeOptions.DEFAULT_COLOR_BITS);
      return OptimizeMeshOptions.DEFAULTS
          .withTangents(TangentsOptions.DEFAULTS.withEnabled(tangents))
          .withSimplify(
              new SimplifyOptions(
                  simplify, simplifyError, lockBorder, SimplifyOptions.DEFAULT_NORMAL_WEIGHT))
          .withLods(LodOptions.DEFAULTS.withLevels(lods))
          .withQuantize(q)
          .withCompress(
              new CompressOptions(
                  OptionReader.choiceOf(CompressOptions.Mode.class, "--compress", compress)));
    } catch (AssetGridException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * The flags as the pipeline spec a client would send: optimize-mesh always; compress-texture and
   * assemble with {@code --textures ktx2}; thumbnail with {@code --thumbnail} (failing the run when
   * it cannot draw the model, where a grid job would skip it); convert's options for non-glTF
   * input; inspect without header reads (only its image list is needed here).
   */
  private PipelineSpec pipeline(OptimizeMeshOptions mesh, boolean gltf) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    boolean ktx2 =
        switch (textures) {
          case "ktx2" -> true;
          case "keep" -> false;
          default ->
              throw new CommandLine.ParameterException(
                  spec.commandLine(), "--textures must be ktx2 or keep: " + textures);
        };
    for (String flag :
        new String[] {
          "--texture-mode",
          "--texture-quality",
          "--texture-max-size",
          "--texture-errors",
          "--texture-fallback"
        }) {
      if (!ktx2 && parsed.hasMatchedOption(flag)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), flag + " needs --textures ktx2");
      }
    }
    if (thumbnail == null && parsed.hasMatchedOption("--thumbnail-size")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--thumbnail-size needs --thumbnail");
    }
    try {
      ArrayNode stages = JsonNodeFactory.instance.arrayNode();
      if (!gltf) {
        stage(
            stages,
            TaskType.CONVERT,
            ConvertOptions.DEFAULTS
                .withDefaultTexture(defaultTexture)
                .toJson()
                .put("filename", in.getFileName().toString()));
      }
      stage(
          stages,
          TaskType.INSPECT,
          new InspectOptions(false, false, InspectOptions.DEFAULT_MAX_TEXTURE_ENTRIES).toJson());
      stage(stages, TaskType.OPTIMIZE_MESH, mesh.toJson());
      if (ktx2) {
        stage(
            stages,
            TaskType.COMPRESS_TEXTURE,
            CompressTextureOptions.DEFAULTS
                .withMode(
                    OptionReader.choiceOf(
                        CompressTextureOptions.Mode.class, "--texture-mode", textureMode))
                .withEtc1sQuality(textureQuality)
                .withSize(
                    textureMaxSize,
                    CompressTextureOptions.DEFAULTS.powerOfTwo(),
                    CompressTextureOptions.DEFAULTS.mipmaps())
                .withOnError(
                    OptionReader.choiceOf(
                        CompressTextureOptions.OnError.class, "--texture-errors", textureErrors))
                .toJson());
        stage(stages, TaskType.ASSEMBLE, new AssembleOptions(textureFallback).toJson());
      }
      if (thumbnail != null) {
        stage(
            stages,
            TaskType.THUMBNAIL,
            ThumbnailOptions.DEFAULTS.withSize(thumbnailSize).toJson().put("onError", "fail"));
      }
      ObjectNode spec = JsonNodeFactory.instance.objectNode();
      spec.set("stages", stages);
      return PipelineSpec.fromJson(spec);
    } catch (AssetGridException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static void stage(ArrayNode stages, TaskType type, ObjectNode params) {
    ObjectNode s = stages.addObject().put("type", type.wire());
    s.set("params", params);
  }

  /**
   * The plan with convert told the file's own extension: Assimp reads more formats than the grid's
   * upload sniffer names ({@link ModelFormat}), and picks its reader by the extension.
   */
  private static List<PlannedTask> localInput(List<PlannedTask> plan, String ext) {
    List<PlannedTask> out = new ArrayList<>();
    for (PlannedTask t : plan) {
      if (t.type() == TaskType.CONVERT && ext != null) {
        ObjectNode p = t.params().deepCopy().put("format", ext);
        t = new PlannedTask(t.id(), t.name(), t.type(), p, t.dependsOn());
      }
      out.add(t);
    }
    return out;
  }

  /**
   * The --report JSON: optimize-mesh's result, then each stage's, and the wall time of every task.
   */
  private ObjectNode report(PlanRunner.Run run) throws IOException {
    ObjectNode r = run.first(TaskType.OPTIMIZE_MESH).orElseThrow().result().deepCopy();
    r.remove("options");
    ObjectNode size = (ObjectNode) r.path("size");
    if (run.first(TaskType.CONVERT).isPresent()) {
      size.put("before", Files.size(in));
    }
    size.put("after", Files.size(out));
    ObjectNode times = r.putObject("pipelineMillis");
    double total = 0;
    for (Map.Entry<String, Double> e : run.millis().entrySet()) {
      times.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0);
      total += e.getValue();
    }
    times.put("total", Math.round(total * 1000) / 1000.0);
    run.first(TaskType.CONVERT).ifPresent(c -> r.set("convert", c.result()));
    if (!run.all(TaskType.COMPRESS_TEXTURE).isEmpty() || run.first(TaskType.ASSEMBLE).isPresent()) {
      ArrayNode t = r.putArray("textures");
      run.all(TaskType.COMPRESS_TEXTURE).forEach(c -> t.add(c.result()));
      run.first(TaskType.ASSEMBLE).ifPresent(a -> r.set("assemble", a.result()));
    }
    run.first(TaskType.THUMBNAIL).ifPresent(th -> r.set("thumbnail", th.result()));
    return r;
  }

  private void print(PrintWriter outw, ObjectNode r) {
    outw.printf(
        "%s -> %s: %d -> %d bytes, %d -> %d triangles, %d -> %d vertices%n",
        in,
        out,
        r.path("size").path("before").asLong(),
        r.path("size").path("after").asLong(),
        r.path("triangles").path("before").asLong(),
        r.path("triangles").path("after").asLong(),
        r.path("vertices").path("before").asLong(),
        r.path("vertices").path("after").asLong());
    for (JsonNode s : r.path("skipped")) {
      outw.println("  passed through: " + s.asText());
    }
    for (JsonNode t : r.path("textures")) {
      String label =
          "image "
              + t.path("image").asInt()
              + (t.hasNonNull("name") ? " '" + t.path("name").asText() + "'" : "");
      outw.println(
          "skipped".equals(t.path("mode").asText())
              ? "  "
                  + label
                  + ": kept ("
                  + t.path("code").asText()
                  + ": "
                  + t.path("reason").asText()
                  + ")"
              : "  "
                  + label
                  + ": "
                  + t.path("mode").asText()
                  + ", "
                  + t.path("bytesIn").asLong()
                  + " -> "
                  + t.path("bytesOut").asLong()
                  + " bytes");
    }
    if (r.has("thumbnail")) {
      outw.printf(
          "  thumbnail: %s (%dx%d)%n",
          thumbnail,
          r.path("thumbnail").path("width").asInt(),
          r.path("thumbnail").path("height").asInt());
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (to.toAbsolutePath().getParent() != null) {
      Files.createDirectories(to.toAbsolutePath().getParent());
    }
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether {@code file} is read as glTF (no convert): a .gltf/.glb name or the GLB magic. */
  static boolean isGltf(Path file) {
    String ext = extension(file.getFileName().toString());
    if ("gltf".equals(ext) || "glb".equals(ext)) {
      return true;
    }
    try (var s = Files.newInputStream(file)) {
      return GltfReader.isGlb(s.readNBytes(4));
    } catch (IOException e) {
      return false; // convert reports the unreadable file
    }
  }

  /**
   * A non-glTF format for the planner: the one the extension names, or any other (convert is told
   * the extension).
   */
  private static ModelFormat formatOf(String ext) {
    for (ModelFormat f : ModelFormat.values()) {
      if (!f.isGltf() && f != ModelFormat.ZIP && f.extension().equals(ext)) {
        return f;
      }
    }
    return ModelFormat.OBJ;
  }

  /**
   * Regular files beside {@code model} (not in subfolders), by file name, without the model itself.
   */
  static Map<String, Path> sideFiles(Path model) {
    Path dir = model.toAbsolutePath().getParent();
    Map<String, Path> out = new TreeMap<>();
    if (dir == null) {
      return out;
    }
    Path self = model.toAbsolutePath().normalize();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile)
          .filter(p -> !p.toAbsolutePath().normalize().equals(self))
          .forEach(p -> out.put(p.getFileName().toString(), p));
    } catch (IOException e) {
      throw new AssetGridException(ErrorCode.GLTF_RESOURCE_MISSING, "cannot list " + dir, e);
    }
    return out;
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
