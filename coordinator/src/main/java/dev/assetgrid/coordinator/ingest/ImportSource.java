package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.StagedBlob;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.List;

/**
 * Where an import reads: an S3 prefix ({@link S3Source}), a folder under an import root ({@link
 * DirectorySource}) or a list of URLs ({@link UrlSource}).
 */
public interface ImportSource extends AutoCloseable {
  /**
   * One object of the source.
   *
   * @param ref where it is in the source (an S3 key, a path below the folder, a URL)
   * @param name its path relative to the source's top ({@code a/b/model.gltf}), with {@code /}
   * @param size bytes; -1 when unknown before reading (URLs)
   */
  record Entry(String ref, String name, long size) {}

  /**
   * Every object, at most {@code max} (more is an INPUT_LIMIT_EXCEEDED). Blocking: call on a worker
   * thread.
   */
  List<Entry> list(int max) throws IOException;

  /** The first {@code maxBytes} bytes of a small object (a .gltf, .obj or .mtl), blocking. */
  byte[] head(Entry e, int maxBytes) throws IOException;

  /** Stages the object's bytes in the blob store's staging area. */
  Future<StagedBlob> stage(String ref, long maxBytes);

  @Override
  default void close() {}
}
