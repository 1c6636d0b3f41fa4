package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** The scrub over the local folder: blobs damaged by writing under {@code blobs/<key path>}. */
class LocalBlobScrubTest extends BlobScrubContract {
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    startDatabase();
    root = scratch.resolve("blobs");
    LocalBlobStore local = new LocalBlobStore(vertx, root);
    TestGrid.await(local.start());
    store = local;
  }

  @Override
  protected void overwriteBehindTheBack(BlobKey key, byte[] bytes) throws Exception {
    Path p = root.resolve(key.path());
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  @Override
  protected void deleteBehindTheBack(BlobKey key) throws Exception {
    Files.delete(root.resolve(key.path()));
  }
}
