package dev.assetgrid.node.processing.texture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Synthetic test images, encoded with javax.imageio. */
final class TestImages {
  private TestImages() {}

  /** A texel function: (x, y) → 0xAARRGGBB. */
  interface Texel {
    int argb(int x, int y);
  }

  /** Smooth colour gradients with soft waves: easy for block codecs, sensitive to colour shifts. */
  static int smooth(int x, int y, int w, int h) {
    double u = x / (double) w;
    double v = y / (double) h;
    int r = (int) Math.round(255 * (0.5 + 0.4 * Math.sin(u * Math.PI * 2)));
    int g = (int) Math.round(255 * v);
    int b = (int) Math.round(255 * (0.5 + 0.4 * Math.cos((u + v) * Math.PI * 1.5)));
    return 0xff000000 | r << 16 | g << 8 | b;
  }

  /** A tangent-space normal map of soft bumps. */
  static int normal(int x, int y, int w, int h) {
    double nx = 0.5 * Math.sin(x * Math.PI * 4 / w);
    double ny = 0.5 * Math.cos(y * Math.PI * 4 / h);
    double nz = 1;
    double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    int r = (int) Math.round((nx / len * 0.5 + 0.5) * 255);
    int g = (int) Math.round((ny / len * 0.5 + 0.5) * 255);
    int b = (int) Math.round((nz / len * 0.5 + 0.5) * 255);
    return 0xff000000 | r << 16 | g << 8 | b;
  }

  static BufferedImage image(int w, int h, boolean alpha, Texel f) {
    BufferedImage img =
        new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, f.argb(x, y));
      }
    }
    return img;
  }

  static byte[] png(int w, int h, boolean alpha, Texel f) {
    return encode(image(w, h, alpha, f), "png");
  }

  static byte[] jpeg(int w, int h, Texel f) {
    return encode(image(w, h, false, f), "jpeg");
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** RGBA8 bytes of a texel function, rows top to bottom. */
  static byte[] rgba(int w, int h, Texel f) {
    byte[] out = new byte[w * h * 4];
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++, o += 4) {
        int c = f.argb(x, y);
        out[o] = (byte) (c >> 16);
        out[o + 1] = (byte) (c >> 8);
        out[o + 2] = (byte) c;
        out[o + 3] = (byte) (c >>> 24);
      }
    }
    return out;
  }

  /**
   * A PNG whose IHDR declares {@code w x h} RGBA pixels, followed by a tiny IDAT and IEND: a
   * decompression bomb as far as the header is concerned.
   */
  static byte[] pngHeaderOnly(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 10 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 6)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0});
    chunk(b, "IEND", new byte[0]);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    b.putInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
  }
}
