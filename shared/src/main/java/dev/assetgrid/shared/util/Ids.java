package dev.assetgrid.shared.util;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. Ordered
 * ids keep B-tree inserts local and give keyset pagination a stable creation order.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static UUID newId() {
    long ms = System.currentTimeMillis();
    long rand = RANDOM.nextLong();
    long msb = (ms << 16) | 0x7000L | ((rand >>> 52) & 0x0FFFL);
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** Parses a UUID, returning null for anything that is not one (ids in URLs are untrusted). */
  public static UUID parse(String s) {
    if (s == null || s.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
