package dev.assetgrid.node.processing.gltf;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Supplies the side files (buffers, images) a {@code .gltf} refers to by relative URI. The reader
 * has already percent-decoded the URI; data URIs never reach a resolver.
 *
 * <p>Implementations must refuse paths that leave their root ({@code ../}, absolute paths) and must
 * not read more than {@code maxBytes}.
 */
@FunctionalInterface
public interface ResourceResolver {

  /**
   * The bytes of the resource at {@code path}.
   *
   * @param path a relative path with {@code /} separators, percent-decoded
   * @param maxBytes the most bytes the caller accepts
   * @return the bytes, or null when the resource does not exist
   * @throws AssetGridException INPUT_LIMIT_EXCEEDED when the resource is larger than maxBytes,
   *     GLTF_RESOURCE_MISSING when the path is not allowed or cannot be read
   */
  byte[] read(String path, long maxBytes);

  /** Resolves nothing: every external URI is missing (for GLB and self-contained .gltf). */
  static ResourceResolver none() {
    return (path, maxBytes) -> null;
  }

  /** Resolves against a map of side files keyed by relative path (e.g. the entries of a zip). */
  static ResourceResolver ofMap(Map<String, byte[]> files) {
    Map<String, byte[]> copy = Map.copyOf(files);
    return (path, maxBytes) -> {
      byte[] b = copy.get(normalize(path));
      if (b != null && b.length > maxBytes) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            "resource " + path + " has " + b.length + " bytes, limit " + maxBytes);
      }
      return b;
    };
  }

  /** Resolves against files under {@code directory}; paths escaping it are refused. */
  static ResourceResolver directory(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    return (path, maxBytes) -> {
      Path file;
      try {
        file = root.resolve(normalize(path)).normalize();
      } catch (InvalidPathException e) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING, "invalid resource path: " + path);
      }
      if (!file.startsWith(root)) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING, "resource path leaves the asset directory: " + path);
      }
      if (!Files.isRegularFile(file)) {
        return null;
      }
      try (InputStream in = Files.newInputStream(file)) {
        long size = Files.size(file);
        if (size > maxBytes) {
          throw new AssetGridException(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              "resource " + path + " has " + size + " bytes, limit " + maxBytes);
        }
        byte[] b = in.readNBytes((int) size);
        if (in.read() != -1) {
          throw new AssetGridException(
              ErrorCode.INPUT_LIMIT_EXCEEDED, "resource " + path + " grew while reading");
        }
        return b;
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING,
            "cannot read resource " + path + ": " + e.getMessage(),
            e);
      }
    };
  }

  /**
   * Normalizes a relative resource path: backslashes become slashes, {@code ./} segments go away;
   * {@code ..} and absolute paths are refused.
   */
  static String normalize(String path) {
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
      throw new AssetGridException(
          ErrorCode.GLTF_RESOURCE_MISSING, "absolute resource paths are not allowed: " + path);
    }
    StringBuilder out = new StringBuilder();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING, "resource path leaves the asset directory: " + path);
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(seg);
    }
    if (out.length() == 0) {
      throw new AssetGridException(ErrorCode.GLTF_RESOURCE_MISSING, "empty resource path");
    }
    return out.toString();
  }
}
