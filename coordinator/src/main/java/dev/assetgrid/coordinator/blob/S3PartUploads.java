package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;

/**
 * Direct uploads into S3: one multipart upload per upload, at {@code [prefix]<tenant>/uploads/<id>}
 * (beside the tenant's blobs, so a lifecycle rule on {@code uploads/} can back up the sweeper). The
 * client PUTs parts through presigned UploadPart URLs; completing asks S3 for the parts (and their
 * ETags), completes the multipart upload, reads the object once into the staging area (SHA-256,
 * size, head), and publishing copies it inside the bucket to its content key and deletes the upload
 * object. The bytes reach the coordinator once, on that read; they never leave it again.
 */
final class S3PartUploads implements PartUploads {
  /** The largest object one CopyObject copies (S3's limit). */
  static final long MAX_COPY_BYTES = 5L << 30;

  private final S3BlobStore store;
  private final S3Options options;

  S3PartUploads(S3BlobStore store) {
    this.store = store;
    this.options = store.options();
  }

  private String objectKey(BlobSpace space, UUID id) {
    return options.prefix() + space.tenant() + "/uploads/" + id;
  }

  private String objectKey(Target t) {
    return objectKey(t.space(), t.id());
  }

  @Override
  public Future<String> begin(BlobSpace space, UUID id) {
    String key = objectKey(space, id);
    return store.blocking(
        "CreateMultipartUpload",
        () -> {
          CreateMultipartUploadRequest.Builder r =
              CreateMultipartUploadRequest.builder()
                  .bucket(options.bucket())
                  .key(key)
                  .contentType("application/octet-stream");
          if (options.sse() != null) {
            r.serverSideEncryption(options.sseAlgorithm()).ssekmsKeyId(options.sseKmsKeyId());
          }
          return store.client().createMultipartUpload(r.build()).uploadId();
        });
  }

  @Override
  public Optional<URI> presignPart(Target t, int number, Duration ttl) {
    Duration d = ttl.compareTo(S3BlobStore.MAX_PRESIGN_TTL) > 0 ? S3BlobStore.MAX_PRESIGN_TTL : ttl;
    String key = objectKey(t);
    try {
      return Optional.of(
          store
              .presigner()
              .presignUploadPart(
                  r ->
                      r.signatureDuration(d)
                          .uploadPartRequest(
                              u ->
                                  u.bucket(options.bucket())
                                      .key(key)
                                      .uploadId(t.handle())
                                      .partNumber(number)))
              .url()
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<Part> putPart(Target t, int number, ReadStream<Buffer> in, long maxBytes) {
    return Future.failedFuture(
        new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "the parts of this upload go straight to the object store, at the URLs it was given"));
  }

  @Override
  public Future<List<Part>> parts(Target t) {
    return store
        .blocking("ListParts", () -> listParts(t))
        .map(
            m -> {
              List<Part> out = new ArrayList<>(m.size());
              m.values().forEach(p -> out.add(new Part(p.partNumber(), p.size())));
              out.sort(java.util.Comparator.comparingInt(Part::number));
              return out;
            });
  }

  /** The parts S3 holds, by number (blocking); none when the upload is completed or gone. */
  private Map<Integer, software.amazon.awssdk.services.s3.model.Part> listParts(Target t) {
    Map<Integer, software.amazon.awssdk.services.s3.model.Part> out = new HashMap<>();
    Integer marker = null;
    try {
      while (true) {
        Integer from = marker;
        ListPartsResponse page =
            store
                .client()
                .listParts(
                    r -> {
                      r.bucket(options.bucket()).key(objectKey(t)).uploadId(t.handle());
                      if (from != null) {
                        r.partNumberMarker(from);
                      }
                    });
        page.parts().forEach(p -> out.put(p.partNumber(), p));
        if (!Boolean.TRUE.equals(page.isTruncated())) {
          return out;
        }
        marker = page.nextPartNumberMarker();
      }
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return out;
      }
      throw e;
    }
  }

  @Override
  public Future<StagedBlob> assemble(Target t, List<Part> parts, long maxBytes) {
    String key = objectKey(t);
    return store
        .blocking(
            "CompleteMultipartUpload",
            () -> {
              Map<Integer, software.amazon.awssdk.services.s3.model.Part> held = listParts(t);
              if (held.isEmpty() && head(key).isPresent()) {
                return null; // completed by an earlier try: the object is there
              }
              List<CompletedPart> done = new ArrayList<>(parts.size());
              for (Part p : parts) {
                var h = held.get(p.number());
                if (h == null) {
                  throw new AssetGridException(
                      ErrorCode.UPLOAD_PART_MISSING, "part " + p.number() + " is not in the store");
                }
                done.add(CompletedPart.builder().partNumber(p.number()).eTag(h.eTag()).build());
              }
              store
                  .client()
                  .completeMultipartUpload(
                      r ->
                          r.bucket(options.bucket())
                              .key(key)
                              .uploadId(t.handle())
                              .multipartUpload(m -> m.parts(done)));
              return null;
            })
        // one read of the joined object, through one reused buffer on an S3 worker thread
        .compose(
            v ->
                store.blocking(
                    "GetObject",
                    () -> {
                      try (ResponseInputStream<GetObjectResponse> body =
                          store.client().getObject(g -> g.bucket(options.bucket()).key(key))) {
                        try {
                          return store.staging().stageBlocking(body, maxBytes);
                        } catch (AssetGridException | java.io.IOException e) {
                          body.abort();
                          throw e;
                        }
                      }
                    }));
  }

  private Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(store.client().headObject(r -> r.bucket(options.bucket()).key(key)));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Future<BlobInfo> publish(Target t, StagedBlob staged) {
    String from = objectKey(t);
    String to = options.objectKey(t.space().key(staged.sha256()));
    if (staged.size() > MAX_COPY_BYTES) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UPLOAD_TOO_LARGE, ErrorCode.UPLOAD_TOO_LARGE.format(MAX_COPY_BYTES)));
    }
    return store
        .blocking(
            "CopyObject",
            () -> {
              Optional<HeadObjectResponse> there = head(to);
              if (there.isEmpty() || there.get().contentLength() != staged.size()) {
                CopyObjectRequest.Builder c =
                    CopyObjectRequest.builder()
                        .sourceBucket(options.bucket())
                        .sourceKey(from)
                        .destinationBucket(options.bucket())
                        .destinationKey(to);
                if (options.sse() != null) {
                  c.serverSideEncryption(options.sseAlgorithm()).ssekmsKeyId(options.sseKmsKeyId());
                }
                store.client().copyObject(c.build());
              }
              return null;
            })
        .compose(v -> store.staging().discard(staged).recover(x -> Future.succeededFuture()))
        .compose(v -> abort(t))
        .map(v -> staged.info());
  }

  @Override
  public Future<Void> abort(Target t) {
    String key = objectKey(t);
    return store.blocking(
        "AbortMultipartUpload",
        () -> {
          try {
            store
                .client()
                .abortMultipartUpload(
                    r -> r.bucket(options.bucket()).key(key).uploadId(t.handle()));
          } catch (AwsServiceException e) {
            if (e.statusCode() != 404) {
              throw e;
            }
          }
          try {
            store.client().deleteObject(r -> r.bucket(options.bucket()).key(key));
          } catch (AwsServiceException e) {
            if (e.statusCode() != 404) {
              throw e;
            }
          }
          return null;
        });
  }
}
