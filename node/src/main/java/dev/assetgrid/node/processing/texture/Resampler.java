package dev.assetgrid.node.processing.texture;

import dev.assetgrid.shared.stage.TextureRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Resizes RGBA8 images and builds mip chains, in plain Java.
 *
 * <p>Design note: downscaling is an exact box (area) filter: every source texel contributes by the
 * fraction of it a destination texel covers, which handles the odd sizes of NPOT chains (3 → 1)
 * without dropping texels. Upscaling (rounding a side up to a multiple of 4 or a power of two) is
 * bilinear. Filtering is separable and streams one destination row at a time, so memory stays
 * O(width) beyond the output. Colour ({@link TextureRole#COLOR}) is filtered in linear light (sRGB
 * decoded through a table, re-encoded by binary search over exact rounding thresholds) and, when
 * the image has alpha, weighted by alpha so transparent texels do not bleed their colour into
 * edges. Normal maps are filtered as vectors and renormalised; data maps are filtered as they are.
 * Each mip level is made from the previous one, as gltfpack and toktx do.
 */
public final class Resampler {
  private static final float[] UNORM = new float[256];
  private static final float[] SRGB_TO_LINEAR = new float[256];

  /** SRGB_THRESHOLDS[b] = linear value where sRGB code b+1 starts (code b+0.5 decoded). */
  private static final float[] SRGB_THRESHOLDS = new float[255];

  static {
    for (int i = 0; i < 256; i++) {
      UNORM[i] = i / 255f;
      SRGB_TO_LINEAR[i] = (float) srgbToLinear(i / 255.0);
    }
    for (int b = 0; b < 255; b++) {
      SRGB_THRESHOLDS[b] = (float) srgbToLinear((b + 0.5) / 255.0);
    }
  }

  private Resampler() {}

  /** The sRGB EOTF (IEC 61966-2-1), for {@code v} in 0..1. */
  public static double srgbToLinear(double v) {
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  /** The 8-bit sRGB code of a linear value (rounded in sRGB space, clamped). */
  public static int linearToSrgb8(float v) {
    int lo = 0;
    int hi = 255;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (SRGB_THRESHOLDS[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Output size for a {@code width x height} input: first {@code maxSize} on the longest side
   * (aspect kept), then powers of two when asked, then each side rounded to a multiple of 4 (at
   * least 4, never above {@code maxSize}).
   */
  public static int[] targetSize(int width, int height, int maxSize, boolean powerOfTwo) {
    double w = width;
    double h = height;
    if (maxSize > 0 && Math.max(w, h) > maxSize) {
      double s = maxSize / Math.max(w, h);
      w = Math.max(1, Math.round(w * s));
      h = Math.max(1, Math.round(h * s));
    }
    int tw = (int) w;
    int th = (int) h;
    if (powerOfTwo) {
      tw = nearestPowerOfTwo(tw, maxSize);
      th = nearestPowerOfTwo(th, maxSize);
    }
    return new int[] {multipleOf4(tw, maxSize), multipleOf4(th, maxSize)};
  }

  private static int nearestPowerOfTwo(int v, int maxSize) {
    int lower = Integer.highestOneBit(Math.max(1, v));
    int upper = lower << 1;
    int p = (v - lower) < (upper - v) ? lower : upper;
    while (maxSize > 0 && p > maxSize && p > 1) {
      p >>= 1;
    }
    return p;
  }

  private static int multipleOf4(int v, int maxSize) {
    int m = Math.max(4, (v + 2) / 4 * 4);
    if (maxSize > 0 && m > maxSize) {
      m = Math.max(4, maxSize / 4 * 4);
    }
    return m;
  }

  /** Number of levels of a full chain down to 1 x 1. */
  public static int levelCount(int width, int height) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(width, height));
  }

  /**
   * The full mip chain of an RGBA8 image: level 0 is {@code base} itself, level i is {@code max(1,
   * width >> i) x max(1, height >> i)}.
   */
  public static List<byte[]> mipChain(
      byte[] base, int width, int height, TextureRole role, boolean alphaWeighted) {
    List<byte[]> out = new ArrayList<>();
    out.add(base);
    int w = width;
    int h = height;
    for (int i = 1; i < levelCount(width, height); i++) {
      int nw = Math.max(1, w >> 1);
      int nh = Math.max(1, h >> 1);
      out.add(resize(out.get(i - 1), w, h, nw, nh, role, alphaWeighted));
      w = nw;
      h = nh;
    }
    return out;
  }

  /**
   * Resizes an RGBA8 image ({@code sw * sh * 4} bytes, rows top to bottom). Returns {@code src}
   * itself when the size does not change.
   *
   * @param alphaWeighted weight colour by alpha (for COLOR images that have transparency)
   */
  public static byte[] resize(
      byte[] src, int sw, int sh, int dw, int dh, TextureRole role, boolean alphaWeighted) {
    if (src.length != (long) sw * sh * 4) {
      throw new IllegalArgumentException("source is not " + sw + "x" + sh + " RGBA8");
    }
    if (sw == dw && sh == dh) {
      return src;
    }
    Taps tx = Taps.of(sw, dw);
    Taps ty = Taps.of(sh, dh);
    boolean premul = alphaWeighted && role == TextureRole.COLOR;
    float[] lut = role.srgb() ? SRGB_TO_LINEAR : UNORM;
    int k = premul ? 7 : 4;
    float[] row = new float[dw * k];
    float[] acc = new float[dw * k];
    byte[] out = new byte[dw * dh * 4];
    for (int y = 0; y < dh; y++) {
      java.util.Arrays.fill(acc, 0f);
      for (int t = ty.offset[y]; t < ty.offset[y + 1]; t++) {
        horizontal(src, sw, ty.index[t], tx, lut, premul, row);
        float wy = ty.weight[t];
        for (int i = 0; i < acc.length; i++) {
          acc[i] += wy * row[i];
        }
      }
      int o = y * dw * 4;
      for (int x = 0; x < dw; x++, o += 4) {
        int a = x * k;
        float r;
        float g;
        float b;
        float alpha = acc[a + 3];
        if (premul && alpha > 1e-6f) {
          r = acc[a] / alpha;
          g = acc[a + 1] / alpha;
          b = acc[a + 2] / alpha;
        } else if (premul) {
          r = acc[a + 4];
          g = acc[a + 5];
          b = acc[a + 6];
        } else {
          r = acc[a];
          g = acc[a + 1];
          b = acc[a + 2];
        }
        if (role == TextureRole.NORMAL) {
          float nx = r * 2 - 1;
          float ny = g * 2 - 1;
          float nz = b * 2 - 1;
          float len = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
          if (len > 1e-4f) {
            r = (nx / len + 1) * 0.5f;
            g = (ny / len + 1) * 0.5f;
            b = (nz / len + 1) * 0.5f;
          }
        }
        if (role.srgb()) {
          out[o] = (byte) linearToSrgb8(r);
          out[o + 1] = (byte) linearToSrgb8(g);
          out[o + 2] = (byte) linearToSrgb8(b);
        } else {
          out[o] = unorm8(r);
          out[o + 1] = unorm8(g);
          out[o + 2] = unorm8(b);
        }
        out[o + 3] = unorm8(alpha);
      }
    }
    return out;
  }

  private static void horizontal(
      byte[] src, int sw, int sy, Taps tx, float[] lut, boolean premul, float[] row) {
    int k = premul ? 7 : 4;
    int base = sy * sw * 4;
    for (int x = 0, o = 0; x < tx.offset.length - 1; x++, o += k) {
      float r = 0;
      float g = 0;
      float b = 0;
      float a = 0;
      float pr = 0;
      float pg = 0;
      float pb = 0;
      for (int t = tx.offset[x]; t < tx.offset[x + 1]; t++) {
        int p = base + tx.index[t] * 4;
        float w = tx.weight[t];
        float sr = lut[src[p] & 0xff];
        float sg = lut[src[p + 1] & 0xff];
        float sb = lut[src[p + 2] & 0xff];
        float sa = UNORM[src[p + 3] & 0xff];
        r += w * sr;
        g += w * sg;
        b += w * sb;
        a += w * sa;
        if (premul) {
          pr += w * sr * sa;
          pg += w * sg * sa;
          pb += w * sb * sa;
        }
      }
      if (premul) {
        row[o] = pr;
        row[o + 1] = pg;
        row[o + 2] = pb;
        row[o + 3] = a;
        row[o + 4] = r;
        row[o + 5] = g;
        row[o + 6] = b;
      } else {
        row[o] = r;
        row[o + 1] = g;
        row[o + 2] = b;
        row[o + 3] = a;
      }
    }
  }

  private static byte unorm8(float v) {
    int i = Math.round(v * 255f);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }

  /** Filter taps along one axis: destination i reads index[offset[i]..offset[i+1]) with weights. */
  private static final class Taps {
    final int[] offset;
    final int[] index;
    final float[] weight;

    private Taps(int[] offset, int[] index, float[] weight) {
      this.offset = offset;
      this.index = index;
      this.weight = weight;
    }

    static Taps of(int src, int dst) {
      double r = (double) src / dst;
      int per = dst < src ? (int) Math.ceil(r) + 2 : 2;
      int[] offset = new int[dst + 1];
      int[] index = new int[dst * per];
      float[] weight = new float[dst * per];
      int n = 0;
      for (int x = 0; x < dst; x++) {
        offset[x] = n;
        if (dst < src) {
          double a = x * r;
          double b = Math.min(src, a + r);
          for (int i = (int) Math.floor(a); i < src && i < b; i++) {
            double w = Math.min(b, i + 1) - Math.max(a, i);
            if (w > 1e-9) {
              index[n] = i;
              weight[n++] = (float) (w / r);
            }
          }
        } else {
          double c = (x + 0.5) * r - 0.5;
          int i0 = (int) Math.floor(c);
          double f = c - i0;
          index[n] = Math.max(0, Math.min(src - 1, i0));
          weight[n++] = (float) (1 - f);
          if (f > 1e-9) {
            index[n] = Math.max(0, Math.min(src - 1, i0 + 1));
            weight[n++] = (float) f;
          }
        }
      }
      offset[dst] = n;
      return new Taps(offset, index, weight);
    }
  }
}
