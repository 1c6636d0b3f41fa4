package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalBlobStoreTest extends BlobStoreContract {
  private Path root;

  @Override
  protected BlobStore createStore(Vertx vertx, Path scratch) throws Exception {
    root = scratch.resolve("blobs");
    LocalBlobStore s = new LocalBlobStore(vertx, root);
    await(s.start());
    return s;
  }

  @Override
  protected long stagingCount() throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      return files.count();
    }
  }

  @Override
  protected long blobCount() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(root.resolve("tmp"))).count();
    }
  }

  @Test
  void blobsLiveUnderTwoFanOutLevels() throws Exception {
    byte[] content = bytes(100, 20);
    String sha = sha256(content);

    put(content, 1000, null);

    Path expected = root.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
    assertThat(expected).isRegularFile().hasBinaryContent(content);
    assertThat(store.localPath(sha)).contains(expected);
  }

  @Test
  void startRemovesStaleStagingFiles() throws Exception {
    Path tmp = root.resolve("tmp");
    Files.write(tmp.resolve("left-by-a-crash.part"), new byte[123]);

    LocalBlobStore restarted = new LocalBlobStore(vertx, root);
    await(restarted.start());

    assertThat(stagingCount()).isZero();
  }

  @Test
  void firstUseCreatesTheDirectories() throws Exception {
    Path fresh = scratch.resolve("fresh");
    BlobStore lazy = new LocalBlobStore(vertx, fresh);

    BlobInfo info = onContext(() -> lazy.put(source(new byte[] {1, 2, 3}), 10, null));

    assertThat(lazy.localPath(info.sha256()).orElseThrow()).isRegularFile();
    assertThat(fresh.resolve("tmp")).isDirectory();
  }
}
