package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link BlobStore} on an S3-compatible object store (AWS S3, MinIO, Ceph, R2, ...), with the AWS
 * SDK v2.
 *
 * <p>Object key = {@link S3Options#prefix()} + {@link BlobKey#path()}. Content is staged to a local
 * folder first (hashing it, as {@link LocalBlobStore} does), then {@link #commit} uploads the file:
 * one PutObject below {@link S3Options#multipartThreshold()}, a multipart upload above it. An
 * object appears under its key only when complete (S3 publishes a PUT or a completed multipart
 * upload atomically), and a failed multipart upload is aborted, so a failure never leaves part of a
 * blob under its name. A commit finds an object of the same size already there and skips the upload
 * (content addressing: same key, same bytes).
 *
 * <p>Design note. The SDK's sync client runs on a dedicated worker pool ({@value #WORKER_POOL},
 * {@value #WORKERS} threads), never on an event loop, over the JDK's {@code HttpURLConnection}
 * ({@code url-connection-client}): against s3proxy it moved 50 MiB several times faster than the
 * Apache and Netty clients (STACK-NOTES §5), and the async Netty client would bring a second Netty
 * beside Vert.x's. Reads are streamed one 64 KiB chunk at a time while the consumer asks for more
 * ({@link InputStreamReadStream}), so no object is held in memory. Checksums are sent only where
 * the API requires them ({@code WHEN_REQUIRED}: s3proxy rejects the SDK's default CRC trailers),
 * plus the SHA-256 the store already knows on each single PUT, which AWS verifies. The SDK retries
 * a failed call (standard mode: 3 attempts, backoff) before a failure reaches the caller.
 *
 * <p>Failures: the store unreachable, timing out, or answering 5xx, 403 or 429 → {@code
 * STORAGE_UNAVAILABLE} (retryable); a missing object → {@code BLOB_NOT_FOUND} on open, empty on
 * stat; a checksum the store rejects → {@code BLOB_CHECKSUM_MISMATCH}. Messages are one sentence of
 * ours; the SDK's exception is the cause.
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);

  /**
   * Name of the worker pool that runs the SDK's blocking calls (shared by stores of one Vert.x).
   */
  public static final String WORKER_POOL = "assetgrid-s3";

  /** Threads of {@link #WORKER_POOL}: concurrent calls to the store. */
  public static final int WORKERS = 16;

  /** Bytes read from the store per chunk of an {@link #open} stream. */
  static final int READ_CHUNK = 64 * 1024;

  /** Largest direct upload: its bytes are copied to their content key in one CopyObject. */
  public static final long MAX_DIRECT_UPLOAD_BYTES = S3PartUploads.MAX_COPY_BYTES;

  /** Longest TTL of a presigned URL (SigV4's limit). */
  public static final Duration MAX_PRESIGN_TTL = Duration.ofDays(7);

  private final Vertx vertx;
  private final S3Options options;
  private final StagingArea staging;
  private final AwsCredentialsProvider credentials;
  private final S3Client s3;
  private final S3Presigner presigner;
  private final WorkerExecutor workers;
  private final String where;

  /**
   * A store with credentials from the SDK's default chain. Does no I/O: {@link #start()} checks the
   * bucket.
   *
   * @param stagingDir local folder for staging files; it belongs to this store (emptied at start)
   */
  public S3BlobStore(Vertx vertx, S3Options options, Path stagingDir) {
    this(vertx, options, stagingDir, null);
  }

  /**
   * A store with the given credentials (null: the SDK's default chain). Does no I/O.
   *
   * @param stagingDir local folder for staging files; it belongs to this store (emptied at start)
   */
  public S3BlobStore(
      Vertx vertx, S3Options options, Path stagingDir, AwsCredentialsProvider credentials) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.staging = new StagingArea(vertx, stagingDir);
    this.credentials =
        credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    this.where =
        options.describe() + (options.endpoint() != null ? " at " + options.endpoint() : " on AWS");
    Region region = region(options);
    this.s3 = client(options, this.credentials);
    S3Presigner.Builder p =
        S3Presigner.builder()
            .region(region)
            .credentialsProvider(this.credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build());
    if (options.endpoint() != null) {
      p.endpointOverride(options.endpoint());
    }
    this.presigner = p.build();
    this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKERS, 10, TimeUnit.MINUTES);
  }

  /**
   * An S3 client for {@code options}' endpoint, region and addressing, with these credentials: the
   * store's own, or another bucket's (an import's source).
   */
  public static S3Client client(S3Options options, AwsCredentialsProvider credentials) {
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(options.timeout())
                    .socketTimeout(options.timeout())
                    .build())
            .region(region(options))
            .credentialsProvider(credentials)
            .forcePathStyle(options.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD));
    if (options.endpoint() != null) {
      b.endpointOverride(options.endpoint());
    }
    return b.build();
  }

  private static Region region(S3Options options) {
    if (options.region() != null) {
      return Region.of(options.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException none) {
      return Region.of(S3Options.DEFAULT_REGION);
    }
  }

  public S3Options options() {
    return options;
  }

  S3Client client() {
    return s3;
  }

  Vertx vertx() {
    return vertx;
  }

  S3Presigner presigner() {
    return presigner;
  }

  StagingArea staging() {
    return staging;
  }

  WorkerExecutor workers() {
    return workers;
  }

  String where() {
    return where;
  }

  /** Direct uploads into this bucket: S3 multipart uploads with presigned part URLs. */
  @Override
  public PartUploads partUploads(Path partsDir) {
    return new S3PartUploads(this);
  }

  /**
   * Prepares the staging folder, then checks that credentials are found and the bucket answers
   * (HeadBucket). Fails with {@code INVALID_REQUEST} for missing credentials, a missing bucket or
   * refused credentials, {@code STORAGE_UNAVAILABLE} when the store cannot be reached.
   */
  public Future<Void> start() {
    return staging
        .start(where)
        .compose(
            v ->
                workers.<Void>executeBlocking(
                    () -> {
                      try {
                        credentials.resolveCredentials();
                      } catch (SdkClientException e) {
                        throw new AssetGridException(
                            ErrorCode.INVALID_REQUEST,
                            "No S3 credentials were found: set AWS_ACCESS_KEY_ID and"
                                + " AWS_SECRET_ACCESS_KEY, or an AWS profile.",
                            e);
                      }
                      try {
                        s3.headBucket(r -> r.bucket(options.bucket()));
                      } catch (AwsServiceException e) {
                        throw startError(e);
                      }
                      return null;
                    },
                    false))
        .recover(t -> Future.failedFuture(translate("HeadBucket", t)))
        .onSuccess(v -> LOG.info("Blob store {}", where));
  }

  private AssetGridException startError(AwsServiceException e) {
    int status = e.statusCode();
    if (status == 404) {
      return new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "The S3 bucket " + options.bucket() + " does not exist" + endpointPhrase() + ".",
          e);
    }
    if (status == 401 || status == 403) {
      return new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "The object store"
              + endpointPhrase()
              + " refused these S3 credentials for bucket "
              + options.bucket()
              + " ("
              + status
              + ").",
          e);
    }
    if (status == 301 || status == 400) {
      return new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "The S3 bucket "
              + options.bucket()
              + " cannot be used with these settings ("
              + status
              + "): check --s3-region, --s3-endpoint and --s3-path-style.",
          e);
    }
    return translate("HeadBucket", e);
  }

  /** Closes the SDK client, the presigner and this store's hold on the worker pool. */
  public Future<Void> close() {
    return workers
        .<Void>executeBlocking(
            () -> {
              presigner.close();
              s3.close();
              return null;
            },
            false)
        .eventually(workers::close);
  }

  @Override
  public Future<StagedBlob> stage(ReadStream<Buffer> in, long maxBytes) {
    return staging.stage(in, maxBytes, where);
  }

  @Override
  public Future<StagedBlob> stageFrom(
      java.util.concurrent.Callable<java.io.InputStream> open, long maxBytes) {
    return staging.stageFrom(open, maxBytes);
  }

  @Override
  public Future<BlobInfo> commit(StagedBlob staged, BlobSpace space) {
    String objectKey = options.objectKey(space.key(staged.sha256()));
    return blocking(
            "HeadObject",
            () -> {
              if (!Files.isRegularFile(staged.path())) {
                throw new AssetGridException(
                    ErrorCode.BLOB_IO_ERROR, "The staged file " + staged.path() + " is gone.");
              }
              return headSize(objectKey);
            })
        .compose(
            existing -> {
              if (existing.isPresent() && existing.get() == staged.size()) {
                return Future.succeededFuture(); // same key, same size: the same bytes
              }
              return staged.size() >= options.multipartThreshold()
                  ? multipartUpload(staged, objectKey)
                  : putObject(staged, objectKey);
            })
        .compose(
            v ->
                staging
                    .discard(staged)
                    .onFailure(
                        t -> LOG.warn("Could not delete staging file {}: {}", staged.path(), t))
                    .transform(ignored -> Future.succeededFuture(staged.info())));
  }

  private Future<Void> putObject(StagedBlob staged, String objectKey) {
    return blocking(
        "PutObject",
        () -> {
          PutObjectRequest.Builder r =
              PutObjectRequest.builder()
                  .bucket(options.bucket())
                  .key(objectKey)
                  .contentLength(staged.size())
                  .contentType("application/octet-stream")
                  .checksumSHA256(base64(staged.sha256()));
          if (options.sse() != null) {
            r.serverSideEncryption(options.sseAlgorithm()).ssekmsKeyId(options.sseKmsKeyId());
          }
          s3.putObject(r.build(), RequestBody.fromFile(staged.path()));
          return null;
        });
  }

  /** Parts uploaded one after the other; any failure aborts the upload, which publishes nothing. */
  private Future<Void> multipartUpload(StagedBlob staged, String objectKey) {
    return blocking(
            "CreateMultipartUpload",
            () -> {
              CreateMultipartUploadRequest.Builder r =
                  CreateMultipartUploadRequest.builder()
                      .bucket(options.bucket())
                      .key(objectKey)
                      .contentType("application/octet-stream");
              if (options.sse() != null) {
                r.serverSideEncryption(options.sseAlgorithm()).ssekmsKeyId(options.sseKmsKeyId());
              }
              return s3.createMultipartUpload(r.build()).uploadId();
            })
        .compose(
            uploadId ->
                uploadParts(staged, objectKey, uploadId)
                    .compose(
                        parts ->
                            blocking(
                                "CompleteMultipartUpload",
                                () ->
                                    s3.completeMultipartUpload(
                                        r ->
                                            r.bucket(options.bucket())
                                                .key(objectKey)
                                                .uploadId(uploadId)
                                                .multipartUpload(m -> m.parts(parts)))))
                    .<Void>mapEmpty()
                    .recover(
                        t ->
                            abortUpload(objectKey, uploadId)
                                .transform(ignored -> Future.failedFuture(t))));
  }

  private Future<List<CompletedPart>> uploadParts(
      StagedBlob staged, String objectKey, String uploadId) {
    long partSize = options.partSize();
    int count = (int) Math.max(1, (staged.size() + partSize - 1) / partSize);
    if (count > 10_000) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UPLOAD_TOO_LARGE,
              ErrorCode.UPLOAD_TOO_LARGE.format(10_000 * partSize),
              Map.of("parts", count),
              null));
    }
    List<CompletedPart> parts = new ArrayList<>(count);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int number = i + 1;
      long offset = i * partSize;
      long length = Math.min(partSize, staged.size() - offset);
      chain =
          chain.compose(
              v ->
                  blocking(
                          "UploadPart",
                          () ->
                              s3.uploadPart(
                                      r ->
                                          r.bucket(options.bucket())
                                              .key(objectKey)
                                              .uploadId(uploadId)
                                              .partNumber(number)
                                              .contentLength(length),
                                      RequestBody.fromContentProvider(
                                          () -> slice(staged.path(), offset, length),
                                          length,
                                          "application/octet-stream"))
                                  .eTag())
                      .map(
                          etag -> {
                            parts.add(
                                CompletedPart.builder().partNumber(number).eTag(etag).build());
                            return null;
                          }));
    }
    return chain.map(v -> parts);
  }

  private Future<Void> abortUpload(String objectKey, String uploadId) {
    return blocking(
            "AbortMultipartUpload",
            () ->
                s3.abortMultipartUpload(
                    r -> r.bucket(options.bucket()).key(objectKey).uploadId(uploadId)))
        .<Void>mapEmpty()
        .onFailure(
            t ->
                LOG.warn(
                    "Could not abort the multipart upload {} of {}: {} (a bucket lifecycle rule"
                        + " for incomplete uploads removes its parts)",
                    uploadId,
                    objectKey,
                    t.getMessage()))
        .recover(t -> Future.succeededFuture());
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
    String objectKey = options.objectKey(key);
    return blocking(
        "HeadObject",
        () -> {
          Optional<HeadObjectResponse> head = head(objectKey, true);
          return head.map(h -> new BlobInfo(storedSha256(h, key.sha256()), h.contentLength()));
        });
  }

  /**
   * The object's SHA-256 as S3 computed it, when the object was PUT whole with one ({@code
   * x-amz-checksum-sha256}); {@code otherwise} when there is none (a multipart object's checksum is
   * of its parts, a store may keep none).
   */
  private static String storedSha256(HeadObjectResponse head, String otherwise) {
    String b64 = head.checksumSHA256();
    if (b64 == null || b64.contains("-")) {
      return otherwise;
    }
    try {
      byte[] raw = Base64.getDecoder().decode(b64);
      return raw.length == 32 ? HexFormat.of().formatHex(raw) : otherwise;
    } catch (IllegalArgumentException notBase64) {
      return otherwise;
    }
  }

  /** Content length of the object, empty if there is none (blocking). */
  private Optional<Long> headSize(String objectKey) {
    return head(objectKey, false).map(HeadObjectResponse::contentLength);
  }

  /** HeadObject, empty if there is no such object (blocking). */
  private Optional<HeadObjectResponse> head(String objectKey, boolean checksum) {
    try {
      return Optional.of(
          s3.headObject(
              r -> {
                r.bucket(options.bucket()).key(objectKey);
                if (checksum) {
                  r.checksumMode(ChecksumMode.ENABLED);
                }
              }));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Future<ReadStream<Buffer>> open(BlobKey key) {
    return open(key, 0, -1);
  }

  @Override
  public Future<ReadStream<Buffer>> open(BlobKey key, long offset, long length) {
    if (offset < 0) {
      return Future.failedFuture(new IllegalArgumentException("offset < 0"));
    }
    String objectKey = options.objectKey(key);
    Context context = vertx.getOrCreateContext();
    if (length == 0) {
      // S3 has no empty range: check the object exists, answer no bytes
      return stat(key)
          .compose(
              info ->
                  info.isPresent()
                      ? Future.succeededFuture(emptyStream(context))
                      : Future.failedFuture(
                          AssetGridException.of(ErrorCode.BLOB_NOT_FOUND, key.sha256())));
    }
    String range =
        length < 0
            ? (offset == 0 ? null : "bytes=" + offset + "-")
            : "bytes=" + offset + "-" + (offset + length - 1);
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(options.bucket()).key(objectKey).range(range).build();
    return blocking(
            "GetObject",
            () -> {
              try {
                return s3.getObject(request);
              } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                  throw AssetGridException.of(ErrorCode.BLOB_NOT_FOUND, key.sha256());
                }
                if (e.statusCode() == 416) {
                  throw new AssetGridException(
                      ErrorCode.RANGE_NOT_SATISFIABLE,
                      ErrorCode.RANGE_NOT_SATISFIABLE.format(range),
                      e);
                }
                throw e;
              }
            })
        .map(
            (ResponseInputStream<GetObjectResponse> body) ->
                new InputStreamReadStream(
                    context,
                    workers,
                    body,
                    READ_CHUNK,
                    body::abort,
                    t -> translate("GetObject", t)));
  }

  private ReadStream<Buffer> emptyStream(Context context) {
    return new InputStreamReadStream(
        context, workers, InputStream.nullInputStream(), READ_CHUNK, () -> {}, t -> t);
  }

  @Override
  public Optional<Path> localPath(BlobKey key) {
    return Optional.empty();
  }

  @Override
  public Future<Void> delete(BlobKey key) {
    String objectKey = options.objectKey(key);
    return blocking(
        "DeleteObject",
        () -> {
          try {
            s3.deleteObject(r -> r.bucket(options.bucket()).key(objectKey));
          } catch (AwsServiceException e) {
            if (e.statusCode() != 404) { // S3 answers 204 for a missing key; some stores 404
              throw e;
            }
          }
          return null;
        });
  }

  /**
   * A GET URL for this one object, valid for {@code ttl} (at most 7 days); the store answers with
   * the given {@code Content-Type} and {@code Content-Disposition} (each when not null).
   */
  @Override
  public Optional<URI> presignGet(
      BlobKey key, Duration ttl, String contentType, String contentDisposition) {
    checkTtl(ttl);
    String objectKey = options.objectKey(key);
    return Optional.of(
        toUri(
            presigner
                .presignGetObject(
                    r ->
                        r.signatureDuration(ttl)
                            .getObjectRequest(
                                g -> {
                                  g.bucket(options.bucket()).key(objectKey);
                                  if (contentType != null) {
                                    g.responseContentType(contentType);
                                  }
                                  if (contentDisposition != null) {
                                    g.responseContentDisposition(contentDisposition);
                                  }
                                }))
                .url()));
  }

  @Override
  public Map<String, String> presignPutHeaders(BlobKey key) {
    return checksumHeader(key.sha256());
  }

  /**
   * A PUT URL for this one object, valid for {@code ttl} (at most 7 days). The signature covers
   * {@code Content-Length: size} and {@code x-amz-checksum-sha256} (the base64 of {@code
   * key.sha256()}'s 32 bytes, {@link #checksumHeader}): the holder must send both headers, and a
   * store that checks SHA-256 checksums (AWS, MinIO) refuses other bytes. SSE headers are not
   * signed: objects written through the URL get the bucket's default encryption.
   */
  @Override
  public Optional<URI> presignPut(BlobKey key, long size, Duration ttl) {
    checkTtl(ttl);
    if (size < 0) {
      throw new IllegalArgumentException("size < 0");
    }
    String objectKey = options.objectKey(key);
    return Optional.of(
        toUri(
            presigner
                .presignPutObject(
                    r ->
                        r.signatureDuration(ttl)
                            .putObjectRequest(
                                p ->
                                    p.bucket(options.bucket())
                                        .key(objectKey)
                                        .contentLength(size)
                                        .checksumSHA256(base64(key.sha256()))))
                .url()));
  }

  /**
   * The headers a holder of a {@link #presignPut} URL sends besides {@code Content-Length}: {@code
   * x-amz-checksum-sha256} with the base64 of the blob's SHA-256.
   */
  public static Map<String, String> checksumHeader(String sha256) {
    return Map.of("x-amz-checksum-sha256", base64(BlobInfo.requireSha256(sha256)));
  }

  @Override
  public String describe() {
    return options.describe();
  }

  // --- helpers ---

  /** Runs an SDK call on the S3 worker pool; failures come back translated. */
  <T> Future<T> blocking(String operation, Callable<T> call) {
    return workers
        .executeBlocking(call, false)
        .recover(t -> Future.failedFuture(translate(operation, t)));
  }

  /** Our one-sentence exception for whatever an SDK call threw; the original is its cause. */
  AssetGridException translate(String operation, Throwable t) {
    if (t instanceof AssetGridException age) {
      return age;
    }
    Map<String, Object> details = Map.of("operation", operation);
    if (t instanceof AwsServiceException e) {
      int status = e.statusCode();
      String s3Code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
      String answer = status + (s3Code != null && !s3Code.isBlank() ? " " + s3Code : "");
      Map<String, Object> d = Map.of("operation", operation, "status", status);
      if (status >= 500 || status == 429 || status == 408) {
        return new AssetGridException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "The object store " + where + " answered " + answer + " to " + operation + ".",
            d,
            e);
      }
      if (status == 401 || status == 403) {
        return new AssetGridException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "The object store "
                + where
                + " refused "
                + operation
                + " ("
                + answer
                + "): check the S3 credentials and their permissions.",
            d,
            e);
      }
      if ("BadDigest".equals(s3Code)
          || "XAmzContentSHA256Mismatch".equals(s3Code)
          || "InvalidDigest".equals(s3Code)) {
        return new AssetGridException(
            ErrorCode.BLOB_CHECKSUM_MISMATCH,
            "The object store "
                + where
                + " received bytes that do not match their checksum ("
                + operation
                + ").",
            d,
            e);
      }
      if ("NoSuchBucket".equals(s3Code)) {
        return new AssetGridException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "The S3 bucket " + options.bucket() + " does not exist" + endpointPhrase() + ".",
            d,
            e);
      }
      return new AssetGridException(
          ErrorCode.INTERNAL_ERROR,
          "The object store " + where + " rejected " + operation + " with " + answer + ".",
          d,
          e);
    }
    if (t instanceof SdkClientException || t instanceof IOException) {
      if (isLocalFileProblem(t)) {
        return new AssetGridException(
            ErrorCode.BLOB_IO_ERROR,
            "Reading the staged file for " + operation + " failed.",
            details,
            t);
      }
      String what =
          hasCause(t, ConnectException.class)
              ? " refused the connection"
              : hasCause(t, SocketTimeoutException.class)
                  ? " did not answer within " + options.timeout().toSeconds() + " s"
                  : " cannot be reached";
      return new AssetGridException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "The object store " + where + what + " (" + operation + ").",
          details,
          t);
    }
    return new AssetGridException(
        ErrorCode.INTERNAL_ERROR, operation + " on " + where + " failed unexpectedly.", details, t);
  }

  private String endpointPhrase() {
    return options.endpoint() != null ? " at " + options.endpoint() : "";
  }

  private static boolean isLocalFileProblem(Throwable t) {
    return hasCause(t, NoSuchFileException.class) || hasCause(t, UncheckedIOException.class);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static void checkTtl(Duration ttl) {
    if (ttl == null
        || ttl.compareTo(Duration.ofSeconds(1)) < 0
        || ttl.compareTo(MAX_PRESIGN_TTL) > 0) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "A presigned URL lives 1 s to 7 days, not " + ttl + ".");
    }
  }

  private static URI toUri(java.net.URL url) {
    try {
      return url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the SDK presigned an invalid URL", e);
    }
  }

  private static String base64(String sha256Hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
  }

  /** {@code length} bytes of {@code file} from {@code offset}: one part of a multipart upload. */
  private static InputStream slice(Path file, long offset, long length) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      ch.position(offset);
      return new FilterInputStream(Channels.newInputStream(ch)) {
        private long left = length;

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = super.read();
          if (b >= 0) {
            left--;
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = super.read(buf, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
          }
          return n;
        }

        @Override
        public long skip(long n) throws IOException {
          long skipped = super.skip(Math.min(n, left));
          left -= skipped;
          return skipped;
        }

        @Override
        public int available() throws IOException {
          return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
          return false;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
