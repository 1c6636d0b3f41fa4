package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.StagedBlob;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;

/**
 * A source whose objects open as blocking streams (a folder, a bucket): reading the start of one
 * and staging one are the same for all of them.
 */
abstract class StreamSource implements ImportSource {
  private final BlobStore blobs;

  StreamSource(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** The object's bytes (blocking; the caller closes the stream). */
  abstract InputStream open(String ref) throws IOException;

  @Override
  public byte[] head(Entry e, int maxBytes) throws IOException {
    try (InputStream in = open(e.ref())) {
      return in.readNBytes(maxBytes);
    }
  }

  @Override
  public Future<StagedBlob> stage(String ref, long maxBytes) {
    return blobs.stageFrom(() -> open(ref), maxBytes);
  }
}
