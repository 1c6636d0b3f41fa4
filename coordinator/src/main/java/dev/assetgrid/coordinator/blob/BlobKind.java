package dev.assetgrid.coordinator.blob;

import java.util.Locale;

/**
 * What a blob is to its tenant; the second level of its key, so an operator reading the bucket (or
 * the folder) sees originals, derivatives and thumbnails apart.
 */
public enum BlobKind {
  /** Uploaded bytes: the model and its side files. */
  ORIGINAL("originals"),
  /** What tasks made from them: converted, optimised, compressed files and reports. */
  DERIVATIVE("derivatives"),
  /** Rendered previews. */
  THUMBNAIL("thumbnails");

  private final String folder;

  BlobKind(String folder) {
    this.folder = folder;
  }

  /** The key segment: {@code originals}, {@code derivatives} or {@code thumbnails}. */
  public String folder() {
    return folder;
  }

  /** The value kept in PostgreSQL ({@code original}, {@code derivative}, {@code thumbnail}). */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** From {@link #dbName()}. */
  public static BlobKind ofDbName(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
