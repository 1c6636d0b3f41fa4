package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of the coordinator's machine, inside one of the operator's {@code --import-root}
 * folders. Symbolic links are never followed (neither while listing nor when opening), and every
 * path is checked to stay inside the folder after normalisation, so neither {@code ..} nor a link
 * leads out of it.
 */
public final class DirectorySource extends StreamSource {
  private final Path dir;

  private DirectorySource(Path dir, BlobStore blobs) {
    super(blobs);
    this.dir = dir;
  }

  /**
   * The folder {@code path} names, when it lies inside one of {@code roots} (all real paths).
   *
   * @throws AssetGridException FORBIDDEN when it does not, or no root is configured; NOT_FOUND when
   *     it is not a folder
   */
  public static Path confine(String path, List<Path> roots) {
    if (roots.isEmpty()) {
      throw new AssetGridException(
          ErrorCode.FORBIDDEN,
          "folder imports are off: start the coordinator with --import-root FOLDER to allow"
              + " folders under it");
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (RuntimeException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "not a path: " + path);
    }
    if (!p.isAbsolute()) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "directory must be an absolute path, not " + path);
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new AssetGridException(ErrorCode.NOT_FOUND, "folder " + path);
    }
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new AssetGridException(ErrorCode.NOT_FOUND, "folder " + path);
    }
    for (Path root : roots) {
      if (real.startsWith(root)) {
        return real;
      }
    }
    throw new AssetGridException(
        ErrorCode.FORBIDDEN,
        path + " is not inside an import root (--import-root) of this coordinator");
  }

  /** The source over {@code dir}, a real path {@link #confine} returned. */
  public static DirectorySource of(Path dir, BlobStore blobs) {
    return new DirectorySource(dir, blobs);
  }

  @Override
  public List<Entry> list(int max) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) { // Files.walk does not follow links by default
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
          continue; // folders, links, devices
        }
        if (out.size() == max) {
          throw new AssetGridException(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              "the folder holds more than " + max + " files (--import-max-files)");
        }
        String name = dir.relativize(p).toString().replace('\\', '/');
        out.add(new Entry(name, name, a.size()));
      }
    }
    return out;
  }

  @Override
  InputStream open(String ref) throws IOException {
    Path p = dir.resolve(ref).normalize();
    if (!p.startsWith(dir)) {
      throw new AssetGridException(ErrorCode.FORBIDDEN, ref + " is outside the imported folder");
    }
    for (Path q = p; q != null && q.startsWith(dir) && !q.equals(dir); q = q.getParent()) {
      if (Files.isSymbolicLink(q)) {
        throw new AssetGridException(
            ErrorCode.FORBIDDEN, ref + " goes through a symbolic link, which imports never follow");
      }
    }
    return Files.newInputStream(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }
}
