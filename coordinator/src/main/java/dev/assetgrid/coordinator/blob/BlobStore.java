package dev.assetgrid.coordinator.blob;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed blob storage: a blob's name is the SHA-256 of its bytes, so a blob never
 * changes once written and putting the same bytes twice stores them once. S3-shaped (stage, then
 * publish; stat; stream; delete) so that an S3 implementation can sit behind the same contract.
 *
 * <p>All methods are non-blocking and may be called from an event loop. Failures are {@link
 * dev.assetgrid.shared.error.AssetGridException}s: {@code INVALID_REQUEST} for a malformed sha256
 * string, {@code UPLOAD_TOO_LARGE}, {@code BLOB_CHECKSUM_MISMATCH}, {@code BLOB_NOT_FOUND}, {@code
 * BLOB_IO_ERROR}.
 */
public interface BlobStore {

  /**
   * Streams {@code in} to a staging area, computing SHA-256 and size as bytes arrive. Fails with
   * {@code UPLOAD_TOO_LARGE} as soon as more than {@code maxBytes} arrived (stops reading: {@code
   * in} is left paused; the partial file is deleted). Never buffers the whole content in memory.
   *
   * <p>{@code in} is paused before this method returns, so nothing is lost while the staging file
   * opens. If the returned future fails, {@code in} is left paused (its handlers ignore anything
   * further); draining, resetting or closing it is the caller's business.
   *
   * @param maxBytes largest accepted content length in bytes, {@code >= 0}
   */
  Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes);

  /**
   * Atomically publishes a staged blob under its sha256 (write-then-rename). Idempotent: if the
   * blob already exists the staged copy is dropped and the existing one kept. The staged blob is
   * consumed either way.
   */
  Future<BlobInfo> commit(StagedBlob staged);

  /**
   * {@link #stage} + check that the content hashes to {@code expectedSha256} ({@code
   * BLOB_CHECKSUM_MISMATCH} otherwise, nothing kept) + {@link #commit}.
   *
   * @param expectedSha256 64 lowercase hex characters, or {@code null} to skip the check
   */
  Future<BlobInfo> put(ReadStream<Buffer> in, long maxBytes, String expectedSha256);

  /** Deletes a staged blob that will not be committed. Succeeds if it is already gone. */
  Future<Void> discard(StagedBlob staged);

  /** The blob's info, or empty if there is no such blob. */
  Future<Optional<BlobInfo>> stat(String sha256);

  /**
   * A stream of the content, paused until the caller sets a handler or pipes it (Vert.x streams
   * start flowing on {@code handler}/{@code pipeTo}). Fails with {@code BLOB_NOT_FOUND} if absent.
   */
  Future<ReadStream<Buffer>> open(String sha256);

  /**
   * Where the blob would live on this machine's disk (lets HTTP use {@code sendFile}); empty when
   * the store is not local. Does not check that the blob exists: use {@link #stat} for that.
   */
  Optional<Path> localPath(String sha256);

  /** Deletes a blob. Succeeds if there is no such blob (like S3's DELETE). */
  Future<Void> delete(String sha256);
}
