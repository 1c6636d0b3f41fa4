package dev.assetgrid.coordinator.ingest;

/**
 * Limits of one upload request.
 *
 * @param maxBytes largest total content accepted per request, in bytes, summed over all files
 *     (multipart framing and form fields are not counted); {@code > 0}. Default 512 MiB.
 * @param maxFiles largest number of file parts in one multipart request; {@code > 0}. Default 64.
 */
public record UploadLimits(long maxBytes, int maxFiles) {
  public static final long DEFAULT_MAX_BYTES = 512L << 20;
  public static final int DEFAULT_MAX_FILES = 64;
  public static final UploadLimits DEFAULTS = new UploadLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES);

  public UploadLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
    }
    if (maxFiles <= 0) {
      throw new IllegalArgumentException("maxFiles must be > 0, was " + maxFiles);
    }
  }
}
