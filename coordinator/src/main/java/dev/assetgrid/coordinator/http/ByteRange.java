package dev.assetgrid.coordinator.http;

/** The one {@code Range: bytes=...} form a blob GET serves (RFC 9110 §14.1.2). */
final class ByteRange {
  private ByteRange() {}

  /** Returned by {@link #parse} for a well-formed range that lies past the end. */
  static final long[] UNSATISFIABLE = new long[0];

  /**
   * {@code {first, last}} (inclusive) of a single byte range over {@code size} bytes; null when the
   * header is not one byte range we serve (another unit, several ranges, malformed: the whole blob
   * is sent, as RFC 9110 allows); {@link #UNSATISFIABLE} when it starts past the end.
   */
  static long[] parse(String header, long size) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = h.substring(6).trim();
    if (spec.contains(",")) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) { // suffix: the last b bytes
        if (b.isEmpty()) {
          return null;
        }
        long n = Long.parseLong(b);
        if (n < 0) {
          return null;
        }
        if (n == 0 || size == 0) {
          return UNSATISFIABLE;
        }
        return new long[] {Math.max(0, size - n), size - 1};
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (first < 0 || last < first) {
        return null;
      }
      if (first >= size) {
        return UNSATISFIABLE;
      }
      return new long[] {first, Math.min(last, size - 1)};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
