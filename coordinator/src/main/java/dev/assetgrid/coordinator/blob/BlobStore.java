package dev.assetgrid.coordinator.blob;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Content-addressed blob storage, per tenant and kind ({@link BlobKey}): a blob's name ends in the
 * SHA-256 of its bytes, so a blob never changes once written and putting the same bytes twice into
 * one {@link BlobSpace} stores them once. S3-shaped (stage, then publish; stat; stream; delete;
 * presigned URLs) with two implementations: {@link LocalBlobStore} (a folder, the embedded default)
 * and {@code S3BlobStore} (any S3-compatible server). Which blobs are still referenced is
 * PostgreSQL's business (the {@code blobs} table), not the store's.
 *
 * <p>All methods are non-blocking and may be called from an event loop. Failures are {@link
 * dev.assetgrid.shared.error.AssetGridException}s: {@code INVALID_REQUEST} for a malformed sha256
 * string, {@code UPLOAD_TOO_LARGE}, {@code BLOB_CHECKSUM_MISMATCH}, {@code BLOB_NOT_FOUND}, {@code
 * BLOB_IO_ERROR} (the local disk failed) and {@code STORAGE_UNAVAILABLE} (a remote store is
 * unreachable or answers 5xx: retryable, nothing was recorded).
 */
public interface BlobStore {

  /**
   * Streams {@code in} to a local staging area, computing SHA-256 and size as bytes arrive. Fails
   * with {@code UPLOAD_TOO_LARGE} as soon as more than {@code maxBytes} arrived (stops reading:
   * {@code in} is left paused; the partial file is deleted). Never buffers the whole content in
   * memory.
   *
   * <p>{@code in} is paused before this method returns, so nothing is lost while the staging file
   * opens. If the returned future fails, {@code in} is left paused (its handlers ignore anything
   * further); draining, resetting or closing it is the caller's business.
   *
   * @param maxBytes largest accepted content length in bytes, {@code >= 0}
   */
  Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes);

  /**
   * Stages the bytes of a blocking stream (a file of an import's folder, an object of another
   * bucket): {@code open} and the copy run on a worker thread, through one reused buffer; the
   * stream is closed after. {@code UPLOAD_TOO_LARGE} past {@code maxBytes}.
   */
  Future<StagedBlob> stageFrom(
      java.util.concurrent.Callable<java.io.InputStream> open, long maxBytes);

  /**
   * Publishes a staged blob as {@code space.key(staged.sha256())}, atomically (a reader never sees
   * part of it). Idempotent: if the blob already exists the staged copy is dropped and the existing
   * one kept. The staged blob is consumed either way.
   */
  Future<BlobInfo> commit(StagedBlob staged, BlobSpace space);

  /**
   * {@link #stage} + check that the content hashes to {@code expectedSha256} ({@code
   * BLOB_CHECKSUM_MISMATCH} otherwise, nothing kept) + {@link #commit}.
   *
   * @param expectedSha256 64 lowercase hex characters, or {@code null} to skip the check
   */
  Future<BlobInfo> put(
      ReadStream<Buffer> in, long maxBytes, String expectedSha256, BlobSpace space);

  /** Deletes a staged blob that will not be committed. Succeeds if it is already gone. */
  Future<Void> discard(StagedBlob staged);

  /**
   * The blob's info, or empty if there is no such blob. Its {@code sha256} is the one the store
   * computed when it keeps one (S3's SHA-256 checksum of an object PUT with one), which then may
   * differ from {@code key.sha256()}; otherwise it is {@code key.sha256()}.
   */
  Future<Optional<BlobInfo>> stat(BlobKey key);

  /**
   * A stream of the content, paused until the caller sets a handler or pipes it (Vert.x streams
   * start flowing on {@code handler}/{@code pipeTo}). Fails with {@code BLOB_NOT_FOUND} if absent.
   */
  Future<ReadStream<Buffer>> open(BlobKey key);

  /**
   * A stream of {@code length} bytes from {@code offset} (an HTTP {@code Range}); the caller checks
   * the range against the size first. Fails with {@code BLOB_NOT_FOUND} if absent.
   */
  Future<ReadStream<Buffer>> open(BlobKey key, long offset, long length);

  /**
   * Where the blob lives on this machine's disk (lets HTTP use {@code sendFile}); empty when the
   * store is not local. Does not check that the blob exists: use {@link #stat} for that.
   */
  Optional<Path> localPath(BlobKey key);

  /** Deletes a blob. Succeeds if there is no such blob (like S3's DELETE). */
  Future<Void> delete(BlobKey key);

  /**
   * A URL that lets its holder GET this one blob directly from the store until {@code ttl} has
   * passed, without credentials; empty when the store has no such URLs (the local store: bytes then
   * go through the coordinator).
   */
  default Optional<URI> presignGet(BlobKey key, Duration ttl) {
    return presignGet(key, ttl, null, null);
  }

  /**
   * As {@link #presignGet(BlobKey, Duration)}, the store answering with these {@code Content-Type}
   * and {@code Content-Disposition} headers (each when not null).
   */
  default Optional<URI> presignGet(
      BlobKey key, Duration ttl, String contentType, String contentDisposition) {
    return Optional.empty();
  }

  /**
   * A URL that lets its holder PUT exactly this blob ({@code size} bytes hashing to {@code
   * key.sha256()}) directly into the store until {@code ttl} has passed; empty when the store has
   * no such URLs.
   */
  default Optional<URI> presignPut(BlobKey key, long size, Duration ttl) {
    return Optional.empty();
  }

  /**
   * The headers a holder of a {@link #presignPut} URL must send with its PUT besides {@code
   * Content-Length} (they are signed).
   */
  default Map<String, String> presignPutHeaders(BlobKey key) {
    return Map.of();
  }

  /**
   * Where direct uploads ({@code /v1/uploads}) keep their parts until completed: S3 multipart
   * uploads, or files under {@code partsDir} on this machine for a store without them.
   */
  PartUploads partUploads(java.nio.file.Path partsDir);

  /** Lets go of clients and threads; the store is not used after. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** For logs and {@code /v1/stats}: {@code local /path} or {@code s3://bucket/prefix}. */
  String describe();
}
