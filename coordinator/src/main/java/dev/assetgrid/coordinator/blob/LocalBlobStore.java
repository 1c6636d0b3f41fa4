package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(LocalBlobStore.class);
  private static final String TMP_DIR = "tmp";
  private static final String TMP_SUFFIX = ".part";

  private final Vertx vertx;
  private final Path root;
  private final Path tmp;
  private final AtomicReference<Future<Void>> ready = new AtomicReference<>();

  /** Does no I/O; directories are created and stale staging files removed on first use. */
  public LocalBlobStore(Vertx vertx, Path root) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve(TMP_DIR);
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
    Future<Void> f = ready.get();
    if (f != null) {
      return f;
    }
    Promise<Void> p = Promise.promise();
    if (!ready.compareAndSet(null, p.future())) {
      return ready.get();
    }
    vertx
        .<Void>executeBlocking(
            () -> {
              Files.createDirectories(tmp);
              int removed = 0;
              try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
                for (Path stale : ds) {
                  if (Files.deleteIfExists(stale)) {
                    removed++;
                  }
                }
              }
              if (removed > 0) {
                LOG.info("Removed {} stale staging file(s) from {}", removed, tmp);
              }
              return null;
            },
            false)
        .recover(t -> Future.failedFuture(ioError("cannot prepare " + root, t)))
        .onComplete(p);
    return p.future();
  }

  @Override
  public Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes) {
    // Pause first: data arriving while the staging file opens must wait in the stream's queue.
    in.pause();
    if (maxBytes < 0) {
      return Future.failedFuture(new IllegalArgumentException("maxBytes < 0"));
    }
    Path file = tmp.resolve(UUID.randomUUID() + TMP_SUFFIX);
    return start()
        .compose(
            v ->
                vertx
                    .fileSystem()
                    .open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
        .recover(t -> Future.failedFuture(ioError("cannot create staging file", t)))
        .compose(af -> new Stager(in, af, file, maxBytes).run());
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
    if (expectedSha256 != null && !BlobInfo.isSha256(expectedSha256)) {
      in.pause();
      return Future.failedFuture(invalidSha(expectedSha256));
    }
    return stage(in, maxBytes)
        .compose(
            staged -> {
              if (expectedSha256 != null && !expectedSha256.equals(staged.sha256())) {
                return discard(staged)
                    .transform(
                        ignored ->
                            Future.failedFuture(
                                AssetGridException.of(
                                    ErrorCode.BLOB_CHECKSUM_MISMATCH,
                                    "expected "
                                        + expectedSha256
                                        + ", content hashes to "
                                        + staged.sha256())));
              }
              return commit(staged, space)
                  .recover(t -> discard(staged).transform(ignored -> Future.failedFuture(t)));
            });
  }

  @Override
  public Future<Void> discard(StagedBlob staged) {
    return vertx
        .<Void>executeBlocking(
            () -> {
              Files.deleteIfExists(staged.path());
              return null;
            },
            false)
        .recover(t -> Future.failedFuture(ioError("cannot delete " + staged.path(), t)));
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

  private static AssetGridException invalidSha(String s) {
    try {
      BlobInfo.requireSha256(s);
      throw new IllegalStateException("valid sha256 reported invalid");
    } catch (AssetGridException e) {
      return e;
    }
  }

  private static Throwable ioError(String what, Throwable t) {
    if (t instanceof AssetGridException) {
      return t;
    }
    return new AssetGridException(
        ErrorCode.BLOB_IO_ERROR, ErrorCode.BLOB_IO_ERROR.format(what + ": " + t), t);
  }

  private static boolean isNoSuchFile(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }

  /**
   * Copies one stream into one staging file, hashing each buffer on the way. Backpressure is manual
   * (pause on a full write queue, resume on drain) rather than {@code pipeTo}, so that the size
   * limit stops the source at the first buffer past it. All callbacks run on the caller's context.
   */
  private final class Stager {
    private final ReadStream<Buffer> in;
    private final AsyncFile file;
    private final Path path;
    private final long maxBytes;
    private final MessageDigest digest = sha256Digest();
    private final byte[] head = new byte[StagedBlob.HEAD_BYTES];
    private final Promise<StagedBlob> result = Promise.promise();
    private int headLength;
    private long size;
    private boolean done;

    Stager(ReadStream<Buffer> in, AsyncFile file, Path path, long maxBytes) {
      this.in = in;
      this.file = file;
      this.path = path;
      this.maxBytes = maxBytes;
    }

    Future<StagedBlob> run() {
      file.exceptionHandler(t -> fail(ioError("write to staging file failed", t)));
      file.drainHandler(
          v -> {
            if (!done) {
              in.resume();
            }
          });
      in.exceptionHandler(
          t ->
              fail(
                  t instanceof AssetGridException
                      ? t
                      : new AssetGridException(
                          ErrorCode.INVALID_REQUEST,
                          ErrorCode.INVALID_REQUEST.format(
                              "upload stream failed: " + t.getMessage()),
                          t)));
      in.endHandler(v -> finish());
      in.handler(this::onData);
      in.resume();
      return result.future();
    }

    private void onData(Buffer buf) {
      if (done) {
        return;
      }
      size += buf.length();
      if (size > maxBytes) {
        fail(AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, maxBytes));
        return;
      }
      byte[] bytes = buf.getBytes();
      digest.update(bytes);
      if (headLength < head.length) {
        int n = Math.min(bytes.length, head.length - headLength);
        System.arraycopy(bytes, 0, head, headLength, n);
        headLength += n;
      }
      file.write(buf).onFailure(t -> fail(ioError("write to staging file failed", t)));
      if (file.writeQueueFull()) {
        in.pause();
      }
    }

    private void finish() {
      if (done) {
        return;
      }
      done = true;
      String sha = HexFormat.of().formatHex(digest.digest());
      byte[] h = headLength == head.length ? head : java.util.Arrays.copyOf(head, headLength);
      file.close() // waits for queued writes
          .onSuccess(v -> result.tryComplete(new StagedBlob(sha, size, path, h)))
          .onFailure(
              t ->
                  deleteStaged()
                      .onComplete(
                          ignored -> result.tryFail(ioError("closing staging file failed", t))));
    }

    private void fail(Throwable t) {
      if (done) {
        return;
      }
      done = true;
      in.pause(); // stop reading; our handlers stay but ignore everything from now on
      file.close().transform(ignored -> deleteStaged()).onComplete(ignored -> result.tryFail(t));
    }

    /** Deletes the partial file before the result completes, so a failed stage leaves nothing. */
    private Future<Void> deleteStaged() {
      return vertx
          .fileSystem()
          .delete(path.toString())
          .onFailure(e -> LOG.warn("Could not delete staging file {}: {}", path, e.toString()))
          .recover(e -> Future.succeededFuture());
    }
  }
}
