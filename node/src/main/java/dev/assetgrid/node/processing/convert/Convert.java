package dev.assetgrid.node.processing.convert;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.MeshoptDecoder;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.node.processing.inspect.InspectReport;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The convert stage: a model of another format (OBJ + MTL + textures, FBX binary/ASCII, STL, PLY,
 * COLLADA, 3DS and whatever else Assimp reads) → a {@link GltfAsset} ready for {@link
 * dev.assetgrid.node.processing.gltf.GlbWriter}.
 *
 * <p>Recipe: import with a {@link SceneImporter} (triangulated, welded, Y up, top-left UVs) →
 * {@link GltfBuilder} writes nodes, indexed primitives and PBR materials ({@link MaterialMapper}),
 * with textures found by {@link TextureLoader} among the upload's side files or inside the model
 * and re-encoded as PNG when glTF cannot carry them. Side files are only read through {@code
 * sideFiles}. A glTF/GLB input is read as it is (nothing to convert).
 *
 * <p>Not converted (counted as warnings): skins and animations (the bind pose is kept), morph
 * targets (the base shape is kept), cameras and lights.
 *
 * <p>The stage gets its natives as ports: the {@link SceneImporter}, the {@link ImageDecoder} for
 * textures it re-encodes, and the {@link MeshoptDecoder} for a glTF input that is read as it is.
 * Thread-safe when its ports are.
 */
