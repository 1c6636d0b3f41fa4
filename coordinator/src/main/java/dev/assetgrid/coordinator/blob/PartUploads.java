package dev.assetgrid.coordinator.blob;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the parts of a direct upload ({@code /v1/uploads}) wait until the client completes it. With
 * S3 they are the parts of a multipart upload the client PUTs through presigned URLs; with the
 * local store they are files the coordinator receives at its own part URLs. Either way, completing
 * reads the joined bytes once (SHA-256, size, the head for the format) into the staging area, and
 * publishing puts them under their content key.
 *
 * <p>An upload is named by its {@link Target}; every method is idempotent where S3's calls are
 * (abort after abort, parts after parts).
 */
public interface PartUploads {
  /**
   * One direct upload.
   *
   * @param space the tenant's originals
   * @param id the upload's id (also names its parts)
   * @param handle what {@link #begin} returned (the S3 multipart upload id; the local folder name)
   */
  record Target(BlobSpace space, java.util.UUID id, String handle) {}

  /** A part the store holds. */
  record Part(int number, long size) {}

  /** Starts an upload; the handle to give back in {@link Target}. */
  Future<String> begin(BlobSpace space, java.util.UUID id);

  /**
   * A URL the client PUTs part {@code number} to, valid for {@code ttl}; empty when the coordinator
   * receives parts itself ({@link #putPart}).
   */
  Optional<URI> presignPart(Target t, int number, Duration ttl);

  /** Receives part {@code number} (at most {@code maxBytes}; more is {@code UPLOAD_TOO_LARGE}). */
  Future<Part> putPart(Target t, int number, ReadStream<Buffer> in, long maxBytes);

  /** The parts received so far, by number. */
  Future<List<Part>> parts(Target t);

  /**
   * Joins {@code parts} (in order) and streams the result once into the staging area of {@code
   * store}, computing its SHA-256; at most {@code maxBytes}.
   */
  Future<StagedBlob> assemble(Target t, List<Part> parts, long maxBytes);

  /**
   * Publishes the assembled bytes under {@code t.space().key(staged.sha256())} (on S3 a copy inside
   * the store, not through the coordinator), then lets go of the parts.
   */
  Future<BlobInfo> publish(Target t, StagedBlob staged);

  /** Drops the parts (and an assembled object not published). Succeeds if they are gone. */
  Future<Void> abort(Target t);
}
