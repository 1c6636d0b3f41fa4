package dev.assetgrid.node.processing.convert;

import dev.assetgrid.node.processing.convert.SourceScene.EmbeddedTexture;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the image a material's texture path means and returns it as PNG or JPEG bytes.
 *
 * <p>Lookup, first hit wins: {@code *N} → embedded texture N; an embedded texture whose file name
 * (or its last path segment) equals the path's; the side file at the path relative to the model
 * (backslashes read as separators, {@code ./} dropped); the side file with the path's last segment
 * as its name (so <code>D:&#92;textures&#92;wood.jpg</code> and <code>
 * ..&#92;..&#92;Desktop&#92;uv.png</code> written by other machines still find a {@code wood.jpg}
 * uploaded beside the model). Paths that leave the upload are never read. PNG and JPEG pass through
 * unchanged; other formats are decoded and re-encoded as PNG when {@link
 * ConvertOptions#convertTextures()}. Whatever cannot be found or decoded is left out with a
 * warning, and the material keeps its factors; without an image decoder (the native library did not
 * load) a texture that needs one fails the conversion with NATIVE_UNAVAILABLE instead, so that a
 * node that has the decoder can convert the model with its textures.
 */
final class TextureLoader {
  private final List<EmbeddedTexture> embedded;
  private final ResourceResolver sideFiles;
  private final ImageDecoder decoder;
  private final ConvertOptions options;
  private final List<String> warnings;
  private final Map<String, Optional<Image>> cache = new HashMap<>();

  /** A loaded image and a name for it. */
  record Image(String name, ImageData data) {}

  TextureLoader(
      List<EmbeddedTexture> embedded,
      ResourceResolver sideFiles,
      ImageDecoder decoder,
      ConvertOptions options,
      List<String> warnings) {
    this.embedded = embedded;
    this.sideFiles = sideFiles;
    this.decoder = decoder;
    this.options = options;
    this.warnings = warnings;
  }

  /** The image for {@code path}, or empty (with a warning, once per path) when there is none. */
  Optional<Image> load(String path) {
    return cache.computeIfAbsent(path, this::find);
  }

  /**
   * A stable identity for the image {@code path} resolves to (two spellings of one file share it).
   */
  private Optional<Image> find(String path) {
    String base = lastSegment(path);
    if (path.startsWith("*")) {
      int index = parseIndex(path.substring(1));
      if (index < 0 || index >= embedded.size()) {
        warnings.add("texture '" + path + "' refers to a missing embedded texture");
        return Optional.empty();
      }
      return fromEmbedded(embedded.get(index), "embedded-" + index);
    }
    for (EmbeddedTexture t : embedded) {
      if (!t.filename().isEmpty()
          && (t.filename().equals(path) || lastSegment(t.filename()).equals(base))) {
        return fromEmbedded(t, base);
      }
    }
    for (String candidate : candidates(path, base)) {
      byte[] bytes;
      try {
        bytes = sideFiles.read(candidate, options.maxSideFileBytes());
      } catch (AssetGridException refusedOrTooLarge) {
        continue;
      }
      if (bytes != null) {
        return encoded(bytes, base, guessHint(base), path);
      }
    }
    warnings.add("texture '" + path + "' was not found among the uploaded files; it is left out");
    return Optional.empty();
  }

  /** The path itself when it stays inside the upload, then its last segment. */
  private static List<String> candidates(String path, String base) {
    String p = path.startsWith("file://") ? path.substring("file://".length()) : path;
    List<String> out = new ArrayList<>(2);
    try {
      out.add(ResourceResolver.normalize(p));
    } catch (AssetGridException leavesTheUpload) {
      // absolute or with "..": only its last segment is looked up
    }
    if (!base.isEmpty() && !base.equals("..") && !base.equals(".") && !out.contains(base)) {
      out.add(base);
    }
    return out;
  }

  private Optional<Image> fromEmbedded(EmbeddedTexture t, String name) {
    if (t.rgba() != null) {
      return Optional.of(
          new Image(
              name,
              new ImageData(PngEncoder.encode(t.width(), t.height(), t.rgba()), "image/png")));
    }
    return encoded(t.encoded(), name, t.formatHint(), "embedded texture " + name);
  }

  private Optional<Image> encoded(byte[] bytes, String name, String hint, String what) {
    String mime = ImageData.sniffMimeType(bytes);
    if ("image/png".equals(mime) || "image/jpeg".equals(mime)) {
      return Optional.of(new Image(name, new ImageData(bytes, mime)));
    }
    if (!options.convertTextures()) {
      warnings.add(
          "texture '"
              + what
              + "' ("
              + (mime != null ? mime : hint)
              + ") is not PNG or JPEG; left out"
              + " (convertTextures is off)");
      return Optional.empty();
    }
    if (decoder == null) {
      throw AssetGridException.of(
          ErrorCode.NATIVE_UNAVAILABLE, "stb, to re-encode texture '" + what + "' as PNG");
    }
    try {
      ImageDecoder.Pixels px = decoder.decodeRgba(bytes, options.maxTexturePixels());
      warnings.add(
          "texture '"
              + what
              + "' ("
              + (mime != null ? mime : hint.isEmpty() ? "unknown format" : hint)
              + ") was re-encoded as PNG");
      return Optional.of(
          new Image(
              name,
              new ImageData(PngEncoder.encode(px.width(), px.height(), px.rgba()), "image/png")));
    } catch (AssetGridException e) {
      warnings.add("texture '" + what + "' cannot be decoded (" + e.getMessage() + "); left out");
      return Optional.empty();
    }
  }

  private static String guessHint(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  static String lastSegment(String path) {
    String p = path.replace('\\', '/');
    int slash = p.lastIndexOf('/');
    return slash < 0 ? p : p.substring(slash + 1);
  }

  private static int parseIndex(String s) {
    if (s.isEmpty() || s.length() > 9) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return -1;
      }
    }
    return Integer.parseInt(s);
  }
}
