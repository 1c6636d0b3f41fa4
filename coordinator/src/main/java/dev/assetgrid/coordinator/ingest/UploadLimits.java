package dev.assetgrid.coordinator.ingest;

/**
 * Limits of one upload request.
 *
 * @param maxBytes largest total content accepted per request, in bytes, summed over all files
 *     (multipart framing and form fields are not counted); {@code > 0}. Default 512 MiB. A zip
 *     counts with its compressed size here; its content is bounded by the zip limits below.
 * @param maxFiles largest number of file parts in one multipart request; {@code > 0}. Default 64.
 * @param maxZipEntries most entries (files and directories) a zip may list; {@code > 0}. Default
 *     {@value #DEFAULT_MAX_ZIP_ENTRIES}.
 * @param maxZipBytes largest total uncompressed size of a zip's files, in bytes, counted while
 *     inflating (declared sizes are not trusted); {@code > 0}. Default 1 GiB.
 * @param maxZipRatio largest compression ratio (uncompressed / compressed) of one zip entry once it
 *     has inflated past {@value #ZIP_RATIO_FLOOR_BYTES} bytes; {@code >= 1}. Default {@value
 *     #DEFAULT_MAX_ZIP_RATIO} (real models and textures stay far below 20; zip bombs reach 1000 and
 *     more).
 */
public record UploadLimits(
    long maxBytes, int maxFiles, int maxZipEntries, long maxZipBytes, int maxZipRatio) {
  public static final long DEFAULT_MAX_BYTES = 512L << 20;
  public static final int DEFAULT_MAX_FILES = 64;
  public static final int DEFAULT_MAX_ZIP_ENTRIES = 4096;
  public static final long DEFAULT_MAX_ZIP_BYTES = 1L << 30;
  public static final int DEFAULT_MAX_ZIP_RATIO = 200;

  /**
   * Entries smaller than this are never refused for their ratio (a tiny text file may compress
   * 500:1).
   */
  public static final long ZIP_RATIO_FLOOR_BYTES = 1L << 20;

  public static final UploadLimits DEFAULTS =
      new UploadLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES);

  public UploadLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
    }
    if (maxFiles <= 0) {
      throw new IllegalArgumentException("maxFiles must be > 0, was " + maxFiles);
    }
    if (maxZipEntries <= 0 || maxZipBytes <= 0 || maxZipRatio < 1) {
      throw new IllegalArgumentException("zip limits must be positive (ratio >= 1)");
    }
  }

  /** Request limits with the default zip limits. */
  public UploadLimits(long maxBytes, int maxFiles) {
    this(maxBytes, maxFiles, DEFAULT_MAX_ZIP_ENTRIES, DEFAULT_MAX_ZIP_BYTES, DEFAULT_MAX_ZIP_RATIO);
  }
}
