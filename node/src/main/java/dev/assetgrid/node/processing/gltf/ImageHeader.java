package dev.assetgrid.node.processing.gltf;

import java.util.Optional;

/**
 * Image dimensions read from the file header only (PNG IHDR, JPEG SOFn, KTX2 header, WebP
 * VP8/VP8L/VP8X), every read bounds-checked; nothing is decoded.
 *
 * @param mimeType image/png, image/jpeg, image/ktx2 or image/webp
 * @param width pixels, &gt;= 1
 * @param height pixels, &gt;= 1
 */
public record ImageHeader(String mimeType, int width, int height) {

  /** The header of {@code b}, or empty when the format is unknown or the header is malformed. */
  public static Optional<ImageHeader> parse(byte[] b) {
    String mime = ImageData.sniffMimeType(b);
    if (mime == null) {
      return Optional.empty();
    }
    long w = -1;
    long h = -1;
    switch (mime) {
      case "image/png" -> {
        if (b.length >= 24 && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R') {
          w = be32(b, 16);
          h = be32(b, 20);
        }
      }
      case "image/jpeg" -> {
        long[] wh = jpeg(b);
        w = wh[0];
        h = wh[1];
      }
      case "image/ktx2" -> {
        if (b.length >= 28) {
          w = le32(b, 20);
          h = Math.max(1, le32(b, 24)); // 1D textures declare height 0
        }
      }
      case "image/webp" -> {
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == ' ') {
          if ((b[23] & 0xff) == 0x9d && (b[24] & 0xff) == 0x01 && (b[25] & 0xff) == 0x2a) {
            w = le16(b, 26) & 0x3fff;
            h = le16(b, 28) & 0x3fff;
          }
        } else if (b.length >= 25 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'L') {
          if ((b[20] & 0xff) == 0x2f) {
            long bits = le32(b, 21);
            w = (bits & 0x3fff) + 1;
            h = ((bits >> 14) & 0x3fff) + 1;
          }
        } else if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X') {
          w = 1 + le24(b, 24);
          h = 1 + le24(b, 27);
        }
      }
      default -> { }
    }
    if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(new ImageHeader(mime, (int) w, (int) h));
  }

  private static long[] jpeg(byte[] b) {
    int i = 2;
    while (i + 4 <= b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        break;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        i += 2;
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        break; // end of image / start of scan before any frame header
      }
      int segment = be16(b, i + 2);
      if (segment < 2) {
        break;
      }
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        if (i + 9 > b.length) {
          break;
        }
        return new long[] {be16(b, i + 7), be16(b, i + 5)};
      }
      i += 2 + segment;
    }
    return new long[] {-1, -1};
  }

  private static int be16(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  private static int le16(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
  }

  private static long le24(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
  }

  private static long be32(byte[] b, int i) {
    return (long) (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }

  private static long le32(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (long) (b[i + 3] & 0xff) << 24;
  }
}
