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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local folder of staging files, the first half of every {@link BlobStore}: {@link #stage}
 * streams content into {@code <dir>/<uuid>.part}, hashing it on the way; the store then publishes
 * the file (a rename on disk, an upload to S3) or {@link #discard}s it.
 *
 * <p>A staging folder belongs to one process: {@link #start()} deletes whatever a previous process
 * left in it. Streaming writes go through {@link AsyncFile}; the few blocking calls (directory
 * listing, deletes) run on the worker pool.
 */
final class StagingArea {
  private static final Logger LOG = LoggerFactory.getLogger(StagingArea.class);
  static final String SUFFIX = ".part";

  private final Vertx vertx;
  private final Path dir;
  private final AtomicReference<Future<Void>> ready = new AtomicReference<>();

  /** Does no I/O; the folder is created and emptied by {@link #start()}. */
  StagingArea(Vertx vertx, Path dir) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path dir() {
    return dir;
  }

  /**
   * Creates the folder and deletes stale staging files. Idempotent (runs once); {@link #stage}
   * waits for it.
   *
   * @param what how a failure names the store ({@code "cannot prepare " + what})
   */
  Future<Void> start(String what) {
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
              Files.createDirectories(dir);
              int removed = 0;
              try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path stale : ds) {
                  if (Files.deleteIfExists(stale)) {
                    removed++;
                  }
                }
              }
              if (removed > 0) {
                LOG.info("Removed {} stale staging file(s) from {}", removed, dir);
              }
              return null;
            },
            false)
        .recover(t -> Future.failedFuture(ioError("cannot prepare " + what, t)))
        .onComplete(p);
    return p.future();
  }

  /** {@link BlobStore#stage}, into this folder. */
  Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes, String what) {
    // Pause first: data arriving while the staging file opens must wait in the stream's queue.
    in.pause();
    if (maxBytes < 0) {
      return Future.failedFuture(new IllegalArgumentException("maxBytes < 0"));
    }
    Path file = dir.resolve(UUID.randomUUID() + SUFFIX);
    return start(what)
        .compose(
            v ->
                vertx
                    .fileSystem()
                    .open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
        .recover(t -> Future.failedFuture(ioError("cannot create staging file", t)))
        .compose(af -> new Stager(in, af, file, maxBytes).run());
  }

  /**
   * Copies {@code in} to its end into a new staging file, computing SHA-256, size and head on the
   * way, through one reused buffer: a store reading a big object of its own (a direct upload's
   * joined parts) allocates nothing per chunk, so the coordinator's heap does not grow with the
   * object. Blocking: call on a worker thread, after {@link #start}. {@code UPLOAD_TOO_LARGE} past
   * {@code maxBytes}; the file is deleted on any failure. Does not close {@code in}.
   */
  /** {@link #stageBlocking} of the stream {@code open} gives, on a worker thread; closes it. */
  Future<StagedBlob> stageFrom(
      java.util.concurrent.Callable<java.io.InputStream> open, long maxBytes) {
    return start(dir.toString())
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> {
                      try (java.io.InputStream in = open.call()) {
                        return stageBlocking(in, maxBytes);
                      }
                    },
                    false));
  }

  StagedBlob stageBlocking(java.io.InputStream in, long maxBytes) throws java.io.IOException {
    Path file = dir.resolve(UUID.randomUUID() + SUFFIX);
    MessageDigest md = sha256Digest();
    byte[] buf = new byte[1 << 20];
    byte[] head = new byte[StagedBlob.HEAD_BYTES];
    int headLength = 0;
    long size = 0;
    boolean ok = false;
    try (java.nio.channels.FileChannel out =
        java.nio.channels.FileChannel.open(
            file,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (n == 0) {
          continue;
        }
        size += n;
        if (size > maxBytes) {
          throw AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, maxBytes);
        }
        md.update(buf, 0, n);
        if (headLength < head.length) {
          int k = Math.min(n, head.length - headLength);
          System.arraycopy(buf, 0, head, headLength, k);
          headLength += k;
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          out.write(bb);
        }
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(file);
      }
    }
    return new StagedBlob(
        HexFormat.of().formatHex(md.digest()), size, file, Arrays.copyOf(head, headLength));
  }

  /** {@link BlobStore#discard}: deletes the staging file; succeeds if it is already gone. */
  Future<Void> discard(StagedBlob staged) {
    return vertx
        .<Void>executeBlocking(
            () -> {
              Files.deleteIfExists(staged.path());
              return null;
            },
            false)
        .recover(t -> Future.failedFuture(ioError("cannot delete " + staged.path(), t)));
  }

  /** Number of staging files (blocking: call on a worker thread). For tests and stats. */
  long countBlocking() throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  /**
   * {@link BlobStore#put}: stage, check the digest (BLOB_CHECKSUM_MISMATCH, nothing kept), commit;
   * a failed commit discards the staged file.
   */
  static Future<BlobInfo> put(
      BlobStore store,
      ReadStream<Buffer> in,
      long maxBytes,
      String expectedSha256,
      BlobSpace space) {
    if (expectedSha256 != null && !BlobInfo.isSha256(expectedSha256)) {
      in.pause();
      return Future.failedFuture(invalidSha(expectedSha256));
    }
    return store
        .stage(in, maxBytes)
        .compose(
            staged -> {
              if (expectedSha256 != null && !expectedSha256.equals(staged.sha256())) {
                return store
                    .discard(staged)
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
              return store
                  .commit(staged, space)
                  .recover(t -> store.discard(staged).transform(ignored -> Future.failedFuture(t)));
            });
  }

  private static AssetGridException invalidSha(String s) {
    try {
      BlobInfo.requireSha256(s);
      throw new IllegalStateException("valid sha256 reported invalid");
    } catch (AssetGridException e) {
      return e;
    }
  }

  /** BLOB_IO_ERROR for a local disk failure; an {@link AssetGridException} passes unchanged. */
  static Throwable ioError(String what, Throwable t) {
    if (t instanceof AssetGridException) {
      return t;
    }
    return new AssetGridException(
        ErrorCode.BLOB_IO_ERROR, ErrorCode.BLOB_IO_ERROR.format(what + ": " + t), t);
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
      byte[] h = headLength == head.length ? head : Arrays.copyOf(head, headLength);
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
