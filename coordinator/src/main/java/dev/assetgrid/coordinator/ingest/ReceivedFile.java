package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.shared.pipeline.ModelFormat;
import java.util.Objects;

/**
 * One file of an upload, committed to the blob store.
 *
 * @param fieldName the multipart field name; {@code null} for a raw-body upload
 * @param filename the client's file name (untrusted, for display and for resolving glTF URIs);
 *     {@code null} when the client gave none
 * @param format the format sniffed from the content; {@code null} for side files (.bin, .png, .mtl,
 *     ...)
 * @param blob where the bytes are
 * @param contentType the client's declared media type (untrusted); {@code null} when absent
 */
public record ReceivedFile(
    String fieldName, String filename, ModelFormat format, BlobInfo blob, String contentType) {
  public ReceivedFile {
    Objects.requireNonNull(blob, "blob");
  }

  /** True when this file is a model (its format was recognised), false for a side file. */
  public boolean isModel() {
    return format != null;
  }
}
