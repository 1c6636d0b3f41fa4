package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalBlobStoreTest extends BlobStoreContract {
  private Path root;

  @Override
  protected Future<BlobStore> createStore(Vertx vertx, Path scratch) {
    root = scratch.resolve("blobs");
    LocalBlobStore s = new LocalBlobStore(vertx, root);
    return s.start().map(v -> s);
  }

  /** Counted on a worker thread: listing a directory blocks. */
  @Override
  protected Future<Long> stagingCount() {
    return vertx.executeBlocking(
        () -> {
          try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            return files.count();
          }
        });
  }

  @Override
  protected Future<Long> blobCount() {
    return vertx.executeBlocking(
        () -> {
          try (Stream<Path> files = Files.walk(root)) {
            return files
                .filter(Files::isRegularFile)
                .filter(p -> !p.getParent().equals(root.resolve("tmp")))
                .count();
          }
        });
  }

  @Test
  void blobsLiveUnderTwoFanOutLevels(VertxTestContext ctx) throws Exception {
    byte[] content = bytes(100, 20);
    String sha = sha256(content);

    put(content, 1000, null)
        .onComplete(
            ctx.succeeding(
                info ->
                    ctx.verify(
                        () -> {
                          // root/<tenant>/originals/ab/cd/<sha256>
                          Path expected =
                              root.resolve(SPACE.tenant().toString())
                                  .resolve("originals")
                                  .resolve(sha.substring(0, 2))
                                  .resolve(sha.substring(2, 4))
                                  .resolve(sha);
                          assertThat(expected).isRegularFile().hasBinaryContent(content);
                          assertThat(store.localPath(key(sha))).contains(expected);
                          ctx.completeNow();
                        })));
  }

  @Test
  void startRemovesStaleStagingFiles(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path tmp = root.resolve("tmp");
    Files.write(tmp.resolve("left-by-a-crash.part"), new byte[123]);

    LocalBlobStore restarted = new LocalBlobStore(vertx, root);
    restarted
        .start()
        .compose(v -> stagingCount())
        .onComplete(
            ctx.succeeding(
                n ->
                    ctx.verify(
                        () -> {
                          assertThat(n).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void firstUseCreatesTheDirectories(Vertx vertx, VertxTestContext ctx) {
    Path fresh = scratch.resolve("fresh");
    BlobStore lazy = new LocalBlobStore(vertx, fresh);

    onContext(() -> lazy.put(source(new byte[] {1, 2, 3}), 10, null, SPACE))
        .onComplete(
            ctx.succeeding(
                info ->
                    ctx.verify(
                        () -> {
                          assertThat(lazy.localPath(key(info.sha256())).orElseThrow())
                              .isRegularFile();
                          assertThat(fresh.resolve("tmp")).isDirectory();
                          ctx.completeNow();
                        })));
  }
}
