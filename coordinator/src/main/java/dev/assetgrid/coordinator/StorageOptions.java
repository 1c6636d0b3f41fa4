package dev.assetgrid.coordinator;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
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
 */
public record StorageOptions(Duration purgeAfter) {
  public static final Duration DEFAULT_PURGE_AFTER = Duration.ofHours(24);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

  public StorageOptions {
    purgeAfter = purgeAfter == null ? DEFAULT_PURGE_AFTER : purgeAfter;
    if (purgeAfter.isNegative()) {
      throw new IllegalArgumentException("purgeAfter must not be negative");
    }
  }

  public static StorageOptions defaults() {
    return new StorageOptions(DEFAULT_PURGE_AFTER);
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
