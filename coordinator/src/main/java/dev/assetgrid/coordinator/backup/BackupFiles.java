package dev.assetgrid.coordinator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The file work of backup and restore: a file appears under its final name only complete and
 * fsynced (written as {@code .name.part}, then renamed on the same file system), blobs are hashed
 * while they are copied, and the folders that received new names are fsynced at the end.
 */
final class BackupFiles {
  private static final int BUFFER = 1 << 16;

  private final Path root;

  /** Folders whose entries changed; {@link #syncFolders()} makes those entries durable. */
  private final Set<Path> touched = new LinkedHashSet<>();

  /**
   * @param root the folder everything is written below (a backup, or a data folder)
   */
  BackupFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** What a copy found. */
  record Copied(String sha256, long size) {}

  /**
   * Copies {@code from} to {@code to}, computing SHA-256 and size on the way; {@code to} appears
   * only when both equal {@code sha256} and {@code size}, otherwise nothing is left and the result
   * says what the bytes were.
   *
   * @throws java.nio.file.NoSuchFileException when {@code from} does not exist
   */
  Copied copyVerified(Path from, Path to, String sha256, long size) throws IOException {
    Path part = partOf(to);
    Files.createDirectories(to.getParent());
    MessageDigest md = sha256();
    long n = 0;
    try (InputStream in = Files.newInputStream(from);
        FileChannel ch =
            FileChannel.open(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        OutputStream out = Channels.newOutputStream(ch)) {
      byte[] buf = new byte[BUFFER];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
        out.write(buf, 0, r);
        n += r;
      }
      out.flush();
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Copied got = new Copied(HexFormat.of().formatHex(md.digest()), n);
    if (!got.sha256().equals(sha256) || got.size() != size) {
      Files.deleteIfExists(part);
      return got;
    }
    publish(part, to);
    return got;
  }

  /** Writes {@code text} as {@code to}, atomically. */
  void write(Path to, String text) throws IOException {
    Path part = partOf(to);
    Files.createDirectories(to.getParent());
    try (FileChannel ch =
        FileChannel.open(
            part,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    publish(part, to);
  }

  /** Fsyncs a file another program wrote as {@code part}, then renames it to {@code to}. */
  void publishWritten(Path part, Path to) throws IOException {
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    publish(part, to);
  }

  /** The temporary name of {@code to} while it is written: {@code .<name>.part} beside it. */
  static Path partOf(Path to) {
    return to.resolveSibling("." + to.getFileName() + ".part");
  }

  private void publish(Path part, Path to) throws IOException {
    try {
      Files.move(part, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(part, to);
    }
    touched.add(to.getParent());
  }

  /** Fsyncs every folder that got a new name, and the folders above it up to the root. */
  void syncFolders() {
    Set<Path> all = new LinkedHashSet<>();
    for (Path d : touched) {
      for (Path p = d.toAbsolutePath().normalize();
          p != null && p.startsWith(root);
          p = p.getParent()) {
        all.add(p);
      }
    }
    for (Path d : all) {
      try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException | UnsupportedOperationException ignored) {
        // not every file system (or OS) lets a folder be opened and synced
      }
    }
    touched.clear();
  }

  /** SHA-256 of a file, hex. */
  static String sha256(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[BUFFER];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** True when {@code dir} does not exist or has no entries. */
  static boolean isEmptyOrMissing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      return !ds.iterator().hasNext();
    }
  }

  /** Deletes {@code p} and everything below it; missing is fine. */
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path c : ds) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  /** An I/O failure in words, without Java's class names. */
  static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return "no such file or folder " + n.getFile();
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied on " + a.getFile();
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " already exists";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason();
    }
    return e.getMessage() == null ? "an I/O error" : e.getMessage();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
