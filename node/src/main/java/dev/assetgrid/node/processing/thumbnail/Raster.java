package dev.assetgrid.node.processing.thumbnail;

/**
 * The sample buffer and the triangle rasterizer: half-space edge functions over the triangle's
 * bounding box, samples at pixel centres with the top-left fill rule (shared edges are drawn once,
 * which matters for BLEND), a reciprocal-depth z-buffer ({@code 1/w}: larger is nearer, so no far
 * plane is needed), perspective-correct UV and colour, and per-sample shading.
 *
 * <p>Colours are linear and premultiplied by alpha in the buffer; {@link #resolve} box-filters
 * {@code n x n} samples into one pixel, composites over the background and encodes sRGB.
 *
 * <p>Vertices passed to {@link #triangle} are {@code float[9]}: screen x, y (pixels of this buffer,
 * y down), {@code 1/w}, u, v, r, g, b, a. Nothing is allocated per triangle or per sample.
 */
final class Raster {
  final int width;
  final int height;
  final float[] red;
  final float[] green;
  final float[] blue;
  final float[] alpha;
  final float[] depth;

  // shading state of the current draw
  private Texture texture;
  private int alphaMode = Material.OPAQUE;
  private float alphaCutoff = 0.5f;
  private float emissiveR;
  private float emissiveG;
  private float emissiveB;
  private final float[] texel = new float[4];
  private final float[] attr =
      new float[21]; // 3 vertices x (u, v, r, g, b, a, 1/w), premultiplied by 1/w

  Raster(int width, int height) {
    this.width = width;
    this.height = height;
    int n = width * height;
    red = new float[n];
    green = new float[n];
    blue = new float[n];
    alpha = new float[n];
    depth = new float[n];
  }

  /** Sets the material of the triangles that follow ({@code texture} null when not sampled). */
  void material(Texture texture, int alphaMode, float alphaCutoff, float[] emissive) {
    this.texture = texture;
    this.alphaMode = alphaMode;
    this.alphaCutoff = alphaCutoff;
    this.emissiveR = emissive[0];
    this.emissiveG = emissive[1];
    this.emissiveB = emissive[2];
  }

