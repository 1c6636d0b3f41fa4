package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.blob.S3Options;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How stored blobs live and go.
 *
 * @param purgeAfter how long a blob no asset references is kept before the purge deletes it ({@code
 *     --purge-after}); the grace in which a delete can still be undone from a backup, and in which
 *     a task that was handed the blob before its asset went can still finish
 * @param s3 the S3 bucket blobs live in ({@code --s3-*}); null: the local folder {@code
 *     <data-dir>/blobs} (the embedded default)
 * @param filesVia how {@code GET /v1/assets/{id}/files/{name}} hands out bytes when the store can
 *     presign ({@code --files-via}): a redirect to a short-lived URL of the store, or streamed
 *     through the coordinator
 * @param uploadExpiry how long a direct upload ({@code /v1/uploads}) may stay incomplete before the
 *     sweeper aborts it ({@code --upload-expiry})
 * @param scrubBytesPerSecond how fast the integrity scrub re-reads blobs, in bytes per second
 *     ({@code --scrub-mb-per-s}, MB = 10^6 bytes); 0 = no background scrub ({@code POST
 *     /v1/admin/scrub} then reads at {@link #DEFAULT_SCRUB_BYTES_PER_SECOND}); at most {@link
 *     #MAX_SCRUB_BYTES_PER_SECOND}
 * @param pricePerGbMonth what the store charges to keep one GB (10^9 bytes) for a month, in any
 *     currency ({@code --storage-price-per-gb-month}), for the cost estimate of {@code /v1/stats};
 *     0 (the default): no estimate. Not negative
 * @param dropDerivativesAfter the retention rule ({@code --drop-derivatives-after}): the derived
 *     files of a ready asset none of whose files was downloaded or written for this long are
 *     dropped, and made again when one is downloaded; null (the default): never. Positive
 */
public record StorageOptions(
    Duration purgeAfter,
    S3Options s3,
    FilesVia filesVia,
    Duration uploadExpiry,
    long scrubBytesPerSecond,
    BigDecimal pricePerGbMonth,
    Duration dropDerivativesAfter) {
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_PURGE_AFTER = Duration.ofHours(24);
  public static final long DEFAULT_SCRUB_BYTES_PER_SECOND = 8_000_000;
  public static final long MAX_SCRUB_BYTES_PER_SECOND = 10_000_000_000L;

  /** How file downloads leave the grid when the store can presign URLs. */
  public enum FilesVia {
    /** {@code 307} to a presigned URL of the store, valid for a few minutes. */
    REDIRECT,
    /** The coordinator streams the bytes (for clients that cannot reach the store). */
    STREAM;

    /** {@code redirect} or {@code stream}; INVALID_REQUEST naming the flag otherwise. */
    public static FilesVia parse(String flag, String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "redirect" -> REDIRECT;
        case "stream" -> STREAM;
        default ->
            throw new AssetGridException(
                ErrorCode.INVALID_REQUEST, flag + " must be redirect or stream, not " + text);
      };
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

  public StorageOptions {
    purgeAfter = purgeAfter == null ? DEFAULT_PURGE_AFTER : purgeAfter;
    filesVia = filesVia == null ? FilesVia.REDIRECT : filesVia;
    uploadExpiry = uploadExpiry == null ? DEFAULT_UPLOAD_EXPIRY : uploadExpiry;
    if (uploadExpiry.isNegative() || uploadExpiry.isZero()) {
      throw new IllegalArgumentException("uploadExpiry must be positive");
    }
    if (scrubBytesPerSecond < 0 || scrubBytesPerSecond > MAX_SCRUB_BYTES_PER_SECOND) {
      throw new IllegalArgumentException(
          "scrubBytesPerSecond must be 0 to " + MAX_SCRUB_BYTES_PER_SECOND);
    }
    pricePerGbMonth = pricePerGbMonth == null ? BigDecimal.ZERO : pricePerGbMonth;
    if (pricePerGbMonth.signum() < 0) {
      throw new IllegalArgumentException("pricePerGbMonth must not be negative");
    }
    if (dropDerivativesAfter != null
        && (dropDerivativesAfter.isNegative() || dropDerivativesAfter.isZero())) {
      throw new IllegalArgumentException("dropDerivativesAfter must be positive");
    }
    if (purgeAfter.isNegative()) {
      throw new IllegalArgumentException("purgeAfter must not be negative");
    }
  }

  public static StorageOptions defaults() {
    return new StorageOptions(
        DEFAULT_PURGE_AFTER,
        null,
        FilesVia.REDIRECT,
        DEFAULT_UPLOAD_EXPIRY,
        DEFAULT_SCRUB_BYTES_PER_SECOND,
        BigDecimal.ZERO,
        null);
  }

  public StorageOptions withPurgeAfter(Duration d) {
    return new StorageOptions(
        d, s3, filesVia, uploadExpiry, scrubBytesPerSecond, pricePerGbMonth, dropDerivativesAfter);
  }

  /** Blobs in this bucket (null: the local folder). */
  public StorageOptions withS3(S3Options bucket) {
    return new StorageOptions(
        purgeAfter,
        bucket,
        filesVia,
        uploadExpiry,
        scrubBytesPerSecond,
        pricePerGbMonth,
        dropDerivativesAfter);
  }

  public StorageOptions withFilesVia(FilesVia via) {
    return new StorageOptions(
        purgeAfter,
        s3,
        via,
        uploadExpiry,
        scrubBytesPerSecond,
        pricePerGbMonth,
        dropDerivativesAfter);
  }

  public StorageOptions withUploadExpiry(Duration d) {
    return new StorageOptions(
        purgeAfter, s3, filesVia, d, scrubBytesPerSecond, pricePerGbMonth, dropDerivativesAfter);
  }

  public StorageOptions withScrubBytesPerSecond(long bps) {
    return new StorageOptions(
        purgeAfter, s3, filesVia, uploadExpiry, bps, pricePerGbMonth, dropDerivativesAfter);
  }

  /** The cost estimate of {@code /v1/stats} at this price per GB-month (0: none). */
  public StorageOptions withPricePerGbMonth(BigDecimal price) {
    return new StorageOptions(
        purgeAfter, s3, filesVia, uploadExpiry, scrubBytesPerSecond, price, dropDerivativesAfter);
  }

  /** Drop the derivatives of assets untouched for {@code after} (null: never). */
  public StorageOptions withDropDerivativesAfter(Duration after) {
    return new StorageOptions(
        purgeAfter, s3, filesVia, uploadExpiry, scrubBytesPerSecond, pricePerGbMonth, after);
  }

  /**
   * A price such as {@code 0.023}: a decimal number, at least 0.
   *
   * @throws AssetGridException INVALID_REQUEST for anything else
   */
  public static BigDecimal parsePrice(String flag, String text) {
    BigDecimal price;
    try {
      price = new BigDecimal(text == null ? "" : text.trim());
    } catch (NumberFormatException e) {
      price = null;
    }
    if (price == null || price.signum() < 0) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          flag + " takes a decimal number of at least 0, e.g. 0.023, not " + text);
    }
    return price;
  }

  /** Whether the scrub runs in the background. */
  public boolean scrubInBackground() {
    return scrubBytesPerSecond > 0;
  }

  /**
   * The pace of every scrub pass: the configured rate, or the default when the background is off.
   */
  public long scrubPace() {
    return scrubBytesPerSecond > 0 ? scrubBytesPerSecond : DEFAULT_SCRUB_BYTES_PER_SECOND;
  }

  /**
   * {@code --scrub-mb-per-s}: MB (10^6 bytes) per second, a decimal number from 0 (off) to 10000.
   *
   * @throws AssetGridException INVALID_REQUEST for anything else
   */
  public static long parseMegabytesPerSecond(String flag, String text) {
    double mb;
    try {
      mb = Double.parseDouble(text == null ? "" : text.trim());
    } catch (NumberFormatException e) {
      mb = Double.NaN;
    }
    if (!(mb >= 0 && mb <= MAX_SCRUB_BYTES_PER_SECOND / 1e6)) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          flag + " takes MB per second from 0 (off) to 10000, e.g. 8, not " + text);
    }
    long bps = Math.round(mb * 1e6);
    return mb > 0 ? Math.max(1, bps) : 0;
  }

  /**
   * {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}.
   *
   * @throws AssetGridException INVALID_REQUEST for anything else
   */
  public static Duration parseDuration(String flag, String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          flag + " takes a number and a unit (s, m, h or d), e.g. 24h, not " + text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
