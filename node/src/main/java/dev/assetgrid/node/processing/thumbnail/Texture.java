package dev.assetgrid.node.processing.thumbnail;

/**
 * A decoded base colour texture (sRGB texels, non-premultiplied ARGB) with its sampler's wrap
 * modes; sampled bilinearly (nearest when the sampler's magFilter asks for it) into linear colour.
 */
final class Texture {
  static final int REPEAT = 10497;
  static final int CLAMP_TO_EDGE = 33071;
  static final int MIRRORED_REPEAT = 33648;
  static final int NEAREST = 9728;

  final int width;
  final int height;
  final int[] argb;
  final int wrapS;
  final int wrapT;
  final boolean nearest;

  Texture(int width, int height, int[] argb, int wrapS, int wrapT, boolean nearest) {
    this.width = width;
    this.height = height;
    this.argb = argb;
    this.wrapS = wrapS;
    this.wrapT = wrapT;
    this.nearest = nearest;
  }

  /** Linear RGBA at (u, v) into {@code out[0..3]}. */
  void sample(float u, float v, float[] out) {
    if (!Float.isFinite(u) || !Float.isFinite(v)) {
      u = 0;
      v = 0;
    }
    float x = u * width - 0.5f;
    float y = v * height - 0.5f;
    if (nearest) {
      int xi = wrap((int) Math.floor(x + 0.5f), width, wrapS);
      int yi = wrap((int) Math.floor(y + 0.5f), height, wrapT);
      int p = argb[yi * width + xi];
      out[0] = Srgb.TO_LINEAR[(p >> 16) & 0xff];
      out[1] = Srgb.TO_LINEAR[(p >> 8) & 0xff];
      out[2] = Srgb.TO_LINEAR[p & 0xff];
      out[3] = (p >>> 24) / 255f;
      return;
    }
    float fx = (float) Math.floor(x);
    float fy = (float) Math.floor(y);
    float ax = x - fx;
    float ay = y - fy;
    int x0 = wrap((int) fx, width, wrapS);
    int x1 = wrap((int) fx + 1, width, wrapS);
    int y0 = wrap((int) fy, height, wrapT);
    int y1 = wrap((int) fy + 1, height, wrapT);
    int p00 = argb[y0 * width + x0];
    int p10 = argb[y0 * width + x1];
    int p01 = argb[y1 * width + x0];
    int p11 = argb[y1 * width + x1];
    float w00 = (1 - ax) * (1 - ay);
    float w10 = ax * (1 - ay);
    float w01 = (1 - ax) * ay;
    float w11 = ax * ay;
    float[] lin = Srgb.TO_LINEAR;
    out[0] =
        lin[(p00 >> 16) & 0xff] * w00
            + lin[(p10 >> 16) & 0xff] * w10
            + lin[(p01 >> 16) & 0xff] * w01
            + lin[(p11 >> 16) & 0xff] * w11;
    out[1] =
        lin[(p00 >> 8) & 0xff] * w00
            + lin[(p10 >> 8) & 0xff] * w10
            + lin[(p01 >> 8) & 0xff] * w01
            + lin[(p11 >> 8) & 0xff] * w11;
    out[2] =
        lin[p00 & 0xff] * w00
            + lin[p10 & 0xff] * w10
            + lin[p01 & 0xff] * w01
            + lin[p11 & 0xff] * w11;
    out[3] =
        ((p00 >>> 24) * w00 + (p10 >>> 24) * w10 + (p01 >>> 24) * w01 + (p11 >>> 24) * w11) / 255f;
  }

  private static int wrap(int i, int n, int mode) {
    if (i >= 0 && i < n) {
      return i;
    }
    switch (mode) {
      case CLAMP_TO_EDGE:
        return i < 0 ? 0 : n - 1;
      case MIRRORED_REPEAT:
        {
          int period = 2 * n;
          int m = Math.floorMod(i, period);
          return m < n ? m : period - 1 - m;
        }
      default:
        return Math.floorMod(i, n);
    }
  }

  /**
   * Halves the texture (2x2 box filter in linear space) until neither side exceeds {@code maxSide}:
   * a thumbnail never needs more texels than it has samples, and sampling a reduced texture aliases
   * less (a one-level stand-in for mipmaps).
   */
  static int[] reduce(int[] argb, int[] size, int maxSide) {
    int w = size[0];
    int h = size[1];
    while (w > maxSide || h > maxSide) {
      int nw = Math.max(1, w / 2);
      int nh = Math.max(1, h / 2);
      int[] out = new int[nw * nh];
      for (int y = 0; y < nh; y++) {
        int sy0 = Math.min(h - 1, 2 * y);
        int sy1 = Math.min(h - 1, 2 * y + 1);
        for (int x = 0; x < nw; x++) {
          int sx0 = Math.min(w - 1, 2 * x);
          int sx1 = Math.min(w - 1, 2 * x + 1);
          int a = argb[sy0 * w + sx0];
          int b = argb[sy0 * w + sx1];
          int c = argb[sy1 * w + sx0];
          int d = argb[sy1 * w + sx1];
          int alpha = ((a >>> 24) + (b >>> 24) + (c >>> 24) + (d >>> 24) + 2) / 4;
          int r = Srgb.encode(avg(a, b, c, d, 16));
          int g = Srgb.encode(avg(a, b, c, d, 8));
          int bl = Srgb.encode(avg(a, b, c, d, 0));
          out[y * nw + x] = alpha << 24 | r << 16 | g << 8 | bl;
        }
      }
      argb = out;
      w = nw;
      h = nh;
    }
    size[0] = w;
    size[1] = h;
    return argb;
  }

  private static float avg(int a, int b, int c, int d, int shift) {
    float[] lin = Srgb.TO_LINEAR;
    return (lin[(a >> shift) & 0xff]
            + lin[(b >> shift) & 0xff]
            + lin[(c >> shift) & 0xff]
            + lin[(d >> shift) & 0xff])
        / 4;
  }
}
