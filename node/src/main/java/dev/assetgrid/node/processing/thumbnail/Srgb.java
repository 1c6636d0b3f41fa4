package dev.assetgrid.node.processing.thumbnail;

/** sRGB transfer function through lookup tables: shading happens in linear space. */
final class Srgb {
  private Srgb() {}

  /** 8-bit sRGB value → linear 0..1. */
  static final float[] TO_LINEAR = new float[256];

  private static final int ENCODE_STEPS = 4096;
  private static final int[] TO_SRGB = new int[ENCODE_STEPS + 1];

  static {
    for (int i = 0; i < 256; i++) {
      double c = i / 255.0;
      TO_LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
    for (int i = 0; i <= ENCODE_STEPS; i++) {
      double l = (double) i / ENCODE_STEPS;
      double c = l <= 0.0031308 ? l * 12.92 : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
      TO_SRGB[i] = (int) Math.round(Math.max(0, Math.min(1, c)) * 255);
    }
  }

  /** Linear 0..1 (clamped) → 8-bit sRGB. */
  static int encode(float linear) {
    if (!(linear > 0)) {
      return 0;
    }
    if (linear >= 1) {
      return 255;
    }
    return TO_SRGB[(int) (linear * ENCODE_STEPS + 0.5f)];
  }
}
