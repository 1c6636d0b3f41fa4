package dev.assetgrid.coordinator.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of the Standard Webhooks scheme: the secret is {@code whsec_} + base64 of random
 * bytes; a delivery carries {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code
 * webhook-signature: v1,<base64 HMAC-SHA256 over "id.timestamp.body">}. Receivers recompute it with
 * the secret, compare in constant time, and reject timestamps far from their clock (replays).
 */
public final class WebhookSignature {
  /** The prefix of a signing secret. */
  public static final String PREFIX = "whsec_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SECRET_BYTES = 32;

  private WebhookSignature() {}

  /** A new random secret, in its {@code whsec_...} form. */
  public static String newSecret() {
    byte[] b = new byte[SECRET_BYTES];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getEncoder().encodeToString(b);
  }

  /** The {@code webhook-signature} header value for one message. */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(secret, id, timestamp, body));
  }

  /**
   * Whether any {@code v1,} signature of the space-separated {@code header} matches (what a
   * receiver does; the tests' receiver uses it).
   */
  public static boolean verify(
      String secret, String id, long timestamp, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    byte[] want = mac(secret, id, timestamp, body);
    for (String sig : header.trim().split("\\s+")) {
      if (sig.startsWith("v1,")) {
        byte[] got;
        try {
          got = Base64.getDecoder().decode(sig.substring(3));
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (MessageDigest.isEqual(want, got)) {
          return true;
        }
      }
    }
    return false;
  }

  private static byte[] mac(String secret, String id, long timestamp, byte[] body) {
    if (!secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a signing secret starts with " + PREFIX);
    }
    byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
