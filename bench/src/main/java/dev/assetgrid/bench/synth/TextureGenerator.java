package dev.assetgrid.bench.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Seeded procedural RGB textures (checker + value noise + gradient) encoded as PNG with
 * javax.imageio. Noise keeps the PNG from compressing to nothing, so texture stages see real work.
 */
public final class TextureGenerator {
  private TextureGenerator() {}

  public static byte[] png(int size, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int cell = Math.max(8, size / 16);
    int hueR = rnd.nextInt(256);
    int hueG = rnd.nextInt(256);
    int hueB = rnd.nextInt(256);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean dark = ((x / cell) + (y / cell)) % 2 == 0;
        int noise = rnd.nextInt(48);
        int r = clamp((dark ? hueR / 2 : hueR) + noise + x * 64 / size);
        int g = clamp((dark ? hueG / 2 : hueG) + noise + y * 64 / size);
        int b = clamp((dark ? hueB / 2 : hueB) + noise);
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
