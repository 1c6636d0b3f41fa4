package dev.assetgrid.node.processing.validate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads the external resources (buffers, images) a .gltf refers to by relative URI. Data URIs and
 * the GLB binary chunk never go through the resolver.
 */
@FunctionalInterface
public interface ResourceResolver {

  /**
   * Returns the bytes of a resource.
   *
   * @param relativePath the URI path, percent-decoded, relative to the asset (e.g. {@code "tex/a
   *     b.png"})
   * @return the bytes, or null when the resource does not exist
   * @throws IOException when it exists but cannot be read
   */
  byte[] resolve(String relativePath) throws IOException;

  /** A resolver that finds nothing: every external URI is reported as {@code IO_ERROR}. */
  static ResourceResolver none() {
    return path -> null;
  }

  /**
   * Resolves relative paths against a directory. Paths that escape the directory (via {@code ..} or
   * absolute paths) are treated as not found, so a hostile asset cannot read other files.
   */
  static ResourceResolver directory(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    return path -> {
      Path p;
      try {
        p = root.resolve(path).normalize();
      } catch (RuntimeException e) {
        return null;
      }
      if (!p.startsWith(root) || !Files.isRegularFile(p)) {
        return null;
      }
      try {
        return Files.readAllBytes(p);
      } catch (NoSuchFileException e) {
        return null;
      }
    };
  }
}