  void triangle(float[] p0, float[] p1, float[] p2) {
    float area = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p1[1] - p0[1]) * (p2[0] - p0[0]);
    if (!(area > 0)) {
      if (!(area < 0)) {
        return; // degenerate or NaN
      }
      float[] t = p1;
      p1 = p2;
      p2 = t;
      area = -area;
    }
    float x0 = p0[0], y0 = p0[1], x1 = p1[0], y1 = p1[1], x2 = p2[0], y2 = p2[1];
    int minX = Math.max(0, (int) Math.ceil(Math.min(x0, Math.min(x1, x2)) - 0.5f));
    int maxX = Math.min(width - 1, (int) Math.floor(Math.max(x0, Math.max(x1, x2)) - 0.5f));
    int minY = Math.max(0, (int) Math.ceil(Math.min(y0, Math.min(y1, y2)) - 0.5f));
    int maxY = Math.min(height - 1, (int) Math.floor(Math.max(y0, Math.max(y1, y2)) - 0.5f));
    if (minX > maxX || minY > maxY) {
      return;
    }
    // edge k is opposite vertex k; E(a, b, p) = (bx - ax)(py - ay) - (by - ay)(px - ax) > 0 inside
    float a0 = -(y2 - y1), b0 = x2 - x1;
    float a1 = -(y0 - y2), b1 = x0 - x2;
    float a2 = -(y1 - y0), b2 = x1 - x0;
    boolean tl0 = topLeft(x1, y1, x2, y2);
    boolean tl1 = topLeft(x2, y2, x0, y0);
    boolean tl2 = topLeft(x0, y0, x1, y1);
    float inv = 1 / area;
    setup(p0, 0);
    setup(p1, 7);
    setup(p2, 14);
    float cx = minX + 0.5f;
    for (int py = minY; py <= maxY; py++) {
      float cy = py + 0.5f;
      float w0 = b0 * (cy - y1) + a0 * (cx - x1);
      float w1 = b1 * (cy - y2) + a1 * (cx - x2);
      float w2 = b2 * (cy - y0) + a2 * (cx - x0);
      int row = py * width;
      for (int px = minX; px <= maxX; px++) {
        if ((w0 > 0 || (w0 == 0 && tl0))
            && (w1 > 0 || (w1 == 0 && tl1))
            && (w2 > 0 || (w2 == 0 && tl2))) {
          shade(row + px, w0 * inv, w1 * inv, w2 * inv);
        }
        w0 += a0;
        w1 += a1;
        w2 += a2;
      }
    }
  }

  /** Whether edge a→b is a top or left edge of a triangle with positive area in y-down pixels. */
  private static boolean topLeft(float ax, float ay, float bx, float by) {
    float dy = by - ay;
    return dy < 0 || (dy == 0 && bx > ax);
  }

  private void setup(float[] p, int o) {
    float iw = p[2];
    attr[o] = p[3] * iw;
    attr[o + 1] = p[4] * iw;
    attr[o + 2] = p[5] * iw;
    attr[o + 3] = p[6] * iw;
    attr[o + 4] = p[7] * iw;
    attr[o + 5] = p[8] * iw;
    attr[o + 6] = iw;
  }

  private void shade(int i, float l0, float l1, float l2) {
    float[] t = attr;
    float iw = l0 * t[6] + l1 * t[13] + l2 * t[20];
    if (!(iw > depth[i])) {
      return;
    }
    float w = 1 / iw;
    float r = (l0 * t[2] + l1 * t[9] + l2 * t[16]) * w;
    float g = (l0 * t[3] + l1 * t[10] + l2 * t[17]) * w;
    float b = (l0 * t[4] + l1 * t[11] + l2 * t[18]) * w;
    float a = (l0 * t[5] + l1 * t[12] + l2 * t[19]) * w;
    if (texture != null) {
      texture.sample(
          (l0 * t[0] + l1 * t[7] + l2 * t[14]) * w,
          (l0 * t[1] + l1 * t[8] + l2 * t[15]) * w,
          texel);
      r *= texel[0];
      g *= texel[1];
      b *= texel[2];
      a *= texel[3];
    }
    r = Math.min(1, r + emissiveR);
    g = Math.min(1, g + emissiveG);
    b = Math.min(1, b + emissiveB);
    if (alphaMode == Material.BLEND) {
      a = Math.min(1, a);
      if (!(a > 0)) {
        return;
      }
      float k = 1 - a;
      red[i] = r * a + red[i] * k;
      green[i] = g * a + green[i] * k;
      blue[i] = b * a + blue[i] * k;
      alpha[i] = a + alpha[i] * k;
      return; // translucent surfaces do not occlude
    }
    if (alphaMode == Material.MASK && !(a >= alphaCutoff)) {
      return;
    }
    red[i] = r;
    green[i] = g;
    blue[i] = b;
    alpha[i] = 1;
    depth[i] = iw;
  }

  /**
   * Box-filters {@code n x n} samples per pixel, composites over {@code background} (sRGB ARGB,
   * non-premultiplied) and returns non-premultiplied sRGB ARGB pixels; {@code coverage[0]} receives
   * the fraction of pixels the model touches (sample alpha before the background).
   */
  int[] resolve(int n, int background, double[] coverage) {
    int ow = width / n;
    int oh = height / n;
    int[] out = new int[ow * oh];
    float bgA = (background >>> 24) / 255f;
    float bgR = Srgb.TO_LINEAR[(background >> 16) & 0xff] * bgA;
    float bgG = Srgb.TO_LINEAR[(background >> 8) & 0xff] * bgA;
    float bgB = Srgb.TO_LINEAR[background & 0xff] * bgA;
    float norm = 1f / (n * n);
    long covered = 0;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        float r = 0, g = 0, b = 0, a = 0;
        for (int sy = 0; sy < n; sy++) {
          int row = (y * n + sy) * width + x * n;
          for (int sx = 0; sx < n; sx++) {
            r += red[row + sx];
            g += green[row + sx];
            b += blue[row + sx];
            a += alpha[row + sx];
          }
        }
        r *= norm;
        g *= norm;
        b *= norm;
        a *= norm;
        if (a >= 0.5f / 255) {
          covered++;
        }
        float k = 1 - a;
        r += bgR * k;
        g += bgG * k;
        b += bgB * k;
        a += bgA * k;
        int a8 = Math.round(Math.min(1, a) * 255);
        if (a8 == 0) {
          out[y * ow + x] = 0;
          continue;
        }
        float un = 1 / a;
        out[y * ow + x] =
            a8 << 24 | Srgb.encode(r * un) << 16 | Srgb.encode(g * un) << 8 | Srgb.encode(b * un);
      }
    }
    coverage[0] = (double) covered / ((long) ow * oh);
    return out;
  }
}
