package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link BlobStore} must have. A store implementation gets its test by
 * extending this class: {@link LocalBlobStoreTest} (local disk) and {@link S3BlobStoreTest} (S3,
 * against s3proxy in-process).
 *
 * <p>Each test gets its own Vert.x instance from {@link VertxExtension} (closed by it after the
 * test) and a fresh store; the tests chain the store's futures and assert in {@link
 * VertxTestContext#verify}.
 */
@ExtendWith(VertxExtension.class)
public abstract class BlobStoreContract {
  /** The test's Vert.x instance, the one the extension injects into the test method too. */
  protected Vertx vertx;

  protected BlobStore store;
  @TempDir protected Path scratch;

  /** A fresh, empty store, started. */
  protected abstract Future<BlobStore> createStore(Vertx vertx, Path scratch);

  /** Number of staging (not yet committed) objects the store holds. */
  protected abstract Future<Long> stagingCount();

  /** Number of committed blobs the store holds. */
  protected abstract Future<Long> blobCount();

  @BeforeEach
  void setUpStore(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    createStore(vertx, scratch)
        .onComplete(
            ctx.succeeding(
                s -> {
                  store = s;
                  ctx.completeNow();
                }));
  }

  @Test
  void putStatOpenRoundTrip(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(10_000, 1);
    String sha = sha256(content);

    put(content, 1 << 20, sha)
        .compose(
            info ->
                verified(ctx, () -> assertThat(info).isEqualTo(new BlobInfo(sha, content.length)))
                    .compose(v -> store.stat(key(sha)))
                    .compose(stat -> verified(ctx, () -> assertThat(stat).contains(info))))
        .compose(v -> readAll(sha))
        .compose(read -> verified(ctx, () -> assertThat(read).isEqualTo(content)))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void emptyContentIsABlobToo(VertxTestContext ctx) {
    put(new byte[0], 10, null)
        .compose(
            info ->
                verified(
                        ctx,
                        () ->
                            assertThat(info.sha256())
                                .isEqualTo(
                                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
                    .compose(v -> readAll(info.sha256())))
        .compose(read -> verified(ctx, () -> assertThat(read).isEmpty()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void twentyMegabytesAreStreamedAndHashed(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(20 << 20, 2);
    BlobInfo expected = new BlobInfo(sha256(content), content.length);

    put(content, 64 << 20, null)
        .compose(
            info ->
                verified(ctx, () -> assertThat(info).isEqualTo(expected))
                    .compose(v -> readAll(info.sha256())))
        .compose(read -> verified(ctx, () -> assertThat(read).isEqualTo(content)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void stagedBlobKnowsHashSizeAndHead(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(100_000, 3);
    String sha = sha256(content);

    onContext(() -> store.stage(source(content), 1 << 20))
        .compose(
            staged ->
                verified(
                        ctx,
                        () -> {
                          assertThat(staged.sha256()).isEqualTo(sha);
                          assertThat(staged.size()).isEqualTo(content.length);
                          assertThat(staged.head())
                              .hasSize(StagedBlob.HEAD_BYTES)
                              .isEqualTo(java.util.Arrays.copyOf(content, StagedBlob.HEAD_BYTES));
                        })
                    .compose(v -> stagingCount())
                    .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
                    .compose(v -> store.stat(key(staged.sha256())))
                    .compose(stat -> verified(ctx, () -> assertThat(stat).isEmpty()))
                    .compose(v -> store.discard(staged)))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void contentOverTheLimitIsRefusedAndNothingIsKept(VertxTestContext ctx) {
    byte[] content = bytes(3 << 20, 4);

    codeOf(put(content, 1 << 20, null))
        .compose(
            code -> verified(ctx, () -> assertThat(code).isEqualTo(ErrorCode.UPLOAD_TOO_LARGE)))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void contentOfExactlyTheLimitIsAccepted(VertxTestContext ctx) {
    byte[] content = bytes(1 << 20, 5);

    put(content, content.length, null)
        .compose(info -> verified(ctx, () -> assertThat(info.size()).isEqualTo(content.length)))
        .compose(v -> codeOf(put(bytes(1 << 20, 6), (1 << 20) - 1, null)))
        .compose(
            code -> verified(ctx, () -> assertThat(code).isEqualTo(ErrorCode.UPLOAD_TOO_LARGE)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void checksumMismatchKeepsNothing(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(50_000, 7);
    String wrong = sha256(bytes(10, 8));
    String sha = sha256(content);

    codeOf(put(content, 1 << 20, wrong))
        .compose(
            code ->
                verified(ctx, () -> assertThat(code).isEqualTo(ErrorCode.BLOB_CHECKSUM_MISMATCH)))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> store.stat(key(sha)))
        .compose(stat -> verified(ctx, () -> assertThat(stat).isEmpty()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void commitIsIdempotent(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(70_000, 9);
    String sha = sha256(content);

    onContext(() -> store.stage(source(content), 1 << 20))
        .compose(
            first ->
                onContext(() -> store.stage(source(content), 1 << 20))
                    .compose(
                        second ->
                            store
                                .commit(first, SPACE)
                                .compose(
                                    a ->
                                        store
                                            .commit(second, SPACE)
                                            .compose(
                                                b ->
                                                    put(content, 1 << 20, sha)
                                                        .compose(
                                                            c ->
                                                                verified(
                                                                    ctx,
                                                                    () ->
                                                                        assertThat(a)
                                                                            .isEqualTo(b)
                                                                            .isEqualTo(c))))
                                            .compose(v -> blobCount())
                                            .compose(
                                                n ->
                                                    verified(ctx, () -> assertThat(n).isEqualTo(1)))
                                            .compose(v -> stagingCount())
                                            .compose(
                                                n -> verified(ctx, () -> assertThat(n).isZero()))
                                            .compose(v -> readAll(a.sha256())))))
        .compose(read -> verified(ctx, () -> assertThat(read).isEqualTo(content)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void concurrentPutsOfTheSameContentStoreOneBlob(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    byte[] content = bytes(2 << 20, 10);
    BlobInfo expected = new BlobInfo(sha256(content), content.length);
    int writers = 8;
    Checkpoint eachPut = ctx.checkpoint(writers);
    Checkpoint thenOneBlob = ctx.checkpoint();
    List<Future<BlobInfo>> puts = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      Context context = vertx.getOrCreateContext(); // distinct event loops where possible
      Promise<BlobInfo> p = Promise.promise();
      context.runOnContext(v -> store.put(source(content), 4 << 20, null, SPACE).onComplete(p));
      puts.add(
          p.future()
              .onComplete(
                  ctx.succeeding(
                      info ->
                          ctx.verify(
                              () -> {
                                assertThat(info).isEqualTo(expected);
                                eachPut.flag();
                              }))));
    }

    Future.all(puts)
        .compose(v -> blobCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isEqualTo(1)))
        .compose(v -> stagingCount())
        .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
        .compose(v -> readAll(expected.sha256()))
        .onComplete(
            ctx.succeeding(
                read ->
                    ctx.verify(
                        () -> {
                          assertThat(read).isEqualTo(content);
                          thenOneBlob.flag();
                        })));
  }

  @Test
  void malformedShaStringsAreRejectedBeforeTouchingStorage(VertxTestContext ctx) throws Exception {
    String valid = sha256(new byte[0]);
    String[] malformed = {
      "",
      "abc",
      valid.toUpperCase(),
      valid + "0",
      valid.substring(1),
      "../../../../etc/passwd",
      "../" + valid.substring(3),
      valid.substring(0, 63) + "g"
    };
    // no key can name a malformed string; a put that expects one is refused
    Checkpoint refused = ctx.checkpoint(malformed.length + 1);
    for (String bad : malformed) {
      ctx.verify(
          () ->
              assertThatThrownBy(() -> SPACE.key(bad))
                  .isInstanceOfSatisfying(
                      AssetGridException.class,
                      e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST)));
      codeOf(put(new byte[1], 10, bad))
          .onComplete(
              ctx.succeeding(
                  code ->
                      ctx.verify(
                          () -> {
                            assertThat(code).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
                            refused.flag();
                          })));
    }
    ctx.verify(
        () -> assertThatThrownBy(() -> SPACE.key(null)).isInstanceOf(AssetGridException.class));
    refused.flag();
  }

  @Test
  void deleteRemovesTheBlobAndIsIdempotent(VertxTestContext ctx) {
    byte[] content = bytes(1000, 11);

    put(content, 1 << 20, null)
        .compose(
            info ->
                store
                    .delete(key(info.sha256()))
                    .compose(v -> store.stat(key(info.sha256())))
                    .compose(stat -> verified(ctx, () -> assertThat(stat).isEmpty()))
                    .compose(v -> codeOf(store.open(key(info.sha256()))))
                    .compose(
                        code ->
                            verified(
                                ctx, () -> assertThat(code).isEqualTo(ErrorCode.BLOB_NOT_FOUND)))
                    .compose(v -> blobCount())
                    .compose(n -> verified(ctx, () -> assertThat(n).isZero()))
                    .compose(v -> store.delete(key(info.sha256()))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void missingBlobIsNotFound(VertxTestContext ctx) throws Exception {
    String sha = sha256(bytes(5, 12));

    store
        .stat(key(sha))
        .compose(stat -> verified(ctx, () -> assertThat(stat).isEqualTo(Optional.empty())))
        .compose(v -> codeOf(store.open(key(sha))))
        .compose(code -> verified(ctx, () -> assertThat(code).isEqualTo(ErrorCode.BLOB_NOT_FOUND)))
        .onComplete(ctx.succeedingThenComplete());
  }

  // --- helpers ---

  /** The space every contract test writes to. */
  protected static final BlobSpace SPACE =
      new BlobSpace(
          java.util.UUID.fromString("00000000-0000-0000-0000-0000000000aa"), BlobKind.ORIGINAL);

  protected static BlobKey key(String sha256) {
    return SPACE.key(sha256);
  }

  protected Future<BlobInfo> put(byte[] content, long maxBytes, String expectedSha) {
    return onContext(() -> store.put(source(content), maxBytes, expectedSha, SPACE));
  }

  /** A real file-backed stream of {@code content}, created on the calling context. */
  protected ReadStream<Buffer> source(byte[] content) {
    try {
      Path f = Files.createTempFile(scratch, "src", ".bin");
      Files.write(f, content);
      return vertx.fileSystem().openBlocking(f.toString(), new OpenOptions().setRead(true));
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  protected Future<byte[]> readAll(String sha) {
    return onContext(
        () ->
            store
                .open(key(sha))
                .compose(
                    rs -> {
                      Buffer all = Buffer.buffer();
                      Promise<byte[]> done = Promise.promise();
                      rs.handler(all::appendBuffer)
                          .exceptionHandler(done::tryFail)
                          .endHandler(v -> done.tryComplete(all.getBytes()));
                      return done.future();
                    }));
  }

  /** Runs {@code work} on a Vert.x context, as the store is used in production. */
  protected <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              try {
                work.get().onComplete(p);
              } catch (Throwable t) {
                p.fail(t);
              }
            });
    return p.future();
  }

  /**
   * Runs {@code assertions} in {@code ctx.verify}; the chain goes on only if they held (a failed
   * assertion fails the test and the rest of the chain).
   */
  protected static Future<Void> verified(
      VertxTestContext ctx, VertxTestContext.ExecutionBlock assertions) {
    ctx.verify(assertions);
    return ctx.failed() ? Future.failedFuture(ctx.causeOfFailure()) : Future.succeededFuture();
  }

  /** The code {@code f} failed with ({@link ErrorCode#INTERNAL_ERROR} if it did not fail). */
  protected static Future<ErrorCode> codeOf(Future<?> f) {
    return f.transform(ar -> Future.succeededFuture(AssetGridException.codeOf(ar.cause())));
  }

  protected static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
