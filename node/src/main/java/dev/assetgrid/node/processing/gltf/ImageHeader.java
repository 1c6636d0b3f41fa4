package dev.assetgrid.node.processing.gltf;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Image format and dimensions read from the file header only (PNG IHDR, JPEG marker walk up to the
 * first SOFn, KTX2 header, WebP VP8/VP8L/VP8X), every read bounds-checked; nothing is decoded.
 *
 * <p>One reading of headers serves both the pipeline stages ({@link #parse}: a usable header or
 * nothing) and the validator ({@link #probe}: also says why a recognised header is unusable). The
 * rules are those of the Khronos glTF-Validator, whose reports the validator has to match: the full
 * format signature, a complete 13-byte IHDR, JPEG markers and segment lengths as the JPEG standard
 * defines them.
 *
 * @param mimeType image/png, image/jpeg, image/ktx2 or image/webp
 * @param width pixels, &gt;= 1
 * @param height pixels, &gt;= 1
 */
public record ImageHeader(String mimeType, int width, int height) {

  /** Why a recognised header is unusable. */
  public enum Defect {
    /** The data ends before the header does. */
    TRUNCATED,
    /** The header is malformed; {@link Probe#reason()} says how. */
    INVALID
  }

  /**
   * What {@link #probe} found.
   *
   * @param mimeType the recognised format, null when the signature matches none
   * @param width pixels as declared (KTX2 may declare 0); 0 when {@code defect} is set
   * @param height pixels as declared (1D KTX2 textures declare 0); 0 when {@code defect} is set
   * @param defect null when the header was read, else why not
   * @param reason for {@link Defect#INVALID}, a sentence such as "Invalid first chunk."; else null
   */
  public record Probe(String mimeType, int width, int height, Defect defect, String reason) {
    /** True when the format was recognised and its header read. */
    public boolean ok() {
      return mimeType != null && defect == null;
    }
  }

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final byte[] KTX2 = {
    (byte) 0xAB, 'K', 'T', 'X', ' ', '2', '0', (byte) 0xBB, 0x0D, 0x0A, 0x1A, 0x0A
  };
  private static final Probe UNRECOGNIZED = new Probe(null, 0, 0, null, null);

  /**
   * The header of {@code b}, or empty when the format is unknown, the header malformed or
   * truncated, or a dimension below 1 (a 1D KTX2 texture's declared height 0 counts as 1).
   */
  public static Optional<ImageHeader> parse(byte[] b) {
    Probe p = probe(b);
    if (!p.ok()) {
      return Optional.empty();
    }
    int height = p.mimeType().equals("image/ktx2") && p.height() == 0 ? 1 : p.height();
    if (p.width() < 1 || height < 1) {
      return Optional.empty();
    }
    return Optional.of(new ImageHeader(p.mimeType(), p.width(), height));
  }

  /** Recognises the format of {@code b} by its signature and reads its header. */
  public static Probe probe(byte[] b) {
    if (startsWith(b, PNG)) {
      return png(b);
    }
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
      return jpeg(b);
    }
    if (b.length >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return webp(b);
    }
    if (startsWith(b, KTX2)) {
      if (b.length < 28) {
        return truncated("image/ktx2");
      }
      return new Probe("image/ktx2", le32(b, 20), le32(b, 24), null, null);
    }
    return UNRECOGNIZED;
  }

  private static Probe png(byte[] b) {
    String m = "image/png";
    if (b.length < 8 + 8 + 13) {
      return truncated(m);
    }
    int len = be32(b, 8);
    if (len != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      return invalid(m, "Invalid first chunk.");
    }
    int w = be32(b, 16);
    int h = be32(b, 20);
    if (w <= 0 || h <= 0) {
      return invalid(m, "Invalid image dimensions.");
    }
    return new Probe(m, w, h, null, null);
  }

  /** Walks the marker segments up to the first frame header (SOFn). */
  private static Probe jpeg(byte[] b) {
    String m = "image/jpeg";
    int o = 2;
    while (true) {
      if (o >= b.length) {
        return truncated(m);
      }
      if ((b[o] & 0xFF) != 0xFF) {
        return invalid(m, "Invalid JPEG marker.");
      }
      while (o < b.length && (b[o] & 0xFF) == 0xFF) {
        o++; // fill bytes
      }
      if (o >= b.length) {
        return truncated(m);
      }
      int marker = b[o++] & 0xFF;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue; // TEM and RSTn stand alone, without a length
      }
      if (marker == 0xD8 || marker == 0xD9 || marker == 0x00) {
        return invalid(m, "Invalid JPEG marker.");
      }
      if (o + 2 > b.length) {
        return truncated(m);
      }
      int len = be16(b, o);
      if (len < 2) {
        return invalid(m, "Invalid JPEG marker segment length.");
      }
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        return frameHeader(b, o, len);
      }
      o += len;
    }
  }

  /** The SOFn segment at {@code o} (its length field) of {@code len} bytes. */
  private static Probe frameHeader(byte[] b, int o, int len) {
    String m = "image/jpeg";
    if (len < 8) {
      return invalid(m, "Invalid JPEG marker segment length.");
    }
    if (o + 7 > b.length) {
      return truncated(m);
    }
    int h = be16(b, o + 3);
    int w = be16(b, o + 5);
    if (w == 0 || h == 0) {
      return invalid(m, "Invalid image dimensions.");
    }
    return new Probe(m, w, h, null, null);
  }

  private static Probe webp(byte[] b) {
    String m = "image/webp";
    if (b.length < 30) {
      return truncated(m);
    }
    String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
    switch (chunk) {
      case "VP8 " -> {
        if ((b[23] & 0xFF) != 0x9D || (b[24] & 0xFF) != 0x01 || (b[25] & 0xFF) != 0x2A) {
          return invalid(m, "Invalid VP8 signature.");
        }
        return new Probe(m, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, null, null);
      }
      case "VP8L" -> {
        if ((b[20] & 0xFF) != 0x2F) {
          return invalid(m, "Invalid VP8L signature.");
        }
        int bits = le32(b, 21);
        return new Probe(m, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, null, null);
      }
      case "VP8X" -> {
        return new Probe(m, 1 + le24(b, 24), 1 + le24(b, 27), null, null);
      }
      default -> {
        return invalid(m, "Unknown WebP chunk.");
      }
    }
  }

  private static Probe truncated(String mime) {
    return new Probe(mime, 0, 0, Defect.TRUNCATED, null);
  }

  private static Probe invalid(String mime, String reason) {
    return new Probe(mime, 0, 0, Defect.INVALID, reason);
  }

  private static boolean startsWith(byte[] b, byte[] signature) {
    if (b.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if (b[i] != signature[i]) {
        return false;
      }
    }
    return true;
  }

  private static int be16(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  private static int le16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  private static int le24(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
  }

  private static int be32(byte[] b, int i) {
    return (b[i] & 0xFF) << 24
        | (b[i + 1] & 0xFF) << 16
        | (b[i + 2] & 0xFF) << 8
        | (b[i + 3] & 0xFF);
  }

  private static int le32(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
