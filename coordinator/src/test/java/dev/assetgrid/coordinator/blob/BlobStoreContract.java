package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link BlobStore} must have. A store implementation gets its test by
 * extending this class (local disk now; S3 through s3proxy later).
 */
public abstract class BlobStoreContract {
  protected Vertx vertx;
  protected BlobStore store;
  @TempDir protected Path scratch;

  /** A fresh, empty store. */
  protected abstract BlobStore createStore(Vertx vertx, Path scratch) throws Exception;

  /** Number of staging (not yet committed) objects the store holds. */
  protected abstract long stagingCount() throws Exception;

  /** Number of committed blobs the store holds. */
  protected abstract long blobCount() throws Exception;

  @BeforeEach
  void setUpStore() throws Exception {
    vertx = Vertx.vertx();
    store = createStore(vertx, scratch);
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void putStatOpenRoundTrip() throws Exception {
    byte[] content = bytes(10_000, 1);
    String sha = sha256(content);

    BlobInfo info = put(content, 1 << 20, sha);

    assertThat(info).isEqualTo(new BlobInfo(sha, content.length));
    assertThat(await(store.stat(sha))).contains(info);
    assertThat(readAll(sha)).isEqualTo(content);
    assertThat(blobCount()).isEqualTo(1);
    assertThat(stagingCount()).isZero();
  }

  @Test
  void emptyContentIsABlobToo() throws Exception {
    BlobInfo info = put(new byte[0], 10, null);

    assertThat(info.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(readAll(info.sha256())).isEmpty();
  }

  @Test
  void twentyMegabytesAreStreamedAndHashed() throws Exception {
    byte[] content = bytes(20 << 20, 2);

    BlobInfo info = put(content, 64 << 20, null);

    assertThat(info).isEqualTo(new BlobInfo(sha256(content), content.length));
    assertThat(readAll(info.sha256())).isEqualTo(content);
  }

  @Test
  void stagedBlobKnowsHashSizeAndHead() throws Exception {
    byte[] content = bytes(100_000, 3);

    StagedBlob staged = onContext(() -> store.stage(source(content), 1 << 20));

    assertThat(staged.sha256()).isEqualTo(sha256(content));
    assertThat(staged.size()).isEqualTo(content.length);
    assertThat(staged.head()).hasSize(StagedBlob.HEAD_BYTES)
        .isEqualTo(java.util.Arrays.copyOf(content, StagedBlob.HEAD_BYTES));
    assertThat(stagingCount()).isEqualTo(1);
    assertThat(await(store.stat(staged.sha256()))).isEmpty();

    await(store.discard(staged));
    assertThat(stagingCount()).isZero();
    assertThat(blobCount()).isZero();
  }

  @Test
  void contentOverTheLimitIsRefusedAndNothingIsKept() throws Exception {
    byte[] content = bytes(3 << 20, 4);

    Throwable t = catchThrowable(() -> put(content, 1 << 20, null));

    assertThat(AssetGridException.codeOf(t)).isEqualTo(ErrorCode.UPLOAD_TOO_LARGE);
    assertThat(stagingCount()).isZero();
    assertThat(blobCount()).isZero();
  }

  @Test
  void contentOfExactlyTheLimitIsAccepted() throws Exception {
    byte[] content = bytes(1 << 20, 5);

    assertThat(put(content, content.length, null).size()).isEqualTo(content.length);
    assertThat(AssetGridException.codeOf(catchThrowable(() -> put(bytes(1 << 20, 6), (1 << 20) - 1, null))))
        .isEqualTo(ErrorCode.UPLOAD_TOO_LARGE);
  }

  @Test
  void checksumMismatchKeepsNothing() throws Exception {
    byte[] content = bytes(50_000, 7);
    String wrong = sha256(bytes(10, 8));

    Throwable t = catchThrowable(() -> put(content, 1 << 20, wrong));

    assertThat(AssetGridException.codeOf(t)).isEqualTo(ErrorCode.BLOB_CHECKSUM_MISMATCH);
    assertThat(stagingCount()).isZero();
    assertThat(blobCount()).isZero();
    assertThat(await(store.stat(sha256(content)))).isEmpty();
  }

  @Test
  void commitIsIdempotent() throws Exception {
    byte[] content = bytes(70_000, 9);
    StagedBlob first = onContext(() -> store.stage(source(content), 1 << 20));
    StagedBlob second = onContext(() -> store.stage(source(content), 1 << 20));

    BlobInfo a = await(store.commit(first));
    BlobInfo b = await(store.commit(second));
    BlobInfo c = put(content, 1 << 20, sha256(content));

    assertThat(a).isEqualTo(b).isEqualTo(c);
    assertThat(blobCount()).isEqualTo(1);
    assertThat(stagingCount()).isZero();
    assertThat(readAll(a.sha256())).isEqualTo(content);
  }

  @Test
  void concurrentPutsOfTheSameContentStoreOneBlob() throws Exception {
    byte[] content = bytes(2 << 20, 10);
    List<Future<BlobInfo>> puts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Context ctx = vertx.getOrCreateContext(); // distinct event loops where possible
      Promise<BlobInfo> p = Promise.promise();
      ctx.runOnContext(v -> store.put(source(content), 4 << 20, null).onComplete(p));
      puts.add(p.future());
    }

    await(Future.all(puts));

    for (Future<BlobInfo> f : puts) {
      assertThat(f.result()).isEqualTo(new BlobInfo(sha256(content), content.length));
    }
    assertThat(blobCount()).isEqualTo(1);
    assertThat(stagingCount()).isZero();
    assertThat(readAll(sha256(content))).isEqualTo(content);
  }

  @Test
  void malformedShaStringsAreRejectedBeforeTouchingStorage() throws Exception {
    String valid = sha256(new byte[0]);
    for (String bad : new String[] {"", "abc", valid.toUpperCase(), valid + "0", valid.substring(1),
        "../../../../etc/passwd", "../" + valid.substring(3), valid.substring(0, 63) + "g"}) {
      assertThat(codeOf(store.stat(bad))).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(codeOf(store.open(bad))).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(codeOf(store.delete(bad))).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThatThrownBy(() -> store.localPath(bad)).isInstanceOf(AssetGridException.class);
      assertThat(AssetGridException.codeOf(catchThrowable(() -> put(new byte[1], 10, bad))))
          .isEqualTo(ErrorCode.INVALID_REQUEST);
    }
    assertThat(codeOf(store.stat(null))).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void deleteRemovesTheBlobAndIsIdempotent() throws Exception {
    byte[] content = bytes(1000, 11);
    BlobInfo info = put(content, 1 << 20, null);

    await(store.delete(info.sha256()));

    assertThat(await(store.stat(info.sha256()))).isEmpty();
    assertThat(codeOf(store.open(info.sha256()))).isEqualTo(ErrorCode.BLOB_NOT_FOUND);
    assertThat(blobCount()).isZero();
    await(store.delete(info.sha256()));
  }

  @Test
  void missingBlobIsNotFound() throws Exception {
    String sha = sha256(bytes(5, 12));
    assertThat(await(store.stat(sha))).isEqualTo(Optional.empty());
    assertThat(codeOf(store.open(sha))).isEqualTo(ErrorCode.BLOB_NOT_FOUND);
  }

  // --- helpers ---

  protected BlobInfo put(byte[] content, long maxBytes, String expectedSha) throws Exception {
    return onContext(() -> store.put(source(content), maxBytes, expectedSha));
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

  protected byte[] readAll(String sha) throws Exception {
    return onContext(() -> store.open(sha).compose(rs -> {
      Buffer all = Buffer.buffer();
      Promise<byte[]> done = Promise.promise();
      rs.handler(all::appendBuffer).exceptionHandler(done::tryFail)
          .endHandler(v -> done.tryComplete(all.getBytes()));
      return done.future();
    }));
  }

  /** Runs {@code work} on a Vert.x context (as the store is used in production) and waits. */
  protected <T> T onContext(Supplier<Future<T>> work) throws Exception {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        work.get().onComplete(p);
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return await(p.future());
  }

  protected static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  protected static ErrorCode codeOf(Future<?> f) {
    return AssetGridException.codeOf(catchThrowable(() -> await(f)));
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
