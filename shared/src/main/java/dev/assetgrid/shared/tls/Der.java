package dev.assetgrid.shared.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The few ASN.1 DER encodings an X.509 certificate needs (X.690 §8 and §10): definite lengths,
 * primitive values, constructed sequences and sets. Encoding only; reading certificates back is the
 * JDK's {@code CertificateFactory}.
 */
final class Der {
  private Der() {}

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Tag, length and the concatenated contents. */
  static byte[] tlv(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] c : contents) {
      body.writeBytes(c);
    }
    int n = body.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... items) {
    return tlv(0x30, items);
  }

  static byte[] set(byte[]... items) {
    return tlv(0x31, items);
  }

  /** {@code [n] EXPLICIT}: a context-specific constructed wrapper. */
  static byte[] explicit(int n, byte[] content) {
    return tlv(0xA0 | n, content);
  }

  /** {@code [n] IMPLICIT} of a primitive value (GeneralName choices). */
  static byte[] implicit(int n, byte[] value) {
    return tlv(0x80 | n, value);
  }

  static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  static byte[] bool(boolean v) {
    return tlv(0x01, new byte[] {(byte) (v ? 0xFF : 0x00)});
  }

  static byte[] octets(byte[] v) {
    return tlv(0x04, v);
  }

  /** A BIT STRING of whole bytes, or with {@code unusedBits} trailing bits unused. */
  static byte[] bits(byte[] v, int unusedBits) {
    byte[] body = new byte[v.length + 1];
    body[0] = (byte) unusedBits;
    System.arraycopy(v, 0, body, 1, v.length);
    return tlv(0x03, body);
  }

  static byte[] utf8(String s) {
    return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  static byte[] time(Instant t) {
    int year = t.atZone(ZoneOffset.UTC).getYear();
    return year < 2050
        ? tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(0x06, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    for (long x = v >>> 7; x != 0; x >>>= 7) {
      groups++;
    }
    for (int i = groups - 1; i >= 0; i--) {
      int b = (int) ((v >>> (7 * i)) & 0x7F);
      out.write(i == 0 ? b : b | 0x80);
    }
  }
}
