package dev.assetgrid.coordinator.blob;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a local store written before blobs had tenants and kinds ({@code root/ab/cd/<sha256>}) to
 * today's layout ({@code root/<tenant>/<kind>/ab/cd/<sha256>}, {@link BlobKey#path()}), once, at
 * start: each old file goes to every key the {@code blobs} table names for its sha256 (a hard link
 * where the file system allows, else a copy), then the old file is removed. A file no row names is
 * left where it is, and said so. Safe to interrupt: a later start finishes the move.
 */
public final class LegacyLayout {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyLayout.class);
  private static final Pattern FAN = Pattern.compile("[0-9a-f]{2}");

  private LegacyLayout() {}

  /** Whether {@code root} still holds old-layout folders. Blocking. */
  public static boolean present(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        if (Files.isDirectory(p) && FAN.matcher(p.getFileName().toString()).matches()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Moves every old-layout file of {@code root} to its keys. Blocking; returns files moved. */
  public static int migrate(Path root, Map<String, List<BlobKey>> keys) throws IOException {
    int moved = 0;
    int orphans = 0;
    List<Path> fans = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        if (Files.isDirectory(p) && FAN.matcher(p.getFileName().toString()).matches()) {
          fans.add(p);
        }
      }
    }
    for (Path fan1 : fans) {
      try (var files = Files.walk(fan1)) {
        for (Path old : files.filter(Files::isRegularFile).toList()) {
          String sha = old.getFileName().toString();
          List<BlobKey> targets = BlobInfo.isSha256(sha) ? keys.get(sha) : null;
          if (targets == null) {
            orphans++;
            continue;
          }
          for (BlobKey k : targets) {
            Path target = root.resolve(k.path());
            if (Files.exists(target)) {
              continue;
            }
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(sha + ".migrating");
            Files.deleteIfExists(tmp);
            try {
              Files.createLink(tmp, old);
            } catch (UnsupportedOperationException | IOException e) {
              Files.copy(old, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
              Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
              Files.deleteIfExists(tmp);
            }
          }
          Files.delete(old);
          moved++;
        }
      }
    }
    // remove the old fan-out folders that are now empty
    for (Path fan1 : fans) {
      try (var dirs = Files.walk(fan1)) {
        for (Path d : dirs.sorted(java.util.Comparator.reverseOrder()).toList()) {
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            if (!ds.iterator().hasNext()) {
              Files.delete(d);
            }
          }
        }
      }
    }
    LOG.info(
        "moved {} blob(s) of {} to the per-tenant layout{}",
        moved,
        root,
        orphans == 0 ? "" : "; " + orphans + " file(s) no asset references were left in place");
    return moved;
  }
}
