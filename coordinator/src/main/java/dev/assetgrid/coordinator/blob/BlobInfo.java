package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * A stored blob: its content address and size.
 *
 * @param sha256 SHA-256 of the content, 64 lowercase hex characters
 * @param size content length in bytes, {@code >= 0}
 */
public record BlobInfo(String sha256, long size) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public BlobInfo {
    requireSha256(sha256);
    if (size < 0) {
      throw new IllegalArgumentException("size < 0: " + size);
    }
  }

  /** True when {@code s} is 64 lowercase hex characters (the only form the stores accept). */
  public static boolean isSha256(String s) {
    return s != null && SHA256.matcher(s).matches();
  }

  /** Returns {@code s} when it is a valid sha256 string, else throws INVALID_REQUEST. */
  public static String requireSha256(String s) {
    if (!isSha256(s)) {
      throw AssetGridException.of(
          ErrorCode.INVALID_REQUEST,
          "sha256 must be 64 lowercase hex characters, got " + abbreviate(s));
    }
    return s;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...'";
  }
}
