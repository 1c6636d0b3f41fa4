package dev.assetgrid.coordinator.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The text of an API key: {@code ag_<id>_<secret>}, where {@code id} (16 hex digits) is public
 * (listed, logged, audited) and {@code secret} is 256 random bits in unpadded base64url. Only
 * {@link #hash SHA-256 of the secret} is stored.
 *
 * <p>Design note: a plain SHA-256 suffices because the secret is 256 random bits, not a password:
 * there is nothing for a slow hash (bcrypt, argon2) to protect against guessing, and a fast one
 * keeps the check of a cached key around a microsecond.
 */
public record ApiKey(String id, String secret) {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String PREFIX = "ag_";

  /** A new key with a random id and secret. */
  public static ApiKey generate() {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return new ApiKey(
        HexFormat.of().formatHex(id),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The key in a bearer token, or null when the text is not shaped like one of our keys. */
  public static ApiKey parse(String text) {
    if (text == null
        || text.length() != PREFIX.length() + 16 + 1 + 43
        || !text.startsWith(PREFIX)
        || text.charAt(PREFIX.length() + 16) != '_') {
      return null;
    }
    String id = text.substring(PREFIX.length(), PREFIX.length() + 16);
    String secret = text.substring(PREFIX.length() + 17);
    return ID.matcher(id).matches() && SECRET.matcher(secret).matches()
        ? new ApiKey(id, secret)
        : null;
  }

  /** Whether {@code id} is shaped like a key id (for paths such as {@code /v1/keys/{id}}). */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** What the client sends: {@code ag_<id>_<secret>}. */
  public String text() {
    return PREFIX + id + "_" + secret;
  }

  /** SHA-256 of the secret: what the database keeps. */
  public byte[] hash() {
    return hash(secret);
  }

  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + "]";
  }
}
