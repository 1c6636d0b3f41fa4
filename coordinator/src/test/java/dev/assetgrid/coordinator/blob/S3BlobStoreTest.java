package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The blob-store contract against a real S3 server (s3proxy in this JVM, {@link TestS3}), then what
 * only S3 has: presigned URLs, ranges over HTTP, multipart uploads, and the store failing (stopped,
 * answering 500/503, hanging) through a fault injector in front of it ({@link S3FaultInjector}).
 *
 * <p>One server for the class; each test gets its own key prefix, so counts see only its blobs.
 */
class S3BlobStoreTest extends BlobStoreContract {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStoreTest.class);
  private static Path serverDir;
  private static TestS3 s3;

  private S3Options options;
  private Path staging;
  private final List<S3BlobStore> stores = new ArrayList<>();
  private final List<S3FaultInjector> injectors = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    serverDir = Files.createTempDirectory("assetgrid-s3proxy");
    long t0 = System.nanoTime();
    s3 = TestS3.start(serverDir);
    LOG.info("s3proxy started in {} ms at {}", (System.nanoTime() - t0) / 1_000_000, s3.endpoint());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (serverDir != null) {
      try (var files = Files.walk(serverDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  protected Future<BlobStore> createStore(Vertx vertx, Path scratch) {
    options = s3.options().withPrefix("t-" + UUID.randomUUID().toString().substring(0, 8));
    staging = scratch.resolve("staging");
    S3BlobStore store = newStore(options);
    return store.start().map(v -> store);
  }

  private S3BlobStore newStore(S3Options o) {
    S3BlobStore s = new S3BlobStore(vertx, o, staging, s3.credentials());
    stores.add(s);
    return s;
  }

  @AfterEach
  void closeStores(VertxTestContext ctx) {
    List<Future<Void>> closing = new ArrayList<>();
    stores.forEach(s -> closing.add(s.close()));
    injectors.forEach(i -> closing.add(i.close()));
    Future.join(closing).onComplete(ar -> ctx.completeNow());
  }

  /** Staging files on local disk plus multipart uploads begun and not completed. */
  @Override
  protected Future<Long> stagingCount() {
    return vertx.executeBlocking(
        () -> {
          long files = 0;
          if (Files.isDirectory(staging)) {
            try (var list = Files.list(staging)) {
              files = list.count();
            }
          }
          return files + s3.pendingUploads(options.prefix());
        });
  }

  @Override
  protected Future<Long> blobCount() {
    return vertx.executeBlocking(() -> s3.objectCount(options.prefix()));
  }

  // --- keys and description ---

  @Test
  void objectKeyIsPrefixPlusBlobPath(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(100, 30);
    String sha = sha256(content);

    put(content, 1000, sha)
        .compose(
            info ->
                vertx.executeBlocking(
                    () ->
                        s3.client()
                            .headObject(
                                r -> r.bucket(s3.bucket()).key(options.prefix() + key(sha).path()))
                            .contentLength()))
        .compose(
            size ->
                verified(
                    ctx,
                    () -> {
                      assertThat(size).isEqualTo(100);
                      assertThat(options.prefix()).startsWith("t-").endsWith("/");
                      assertThat(store.describe())
                          .isEqualTo("s3://" + s3.bucket() + "/" + options.prefix());
                      assertThat(store.localPath(key(sha))).isEmpty();
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- ranges and streaming ---

  @Test
  void rangesReadExactlyTheirBytes(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(300_000, 31); // several read chunks
    String sha = sha256(content);
    String absent = sha256(bytes(9, 32));

    put(content, 1 << 20, sha)
        .compose(info -> readRange(sha, 70_000, 150_000))
        .compose(
            r ->
                verified(
                    ctx,
                    () -> assertThat(r).isEqualTo(Arrays.copyOfRange(content, 70_000, 220_000))))
        .compose(v -> readRange(sha, 299_990, -1))
        .compose(
            r ->
                verified(
                    ctx,
                    () -> assertThat(r).isEqualTo(Arrays.copyOfRange(content, 299_990, 300_000))))
        .compose(v -> readRange(sha, 5, 0))
        .compose(r -> verified(ctx, () -> assertThat(r).isEmpty()))
        .compose(v -> readRange(sha, 0, 1))
        .compose(r -> verified(ctx, () -> assertThat(r).containsExactly(content[0])))
        .compose(v -> codeOf(onContext(() -> store.open(key(absent), 0, 10))))
        .compose(code -> verified(ctx, () -> assertThat(code).isEqualTo(ErrorCode.BLOB_NOT_FOUND)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPausedStreamReadsNoFurther(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(2 << 20, 33);
    String sha = sha256(content);
    AtomicInteger chunks = new AtomicInteger();

    put(content, 4 << 20, sha)
        .compose(info -> onContext(() -> store.open(key(sha))))
        .compose(
            rs -> {
              Promise<Integer> afterPause = Promise.promise();
              rs.handler(
                  b -> {
                    chunks.incrementAndGet();
                    rs.pause();
                    vertx.setTimer(300, t -> afterPause.tryComplete(chunks.get()));
                  });
              return afterPause
                  .future()
                  .compose(
                      n -> {
                        // one chunk in, nothing while paused; then the rest on demand
                        Promise<Long> total = Promise.promise();
                        long[] bytes = {S3BlobStore.READ_CHUNK};
                        rs.handler(b -> bytes[0] += b.length());
                        rs.endHandler(v -> total.complete(bytes[0]));
                        rs.exceptionHandler(total::tryFail);
                        rs.resume();
                        return verified(ctx, () -> assertThat(n).isEqualTo(1))
                            .compose(v -> total.future());
                      });
            })
        .compose(total -> verified(ctx, () -> assertThat(total).isEqualTo(content.length)))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- multipart ---

  @Test
  void twentyMebibytesGoInPartsBelowALoweredThreshold(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(20 << 20, 34);
    String sha = sha256(content);

    withInjector(
            (injector, parts) -> {
              long t0 = System.nanoTime();
              return onContext(() -> parts.put(source(content), 32 << 20, sha, SPACE))
                  .compose(
                      info -> {
                        long put = (System.nanoTime() - t0) / 1_000_000;
                        long t1 = System.nanoTime();
                        return readAll(sha)
                            .map(
                                read -> {
                                  LOG.info(
                                      "20 MiB: multipart put {} ms, get {} ms",
                                      put,
                                      (System.nanoTime() - t1) / 1_000_000);
                                  return read;
                                });
                      })
                  .compose(
                      read ->
                          verified(
                              ctx,
                              () -> {
                                assertThat(read).isEqualTo(content);
                                assertThat(
                                        injector.seen().stream()
                                            .filter(s -> s.method().equals("PUT"))
                                            .filter(s -> s.uri().contains("partNumber="))
                                            .count())
                                    .isEqualTo(3); // 8 + 8 + 4 MiB
                              }));
            },
            o -> o.withMultipart(8 << 20, 8 << 20))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aFailedMultipartUploadIsAbortedAndPublishesNothing(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(17 << 20, 35);
    String sha = sha256(content);

    withInjector(
            (injector, parts) -> {
              injector.failWhen(r -> r.uri().contains("partNumber=2"), 503);
              LOG.info("multipart with part 2 failing");
              return codeOf(onContext(() -> parts.put(source(content), 32 << 20, sha, SPACE)))
                  .compose(
                      code ->
                          verified(
                              ctx,
                              () -> assertThat(code).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE)));
            },
            o -> o.withMultipart(8 << 20, 8 << 20).withTimeout(Duration.ofSeconds(5)))
        .compose(v -> store.stat(key(sha)))
        .compose(stat -> verified(ctx, () -> assertThat(stat).isEmpty()))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> stagingCount()) // no staging file, no pending upload
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void encryptionIsAskedForOnEveryWrite(VertxTestContext ctx) throws Exception {
    byte[] small = bytes(1000, 36);
    byte[] large = bytes(9 << 20, 37);

    withInjector(
            (injector, sse) ->
                onContext(() -> sse.put(source(small), 16 << 20, null, SPACE))
                    .compose(v -> onContext(() -> sse.put(source(large), 16 << 20, null, SPACE)))
                    .compose(
                        v ->
                            verified(
                                ctx,
                                () -> {
                                  var writes =
                                      injector.seen().stream()
                                          .filter(
                                              s ->
                                                  s.method().equals("PUT")
                                                          && !s.uri().contains("partNumber=")
                                                      || s.method().equals("POST")
                                                          && s.uri().endsWith("?uploads"))
                                          .toList();
                                  assertThat(writes).hasSize(2);
                                  for (var w : writes) {
                                    assertThat(w.headers().get("x-amz-server-side-encryption"))
                                        .as(w.uri())
                                        .isEqualTo("aws:kms");
                                    assertThat(
                                            w.headers()
                                                .get("x-amz-server-side-encryption-aws-kms-key-id"))
                                        .isEqualTo("alias/grid");
                                  }
                                })),
            o -> o.withSse("aws:kms:alias/grid").withMultipart(8 << 20, 8 << 20))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- presigned URLs ---

  @Test
  void presignedUrlsWorkWithAPlainHttpClient(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(50_000, 38);
    String sha = sha256(content);
    BlobKey key = key(sha);
    URI put = store.presignPut(key, content.length, Duration.ofMinutes(5)).orElseThrow();
    URI get = store.presignGet(key, Duration.ofMinutes(5)).orElseThrow();

    vertx
        .executeBlocking(() -> send(httpPut(put, content, sha)).statusCode())
        .compose(status -> verified(ctx, () -> assertThat(status).isEqualTo(200)))
        .compose(v -> store.stat(key))
        .compose(
            stat ->
                verified(ctx, () -> assertThat(stat).contains(new BlobInfo(sha, content.length))))
        .compose(
            v -> vertx.executeBlocking(() -> sendForBytes(HttpRequest.newBuilder(get).build())))
        .compose(
            r ->
                verified(
                    ctx,
                    () -> {
                      assertThat(r.statusCode()).isEqualTo(200);
                      assertThat(r.body()).isEqualTo(content);
                    }))
        .compose(v -> readAll(sha))
        .compose(read -> verified(ctx, () -> assertThat(read).isEqualTo(content)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPresignedPutWritesOnlyItsOwnKeyAndSize(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(1000, 39);
    String sha = sha256(content);
    byte[] other = bytes(1000, 40);
    String otherSha = sha256(other);
    URI put = store.presignPut(key(sha), content.length, Duration.ofMinutes(5)).orElseThrow();
    URI elsewhere =
        URI.create(put.toString().replace(sha, otherSha)); // same signature, another object
    byte[] longer = Arrays.copyOf(content, content.length + 1);

    vertx
        .executeBlocking(
            () ->
                List.of(
                    send(httpPut(elsewhere, other, otherSha)).statusCode(),
                    send(httpPut(put, longer, sha)).statusCode(),
                    send(HttpRequest.newBuilder(put)
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                            .build())
                        .statusCode()))
        .compose(
            statuses ->
                verified(
                    ctx, () -> assertThat(statuses).allSatisfy(s -> assertThat(s).isEqualTo(403))))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void presignedUrlsExpire(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(1000, 41);
    String sha = sha256(content);

    put(content, 10_000, sha)
        .compose(
            info -> {
              URI get = store.presignGet(key(sha), Duration.ofSeconds(1)).orElseThrow();
              URI put =
                  store.presignPut(key(sha), content.length, Duration.ofSeconds(1)).orElseThrow();
              return vertx.executeBlocking(
                  () -> {
                    int fresh = sendForBytes(HttpRequest.newBuilder(get).build()).statusCode();
                    Thread.sleep(2100);
                    return List.of(
                        fresh,
                        sendForBytes(HttpRequest.newBuilder(get).build()).statusCode(),
                        send(httpPut(put, content, sha)).statusCode());
                  });
            })
        .compose(
            statuses -> verified(ctx, () -> assertThat(statuses).containsExactly(200, 403, 403)))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- the store failing ---

  @Test
  void aStoppedStoreIsUnavailableUntilItIsBack(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(5000, 42);
    String sha = sha256(content);

    withInjector(
            (injector, flaky) ->
                onContext(() -> flaky.put(source(content), 10_000, sha, SPACE))
                    .compose(v -> injector.stop())
                    .compose(v -> failures(flaky, sha, content))
                    .compose(
                        codes ->
                            verified(
                                ctx,
                                () ->
                                    assertThat(codes)
                                        .containsOnly(ErrorCode.STORAGE_UNAVAILABLE)
                                        .hasSize(4)))
                    .compose(v -> stagingCount())
                    .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
                    .compose(v -> injector.restart())
                    .compose(v -> worksAgain(ctx, flaky, sha, content)),
            o -> o)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void answers500And503AreUnavailableUntilTheFaultClears(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(5000, 43);
    String sha = sha256(content);

    withInjector(
            (injector, flaky) ->
                onContext(() -> flaky.put(source(content), 10_000, sha, SPACE))
                    .compose(
                        v -> {
                          injector.failAll(503);
                          return failures(flaky, sha, content);
                        })
                    .compose(
                        codes ->
                            verified(
                                ctx,
                                () ->
                                    assertThat(codes)
                                        .containsOnly(ErrorCode.STORAGE_UNAVAILABLE)
                                        .hasSize(4)))
                    .compose(
                        v -> {
                          injector.failAll(500);
                          return codeOf(flaky.stat(key(sha)));
                        })
                    .compose(
                        code ->
                            verified(
                                ctx,
                                () -> assertThat(code).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE)))
                    .compose(
                        v ->
                            onContext(() -> flaky.stat(key(sha)))
                                .transform(Future::succeededFuture))
                    .compose(
                        ar ->
                            verified(
                                ctx,
                                () -> {
                                  AssetGridException e = (AssetGridException) ar.cause();
                                  assertThat(e.retryable()).isTrue();
                                  assertThat(e.getMessage())
                                      .startsWith("The object store s3://")
                                      .contains("answered 500")
                                      .doesNotContain("Exception")
                                      .doesNotContain("Status Code");
                                  assertThat(e.getCause()).isNotNull();
                                }))
                    .compose(v -> stagingCount())
                    .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
                    .compose(
                        v -> {
                          injector.clear();
                          return worksAgain(ctx, flaky, sha, content);
                        }),
            o -> o)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStoreThatDoesNotAnswerTimesOut(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(100, 44);
    String sha = sha256(content);

    withInjector(
            (injector, slow) -> {
              injector.hangWhen(r -> true);
              return codeOf(slow.stat(key(sha)))
                  .compose(
                      code ->
                          verified(
                              ctx,
                              () -> assertThat(code).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE)));
            },
            o -> o.withTimeout(Duration.ofSeconds(1)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void startChecksTheBucketAndTheCredentials(VertxTestContext ctx) {
    S3BlobStore missing = newStore(options.withPrefix("").withRegion("us-east-1"));
    S3BlobStore noBucket =
        new S3BlobStore(vertx, s3.options().withPrefix("x"), staging, s3.credentials());
    stores.add(noBucket);
    S3BlobStore wrongBucket =
        newStore(
            S3Options.of("assetgrid-no-such-bucket")
                .withEndpoint(s3.endpoint())
                .withPathStyle(true)
                .withRegion("us-east-1"));
    S3BlobStore wrongKey =
        new S3BlobStore(
            vertx,
            s3.options(),
            staging,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "nothing")));
    stores.add(wrongKey);
    S3BlobStore nowhere =
        newStore(s3.options().withEndpoint(URI.create("http://127.0.0.1:" + closedPort())));

    missing
        .start()
        .compose(v -> noBucket.start())
        .compose(v -> failure(wrongBucket.start()))
        .compose(
            e ->
                verified(
                    ctx,
                    () -> {
                      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                      assertThat(e.getMessage())
                          .isEqualTo(
                              "The S3 bucket assetgrid-no-such-bucket does not exist at "
                                  + s3.endpoint()
                                  + ".");
                    }))
        .compose(v -> failure(wrongKey.start()))
        .compose(
            e ->
                verified(
                    ctx,
                    () -> {
                      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                      assertThat(e.getMessage()).contains("refused these S3 credentials");
                    }))
        .compose(v -> failure(nowhere.start()))
        .compose(
            e ->
                verified(
                    ctx,
                    () -> {
                      assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                      assertThat(e.getMessage()).contains("refused the connection (HeadBucket).");
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- helpers ---

  private interface WithInjector {
    Future<?> run(S3FaultInjector injector, S3BlobStore store) throws Exception;
  }

  /**
   * Runs {@code body} with a started store (options as this test's, changed by {@code tweak}) that
   * talks to s3proxy through a fault injector.
   */
  private Future<Void> withInjector(
      WithInjector body, java.util.function.UnaryOperator<S3Options> tweak) {
    return S3FaultInjector.start(vertx, s3.endpoint())
        .compose(
            injector -> {
              injectors.add(injector);
              S3BlobStore s = newStore(tweak.apply(options.withEndpoint(injector.endpoint())));
              return s.start()
                  .compose(
                      v -> {
                        try {
                          return body.run(injector, s);
                        } catch (Exception e) {
                          return Future.failedFuture(e);
                        }
                      })
                  .mapEmpty();
            });
  }

  /** The codes of put, stat, open and delete on a failing store. */
  private Future<List<ErrorCode>> failures(S3BlobStore flaky, String sha, byte[] content) {
    List<ErrorCode> codes = new ArrayList<>();
    return codeOf(onContext(() -> flaky.put(source(bytes(3000, 99)), 10_000, null, SPACE)))
        .compose(
            c -> {
              codes.add(c);
              return codeOf(flaky.stat(key(sha)));
            })
        .compose(
            c -> {
              codes.add(c);
              return codeOf(onContext(() -> flaky.open(key(sha))));
            })
        .compose(
            c -> {
              codes.add(c);
              return codeOf(flaky.delete(key(sha)));
            })
        .map(
            c -> {
              codes.add(c);
              return codes;
            });
  }

  private Future<Void> worksAgain(
      VertxTestContext ctx, S3BlobStore flaky, String sha, byte[] content) {
    return flaky
        .stat(key(sha))
        .compose(
            stat ->
                verified(ctx, () -> assertThat(stat).contains(new BlobInfo(sha, content.length))))
        .compose(v -> onContext(() -> flaky.put(source(bytes(3000, 99)), 10_000, null, SPACE)))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(2)));
  }

  private Future<byte[]> readRange(String sha, long offset, long length) {
    return onContext(
        () ->
            store
                .open(key(sha), offset, length)
                .compose(
                    (ReadStream<Buffer> rs) -> {
                      Buffer all = Buffer.buffer();
                      Promise<byte[]> done = Promise.promise();
                      rs.handler(all::appendBuffer)
                          .exceptionHandler(done::tryFail)
                          .endHandler(v -> done.tryComplete(all.getBytes()));
                      return done.future();
                    }));
  }

  private static Future<AssetGridException> failure(Future<?> f) {
    return f.transform(
        ar ->
            ar.succeeded()
                ? Future.failedFuture(new AssertionError("expected a failure"))
                : ar.cause() instanceof AssetGridException e
                    ? Future.succeededFuture(e)
                    : Future.failedFuture(ar.cause()));
  }

  private static HttpRequest httpPut(URI url, byte[] body, String sha) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    S3BlobStore.checksumHeader(sha).forEach(b::header);
    return b.build();
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> send(HttpRequest r) throws Exception {
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> sendForBytes(HttpRequest r) throws Exception {
    return HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static int closedPort() {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