public final class Convert {
  private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,12}");
  private static final List<String> IMAGE_SUFFIXES =
      List.of(
          ".png", ".jpg", ".jpeg", ".tga", ".bmp", ".gif", ".psd", ".hdr", ".pnm", ".ppm", ".pgm");
  static final String GENERATOR = "assetgrid convert (Assimp)";

  private final SceneImporter importer;
  private final ImageDecoder imageDecoder;
  private final GltfReader gltfReader;

  /**
   * @param importer reads the other formats; not null
   * @param imageDecoder decodes textures glTF cannot carry (TGA, BMP...) to re-encode them as PNG;
   *     null when none is available: a model with such a texture then fails with NATIVE_UNAVAILABLE
   * @param meshoptDecoder decodes the {@code EXT_meshopt_compression} views of a glTF input where
   *     the pass-through needs their data; null when none is available (NATIVE_UNAVAILABLE then)
   */
  public Convert(SceneImporter importer, ImageDecoder imageDecoder, MeshoptDecoder meshoptDecoder) {
    this.importer = Objects.requireNonNull(importer, "importer");
    this.imageDecoder = imageDecoder;
    this.gltfReader = new GltfReader(meshoptDecoder);
  }

  /**
   * Converts a model file whose side files sit under {@code sideFileDir}, as the convert task and
   * the local {@code process} command do: the file is refused over {@code maxInputBytes} before it
   * is read, and when {@code options} name no default texture and exactly one side file is an image
   * ({@link #soleImage}), that image becomes the default texture (e.g. an OBJ without MTL shipped
   * with its texture; the converter warns when it uses it).
   *
   * @param sideFiles the side files offered, by relative name under {@code sideFileDir} → file
   * @throws AssetGridException as {@link #apply(byte[], String, String, ResourceResolver,
   *     ConvertOptions)}; GLTF_RESOURCE_MISSING when the model cannot be read
   */
  public ConvertResult applyFile(
      Path model,
      String formatHint,
      String fileName,
      Path sideFileDir,
      Map<String, Path> sideFiles,
      ConvertOptions options) {
    byte[] bytes = readModel(model, options.maxInputBytes());
    if (options.defaultTexture() == null) {
      String only = soleImage(sideFiles);
      if (only != null) {
        options = options.withDefaultTexture(only);
      }
    }
    return apply(bytes, formatHint, fileName, ResourceResolver.directory(sideFileDir), options);
  }

  /**
   * The bytes of {@code file}, refused (INPUT_LIMIT_EXCEEDED) over {@code maxBytes} before reading.
   */
  public static byte[] readModel(Path file, long maxBytes) {
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED, "model of " + size + " bytes exceeds " + maxBytes);
      }
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes((int) size);
      }
    } catch (NoSuchFileException e) {
      throw new AssetGridException(ErrorCode.GLTF_RESOURCE_MISSING, "no such file: " + file);
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.GLTF_RESOURCE_MISSING, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The name of the only side file that looks like an image (by name, else by its first bytes), or
   * null when there are none or several.
   */
  public static String soleImage(Map<String, Path> sideFiles) {
    List<String> images = new ArrayList<>();
    for (Map.Entry<String, Path> f : sideFiles.entrySet()) {
      String lower = f.getKey().toLowerCase(Locale.ROOT);
      boolean image = IMAGE_SUFFIXES.stream().anyMatch(lower::endsWith);
      if (!image && Files.isRegularFile(f.getValue())) {
        try (InputStream s = Files.newInputStream(f.getValue())) {
          image = ImageData.sniffMimeType(s.readNBytes(16)) != null;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (image) {
        images.add(f.getKey());
      }
    }
    return images.size() == 1 ? images.get(0) : null;
  }

  /**
   * {@link #apply(byte[], String, String, ResourceResolver, ConvertOptions)} without a file name.
   */
  public ConvertResult apply(
      byte[] bytes, String formatHint, ResourceResolver sideFiles, ConvertOptions options) {
    return apply(bytes, formatHint, null, sideFiles, options);
  }

  /**
   * Converts one model with this stage's importer and image decoder.
   *
   * @param bytes the model file
   * @param formatHint the format as a file extension ({@code obj}, {@code fbx}, {@code stl}, {@code
   *     ply}, {@code dae}, {@code 3ds}, {@code glb}...), case-insensitive, leading dot allowed;
   *     null or unusable: detected from the content
   * @param fileName the model's original file name, or null; some readers look for files named
   *     after the model (e.g. {@code model.mtl} beside {@code model.obj}); only its last segment is
   *     used
   * @param sideFiles the upload's other files, by path relative to the model
   * @throws AssetGridException UNSUPPORTED_FORMAT, DATA_ERROR, INPUT_LIMIT_EXCEEDED,
   *     NATIVE_UNAVAILABLE (see {@link SceneImporter#importScene}, and the decoders above)
   */
  public ConvertResult apply(
      byte[] bytes,
      String formatHint,
      String fileName,
      ResourceResolver sideFiles,
      ConvertOptions options) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(sideFiles, "sideFiles");
    Objects.requireNonNull(options, "options");
    if (bytes.length > options.maxInputBytes()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "model of " + bytes.length + " bytes exceeds " + options.maxInputBytes());
    }
    String ext = extension(formatHint);
    if ("glb".equals(ext) || "gltf".equals(ext) || GltfReader.isGlb(bytes)) {
      return passThrough(bytes, sideFiles);
    }
    SourceChecks.check(bytes, options);
    String name = presentedName(ext, fileName);
    long t0 = System.nanoTime();
    SourceScene scene = importer.importScene(bytes, name, sideFiles, options);
    long t1 = System.nanoTime();
    return build(
        scene,
        ext == null ? "auto" : ext,
        bytes.length,
        sideFiles,
        options,
        imageDecoder,
        (t1 - t0) / 1_000_000);
  }

  /**
   * Builds the glTF for an already imported scene (the second half of {@link #apply}); used by
   * tests with procedural scenes.
   *
   * @param decoder as the constructor's {@code imageDecoder}: null fails textures that need it
   */
  public static ConvertResult build(
      SourceScene scene,
      String format,
      long sourceBytes,
      ResourceResolver sideFiles,
      ConvertOptions options,
      ImageDecoder decoder,
      long importMillis) {
    long t0 = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, Integer> e : scene.skipped().entrySet()) {
      warnings.add("not converted: " + e.getValue() + " " + e.getKey());
    }
    warnings.addAll(scene.notes());
    long srcTriangles = 0;
    long srcLines = 0;
    long srcPoints = 0;
    long srcVertices = 0;
    for (SourceScene.Mesh m : scene.meshes()) {
      srcVertices += m.vertexCount();
      switch (m.mode()) {
        case TRIANGLES -> srcTriangles += m.primitiveCount();
        case LINES -> srcLines += m.primitiveCount();
        case POINTS -> srcPoints += m.primitiveCount();
        default -> throw new IllegalStateException();
      }
    }
    TextureLoader textures =
        new TextureLoader(scene.embeddedTextures(), sideFiles, decoder, options, warnings);
    GltfBuilder builder = new GltfBuilder(scene, options, textures, warnings, GENERATOR);
    GltfAsset asset = builder.build(sourceBytes);
    long buildMillis = (System.nanoTime() - t0) / 1_000_000;
    ConvertReport report =
        new ConvertReport(
            format,
            srcTriangles,
            srcLines,
            srcPoints,
            srcVertices,
            builder.triangles,
            builder.lines,
            builder.points,
            builder.vertices,
            builder.meshCount(),
            builder.primitiveCount(),
            builder.nodeCount(),
            builder.materialCount(),
            builder.imageCount(),
            warnings,
            importMillis,
            buildMillis);
    return new ConvertResult(asset, report);
  }

  private ConvertResult passThrough(byte[] bytes, ResourceResolver sideFiles) {
    long t0 = System.nanoTime();
    GltfAsset asset = gltfReader.read(bytes, sideFiles);
    InspectReport r = Inspect.apply(asset);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    ConvertReport report =
        new ConvertReport(
            "gltf",
            r.triangles(),
            0,
            0,
            r.vertices(),
            r.triangles(),
            0,
            0,
            r.vertices(),
            asset.count("meshes"),
            0,
            asset.count("nodes"),
            asset.count("materials"),
            asset.count("images"),
            List.of("the input is already glTF; it was read without conversion"),
            0,
            ms);
    return new ConvertResult(asset, report);
  }

  /** The normalized extension of a format hint, or null when it is unusable. */
  static String extension(String formatHint) {
    if (formatHint == null) {
      return null;
    }
    String e = formatHint.strip().toLowerCase(Locale.ROOT);
    if (e.startsWith(".")) {
      e = e.substring(1);
    }
    return EXTENSION.matcher(e).matches() ? e : null;
  }

  /**
   * The name Assimp sees: the original file name when it agrees with the format, else {@code
   * model.<ext>}.
   */
  static String presentedName(String ext, String fileName) {
    if (fileName != null) {
      String base = TextureLoader.lastSegment(fileName).strip();
      int dot = base.lastIndexOf('.');
      String own = dot > 0 ? extension(base.substring(dot + 1)) : null;
      boolean safe =
          !base.isEmpty()
              && !base.equals(".")
              && !base.equals("..")
              && base.indexOf('\0') < 0
              && base.length() <= 255;
      if (safe && own != null && (ext == null || ext.equals(own))) {
        return base;
      }
    }
    return ext == null ? "model" : "model." + ext;
  }
}
