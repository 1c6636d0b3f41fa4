package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link BlobStore} on the local file system.
 *
 * <p>Layout: {@code root/<tenant>/<kind>/ab/cd/<sha256>} ({@link BlobKey#path()}), staging files in
 * {@code root/tmp}. A blob appears under its final name only by an atomic rename of a complete,
 * fsynced staging file on the same file system, so a reader never sees a partial blob and a crash
 * leaves at most a stale staging file.
 *
 * <p>Staging files left by a previous process are deleted the first time the store is used (or on
 * {@link #start()}): a root belongs to one process. Streaming writes go through {@link AsyncFile};
 * the few blocking calls (fsync, rename, directory listing) run on the worker pool.
 */
public final class LocalBlobStore implements BlobStore {
  private static final String TMP_DIR = "tmp";

  private final Vertx vertx;
  private final Path root;
  private final StagingArea staging;

  /** Does no I/O; directories are created and stale staging files removed on first use. */
  public LocalBlobStore(Vertx vertx, Path root) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.root = root.toAbsolutePath().normalize();
    this.staging = new StagingArea(vertx, this.root.resolve(TMP_DIR));
  }

  /** The store's root directory. */
  public Path root() {
    return root;
  }

  /**
   * Creates the directories and deletes stale staging files. Idempotent (runs once); every other
   * operation waits for it, so calling it is optional, but it surfaces a bad root at boot.
   */
  public Future<Void> start() {
    return staging.start(root.toString());
  }

  @Override
  public Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes) {
    return staging.stage(in, maxBytes, root.toString());
  }

  @Override
  public Future<StagedBlob> stageFrom(
      java.util.concurrent.Callable<java.io.InputStream> open, long maxBytes) {
    return staging.stageFrom(open, maxBytes);
  }

  @Override
  public Future<BlobInfo> commit(StagedBlob staged, BlobSpace space) {
    Path target = blobPath(space.key(staged.sha256()));
    return vertx
        .executeBlocking(
            () -> {
              Path source = staged.path();
              if (!Files.isRegularFile(source)) {
                throw AssetGridException.of(
                    ErrorCode.BLOB_IO_ERROR, "staged file is gone: " + source);
              }
              if (Files.exists(target)) {
                Files.deleteIfExists(source); // same bytes are already published
                return staged.info();
              }
              try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
                ch.force(true); // durable content before the name makes it visible
              }
              Files.createDirectories(target.getParent());
              try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
              } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(source);
              }
              return staged.info();
            },
            false)
        .recover(
            t -> {
              if (t instanceof AtomicMoveNotSupportedException) {
                return Future.failedFuture(
                    ioError("staging and blob directories must be on one file system", t));
              }
              return Future.failedFuture(ioError("commit of " + staged.sha256() + " failed", t));
            });
  }

  @Override
  public Future<BlobInfo> put(
      ReadStream<Buffer> in, long maxBytes, String expectedSha256, BlobSpace space) {
    return StagingArea.put(this, in, maxBytes, expectedSha256, space);
  }

  @Override
  public Future<Void> discard(StagedBlob staged) {
    return staging.discard(staged);
  }

  @Override
  public Future<Optional<BlobInfo>> stat(BlobKey key) {
    String sha256 = key.sha256();
    Path p = blobPath(key);
    return vertx
        .executeBlocking(
            () -> {
              try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                return a.isRegularFile()
                    ? Optional.of(new BlobInfo(sha256, a.size()))
                    : Optional.<BlobInfo>empty();
              } catch (NoSuchFileException e) {
                return Optional.<BlobInfo>empty();
              }
            },
            false)
        .recover(t -> Future.failedFuture(ioError("stat of " + sha256 + " failed", t)));
  }

  @Override
  public Future<ReadStream<Buffer>> open(BlobKey key) {
    return open(key, 0, -1);
  }

  @Override
  public Future<ReadStream<Buffer>> open(BlobKey key, long offset, long length) {
    String sha256 = key.sha256();
    if (offset < 0) {
      return Future.failedFuture(new IllegalArgumentException("offset < 0"));
    }
    return vertx
        .fileSystem()
        .open(
            blobPath(key).toString(),
            new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .<ReadStream<Buffer>>map(
            f -> {
              f.setReadPos(offset);
              if (length >= 0) {
                f.setReadLength(length);
              }
              return f;
            })
        .recover(
            t ->
                Future.failedFuture(
                    isNoSuchFile(t)
                        ? AssetGridException.of(ErrorCode.BLOB_NOT_FOUND, sha256)
                        : ioError("cannot open " + sha256, t)));
  }

  /** Direct-upload parts as files under {@code partsDir} (received by the coordinator). */
  @Override
  public PartUploads partUploads(Path partsDir) {
    return new LocalPartUploads(vertx, partsDir, this);
  }

  @Override
  public Optional<Path> localPath(BlobKey key) {
    return Optional.of(blobPath(key));
  }

  @Override
  public Future<Void> delete(BlobKey key) {
    String sha256 = key.sha256();
    Path p = blobPath(key);
    return vertx
        .<Void>executeBlocking(
            () -> {
              Files.deleteIfExists(p);
              return null;
            },
            false)
        .recover(t -> Future.failedFuture(ioError("cannot delete " + sha256, t)));
  }

  /** {@code root/<tenant>/<kind>/ab/cd/<sha256>} ({@link BlobKey#path()}). */
  private Path blobPath(BlobKey key) {
    return root.resolve(key.path());
  }

  @Override
  public String describe() {
    return "local " + root;
  }

  private static Throwable ioError(String what, Throwable t) {
    return StagingArea.ioError(what, t);
  }

  private static boolean isNoSuchFile(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }
}
