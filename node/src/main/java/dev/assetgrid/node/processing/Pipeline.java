package dev.assetgrid.node.processing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.assemble.Assemble;
import dev.assetgrid.node.processing.convert.Convert;
import dev.assetgrid.node.processing.convert.ConvertReport;
import dev.assetgrid.node.processing.convert.ConvertResult;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.shared.stage.InspectOptions;
import dev.assetgrid.node.processing.inspect.InspectReport;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.optimize.OptimizeMesh;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.node.processing.optimize.OptimizeMeshReport;
import dev.assetgrid.node.processing.texture.CompressTexture;
import dev.assetgrid.node.processing.texture.TextureResult;
import dev.assetgrid.node.processing.thumbnail.Thumbnail;
import dev.assetgrid.node.processing.thumbnail.ThumbnailImage;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The local recipe, shared by the {@code process} CLI, the task handlers and the benchmark. It runs
 * the stages of the grid's job DAG ({@code JobPlanner}) in one process, through the same stage entry
 * points the handlers call:
 *
 * <pre>
 * convert? ─▶ inspect ─▶ optimize-mesh ─┬▶ (compress-texture × k ─▶ assemble)? ─▶ write GLB
 *                                       └▶ thumbnail?
 * </pre>
 * <ul>
 *   <li>convert ({@link Convert#applyFile}) only when the input is not glTF: every later stage reads glTF.</li>
 *   <li>inspect lists the images that textures use, one per texture: the same list the grid's
 *       texture fan-out expands.</li>
 *   <li>compress-texture ({@link CompressTexture#compressImage}) after optimize-mesh: mesh stages
 *       keep images and their indices, so the KTX2 files fit the optimized model, as the grid's
 *       assemble puts textures made from the converted model into {@code mesh.glb}.</li>
 *   <li>assemble ({@link Assemble#assemble}) with every KTX2; skipped images stay as they are. It
 *       runs only when textures are compressed, as in the grid, where a job without compress-texture
 *       has optimize-mesh write the final {@code optimized.glb} itself.</li>
 *   <li>thumbnail ({@link Thumbnail#render}) renders the optimized mesh written and read back, with
 *       its original textures (the rasterizer cannot decode KTX2), as the grid's thumbnail task
 *       renders optimize-mesh's GLB ({@code mesh.glb}, or {@code optimized.glb} without assemble).</li>
 * </ul>
 * Defaults live in the stages' option records. {@link #optimize} is the mesh-only part that the
 * optimize-mesh task runs. The natives come in as {@link Ports}, built by the caller; a stage whose
 * port is missing fails with NATIVE_UNAVAILABLE when the run reaches it.
 */
public final class Pipeline {
  private Pipeline() {}

  /**
   * What one optimize-mesh run did.
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
      times.put("readFile", ms(readMillis));
      times.setAll(t);
      times.put("writeGlb", ms(writeMillis));
      o.set("stageMillis", times);
      return o;
    }
  }

  /**
   * What one {@link #process} run did.
   *
   * @param mesh the optimize-mesh run (its {@code readMillis} is the read or convert time)
   * @param convert the convert report, or null when the input was glTF
   * @param textures one entry per texture image, in image order; empty when images were kept
   * @param assembled what assemble did per KTX2; empty when images were kept
   * @param thumbnail the rendered thumbnail, or null
   * @param stageMillis wall time per pipeline stage in run order ({@code read} or {@code convert},
   *     {@code inspect}, {@code optimizeMesh}, {@code compressTextures}, {@code assemble},
   *     {@code writeGlb}, {@code thumbnail}), milliseconds
   */
  public record Processed(Result mesh, ConvertReport convert, List<TextureResult> textures,
      List<Assemble.ImageChange> assembled, ThumbnailImage thumbnail, Map<String, Double> stageMillis) {
    public Processed {
      textures = List.copyOf(textures);
      assembled = List.copyOf(assembled);
      stageMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stageMillis));
    }

    /**
     * The {@code --report} JSON: the optimize-mesh report ({@code size, triangles, vertices,
     * stageMillis} of the mesh stages...), plus {@code pipelineMillis} (per pipeline stage and
     * {@code total}), {@code convert}, {@code textures} (compress-texture results), {@code assemble}
     * and {@code thumbnail} when those stages ran.
     */
    public ObjectNode toJson() {
      ObjectNode o = mesh.toJson();
      ObjectNode times = o.putObject("pipelineMillis");
      stageMillis.forEach((k, v) -> times.put(k, ms(v)));
      times.put("total", ms(stageMillis.values().stream().mapToDouble(Double::doubleValue).sum()));
      if (convert != null) {
        o.set("convert", convert.toJson());
      }
      if (stageMillis.containsKey("compressTextures")) {
        ArrayNode t = o.putArray("textures");
        textures.forEach(r -> t.add(r.toJson()));
        ArrayNode a = o.putObject("assemble").putArray("images");
        assembled.forEach(c -> a.add(c.toJson()));
      }
      if (thumbnail != null) {
        ObjectNode th = o.putObject("thumbnail");
        th.put("width", thumbnail.width()).put("height", thumbnail.height()).put("coverage", thumbnail.coverage());
        thumbnail.notes().forEach(th.putArray("notes")::add);
      }
      return o;
    }
  }

  /**
   * Runs the whole recipe on a local file: {@code in} in any format Assimp reads (side files such as
   * MTL and textures beside it) or glTF (.glb, or .gltf with its buffers and images beside it) → the
   * GLB file {@code out}, and a PNG thumbnail at {@code thumbnailPng} when {@code options.thumbnail()}
   * is set.
   *
   * <p>For a non-glTF input the side files offered to convert are the regular files in {@code in}'s
   * directory (not its subfolders); a lone image among them becomes the default texture unless
   * {@code options.convert().defaultTexture()} names one.
   *
   * @param thumbnailPng where the thumbnail goes; required when {@code options.thumbnail()} is set
   * @param ports the natives: meshoptimizer always (the mesh stages), Assimp for a non-glTF input,
   *     stb and libktx when textures are compressed
   * @throws AssetGridException with the failing stage's code; texture failures name the image;
   *     NATIVE_UNAVAILABLE when a stage the run needs has no port
   */
  public static Processed process(Path in, Path out, Path thumbnailPng, PipelineOptions options, Ports ports) {
    if (options.thumbnail() != null && thumbnailPng == null) {
      throw new IllegalArgumentException("a thumbnail needs a file to go to");
    }
    GltfReader reader = new GltfReader(ports.meshoptDecoder());
    Map<String, Double> times = new LinkedHashMap<>();
    long t = System.nanoTime();
    GltfAsset asset;
    ConvertReport convertReport = null;
    if (isGltf(in)) {
      asset = reader.read(in);
      t = lap(times, "read", t);
    } else {
      Path dir = in.toAbsolutePath().getParent();
      String name = in.getFileName().toString();
      Convert convert = new Convert(Ports.require(ports.sceneImporter(), "assimp"), ports.imageDecoder(),
          ports.meshoptDecoder());
      ConvertResult c = convert.applyFile(in, extension(name), name, dir, sideFiles(in), options.convert());
      asset = c.asset();
      convertReport = c.report();
      t = lap(times, "convert", t);
    }
    double readMillis = times.values().iterator().next();
    InspectReport inspect = Inspect.apply(asset, new InspectOptions(false, false, InspectOptions.DEFAULT_MAX_TEXTURE_ENTRIES));
    t = lap(times, "inspect", t);

    OptimizeMeshReport meshReport = OptimizeMesh.apply(asset, options.mesh(), Ports.require(ports.meshOptimizer(),
        "meshoptimizer"));
    t = lap(times, "optimizeMesh", t);

    ThumbnailImage thumbnail = null;
    if (options.thumbnail() != null) {
      // like the grid's thumbnail task: the optimized mesh as written, with its original textures
      byte[] meshGlb = GlbWriter.write(asset);
      thumbnail = Thumbnail.render(reader.read(meshGlb, ResourceResolver.none()), options.thumbnail());
      write(thumbnailPng, thumbnail.toPng());
      t = lap(times, "thumbnail", t);
    }

    List<TextureResult> textures = new ArrayList<>();
    List<Assemble.ImageChange> changes = new ArrayList<>();
    if (options.textures() != null) {
      TreeSet<Integer> images = new TreeSet<>();
      inspect.textures().forEach(ti -> {
        if (ti.image() >= 0) {
          images.add(ti.image());
        }
      });
      Map<Integer, byte[]> ktx2 = new TreeMap<>();
      CompressTexture stage = new CompressTexture(Ports.require(ports.imageDecoder(), "stb"),
          Ports.require(ports.textureEncoder(), "ktx"));
      for (int k : images) {
        TextureResult r = stage.compressImage(asset, k, null, options.textures());
        textures.add(r);
        if (!r.skipped()) {
          ktx2.put(k, r.compressed().ktx2());
        }
      }
      t = lap(times, "compressTextures", t);
      Assemble.Assembled assembled = Assemble.assemble(asset, ktx2, options.assemble());
      asset = assembled.asset();
      changes.addAll(assembled.changes());
      t = lap(times, "assemble", t);
    }

    byte[] glb = writeGlb(asset, out);
    t = lap(times, "writeGlb", t);
    Result mesh = new Result(meshReport, inputBytes(in, asset, convertReport), glb.length, readMillis, times.get("writeGlb"));

    return new Processed(mesh, convertReport, textures, changes, thumbnail, times);
  }

  /** Optimizes {@code in} into the GLB file {@code out}; {@code ports} must have meshoptimizer. */
  public static Result optimize(Path in, Path out, OptimizeMeshOptions options, Ports ports) {
    MeshOptimizer meshopt = Ports.require(ports.meshOptimizer(), "meshoptimizer");
    long t0 = System.nanoTime();
    GltfAsset asset = new GltfReader(ports.meshoptDecoder()).read(in);
    double read = (System.nanoTime() - t0) / 1e6;
    return optimize(asset, read, out, options, meshopt);
  }

  /** Optimizes an asset already read (modified in place) into the GLB file {@code out}. */
  public static Result optimize(GltfAsset asset, double readMillis, Path out, OptimizeMeshOptions options,
      MeshOptimizer meshopt) {
    OptimizeMeshReport report = OptimizeMesh.apply(asset, options, meshopt);
    long t1 = System.nanoTime();
    byte[] glb = writeGlb(asset, out);
    double write = (System.nanoTime() - t1) / 1e6;
    return new Result(report, asset.sourceBytes(), glb.length, readMillis, write);
  }

  /** Whether the pipeline reads {@code file} as glTF (no convert): a .gltf/.glb name or the GLB magic. */
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

  /** Regular files beside {@code model} (not in subfolders), by file name, without the model itself. */
  static Map<String, Path> sideFiles(Path model) {
    Path dir = model.toAbsolutePath().getParent();
    Map<String, Path> out = new TreeMap<>();
    if (dir == null) {
      return out;
    }
    Path self = model.toAbsolutePath().normalize();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile).filter(p -> !p.toAbsolutePath().normalize().equals(self))
          .forEach(p -> out.put(p.getFileName().toString(), p));
    } catch (IOException e) {
      throw new AssetGridException(ErrorCode.GLTF_RESOURCE_MISSING, "cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static long inputBytes(Path in, GltfAsset asset, ConvertReport convert) {
    if (convert == null && asset.sourceBytes() > 0) {
      return asset.sourceBytes();
    }
    try {
      return Files.size(in);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static long lap(Map<String, Double> times, String stage, long since) {
    long now = System.nanoTime();
    times.put(stage, (now - since) / 1e6);
    return now;
  }

  private static double ms(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }

  private static byte[] writeGlb(GltfAsset asset, Path out) {
    byte[] glb = GlbWriter.write(asset);
    write(out, glb);
    return glb;
  }

  private static void write(Path out, byte[] bytes) {
    try {
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      Files.write(out, bytes);
    } catch (IOException e) {
      throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
