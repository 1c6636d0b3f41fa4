package dev.assetgrid.bench.synth;

import java.util.SplittableRandom;

/**
 * Procedural meshes with an exact triangle count, deterministic for a seed.
 *
 * <p>Both shapes are "rectangular" in their parameter space, so a triangle count {@code T} is hit
 * exactly by factoring {@code T/2 = a × b} with {@code a} the largest divisor not above √(T/2): a
 * grid has {@code 2·a·b} triangles, a UV sphere with {@code a} segments and {@code b+1} rings has
 * {@code 2·a·b} (one triangle per segment at each pole, two in every band between).
 */
public final class MeshGenerator {
  private MeshGenerator() {}

  /** Shapes the synthetic corpus alternates between. */
  public enum Shape {
    SPHERE,
    TERRAIN
  }

  /** A mesh of {@code triangles} triangles (even, ≥ 2; ≥ 6 for a sphere) of the given shape. */
  public static Mesh generate(Shape shape, long triangles, long seed) {
    if (triangles < 2 || triangles % 2 != 0) {
      throw new IllegalArgumentException("triangle count must be even and >= 2: " + triangles);
    }
    long half = triangles / 2;
    long a = largestDivisorAtMostSqrt(half);
    long b = half / a;
    return switch (shape) {
      case TERRAIN -> terrain((int) b, (int) a, seed);
      case SPHERE -> {
        // poles need at least 3 segments: for T/2 prime (or tiny) use T/2 segments and one band (a
        // bicone)
        if (a < 3) {
          if (half < 3) {
            throw new IllegalArgumentException("a sphere needs at least 6 triangles: " + triangles);
          }
          a = half;
          b = 1;
        }
        yield sphere((int) a, (int) b + 1, seed);
      }
    };
  }

  static long largestDivisorAtMostSqrt(long n) {
    long best = 1;
    for (long d = 1; d * d <= n; d++) {
      if (n % d == 0) {
        best = d;
      }
    }
    return best;
  }

  /**
   * A height-field grid of {@code qx × qy} quads (2·qx·qy triangles, (qx+1)(qy+1) vertices) over
   * [-1,1]², heights from a few seeded sine waves.
   */
  public static Mesh terrain(int qx, int qy, long seed) {
    checkSize((long) (qx + 1) * (qy + 1), 2L * qx * qy);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] freq = {
      rnd.nextDouble(1, 4), rnd.nextDouble(1, 4), rnd.nextDouble(4, 12), rnd.nextDouble(4, 12)
    };
    double[] phase = {
      rnd.nextDouble(6.28), rnd.nextDouble(6.28), rnd.nextDouble(6.28), rnd.nextDouble(6.28)
    };
    int vx = qx + 1;
    int vy = qy + 1;
    int n = vx * vy;
    float[] pos = new float[n * 3];
    float[] nor = new float[n * 3];
    float[] uv = new float[n * 2];
    for (int j = 0; j < vy; j++) {
      for (int i = 0; i < vx; i++) {
        double u = (double) i / qx;
        double v = (double) j / qy;
        double x = u * 2 - 1;
        double z = v * 2 - 1;
        double h =
            0.15 * Math.sin(freq[0] * x + phase[0]) * Math.cos(freq[1] * z + phase[1])
                + 0.03 * Math.sin(freq[2] * x + phase[2]) * Math.sin(freq[3] * z + phase[3]);
        double dx =
            0.15 * freq[0] * Math.cos(freq[0] * x + phase[0]) * Math.cos(freq[1] * z + phase[1])
                + 0.03
                    * freq[2]
                    * Math.cos(freq[2] * x + phase[2])
                    * Math.sin(freq[3] * z + phase[3]);
        double dz =
            -0.15 * freq[1] * Math.sin(freq[0] * x + phase[0]) * Math.sin(freq[1] * z + phase[1])
                + 0.03
                    * freq[3]
                    * Math.sin(freq[2] * x + phase[2])
                    * Math.cos(freq[3] * z + phase[3]);
        double len = Math.sqrt(dx * dx + 1 + dz * dz);
        int k = j * vx + i;
        pos[k * 3] = (float) x;
        pos[k * 3 + 1] = (float) h;
        pos[k * 3 + 2] = (float) z;
        nor[k * 3] = (float) (-dx / len);
        nor[k * 3 + 1] = (float) (1 / len);
        nor[k * 3 + 2] = (float) (-dz / len);
        uv[k * 2] = (float) u;
        uv[k * 2 + 1] = (float) v;
      }
    }
    int[] idx = new int[qx * qy * 6];
    int t = 0;
    for (int j = 0; j < qy; j++) {
      for (int i = 0; i < qx; i++) {
        int a = j * vx + i;
        int b = a + 1;
        int c = a + vx;
        int d = c + 1;
        // counter-clockwise seen from +y
        idx[t++] = a;
        idx[t++] = c;
        idx[t++] = b;
        idx[t++] = b;
        idx[t++] = c;
        idx[t++] = d;
      }
    }
    return new Mesh(pos, nor, uv, idx);
  }

  /**
   * A unit UV sphere, radius slightly perturbed by seeded noise: {@code segments} around, {@code
   * rings} bands from pole to pole; 2·segments·(rings-1) triangles.
   */
  public static Mesh sphere(int segments, int rings, long seed) {
    if (segments < 3 || rings < 2) {
      throw new IllegalArgumentException("sphere needs >= 3 segments and >= 2 rings");
    }
    int inner = rings - 1; // latitude lines strictly between the poles
    int cols = segments + 1; // seam column duplicated so UVs do not wrap
    long n = (long) inner * cols + 2L * segments;
    checkSize(n, 2L * segments * (rings - 1));
    SplittableRandom rnd = new SplittableRandom(seed);
    double bumpF = rnd.nextDouble(3, 9);
    double bumpA = rnd.nextDouble(0.0, 0.05);
    float[] pos = new float[(int) n * 3];
    float[] nor = new float[(int) n * 3];
    float[] uv = new float[(int) n * 2];
    int k = 0;
    for (int r = 1; r <= inner; r++) {
      double theta = Math.PI * r / rings;
      for (int s = 0; s <= segments; s++) {
        double phi = 2 * Math.PI * s / segments;
        double nx = Math.sin(theta) * Math.cos(phi);
        double ny = Math.cos(theta);
        double nz = Math.sin(theta) * Math.sin(phi);
        double rad = 1 + bumpA * Math.sin(bumpF * theta) * Math.sin(bumpF * phi);
        put(pos, nor, uv, k++, nx, ny, nz, rad, (double) s / segments, (double) r / rings);
      }
    }
    int north = k;
    for (int s = 0; s < segments; s++) {
      put(pos, nor, uv, k++, 0, 1, 0, 1, (s + 0.5) / segments, 0);
    }
    int south = k;
    for (int s = 0; s < segments; s++) {
      put(pos, nor, uv, k++, 0, -1, 0, 1, (s + 0.5) / segments, 1);
    }
    int[] idx = new int[segments * (rings - 1) * 6];
    int t = 0;
    for (int s = 0; s < segments; s++) {
      // north cap: pole, next, current (counter-clockwise from outside)
      idx[t++] = north + s;
      idx[t++] = s + 1;
      idx[t++] = s;
    }
    for (int r = 0; r < inner - 1; r++) {
      for (int s = 0; s < segments; s++) {
        int a = r * cols + s;
        int b = a + 1;
        int c = a + cols;
        int d = c + 1;
        idx[t++] = a;
        idx[t++] = b;
        idx[t++] = c;
        idx[t++] = b;
        idx[t++] = d;
        idx[t++] = c;
      }
    }
    int last = (inner - 1) * cols;
    for (int s = 0; s < segments; s++) {
      idx[t++] = south + s;
      idx[t++] = last + s;
      idx[t++] = last + s + 1;
    }
    return new Mesh(pos, nor, uv, idx);
  }

  private static void put(
      float[] pos,
      float[] nor,
      float[] uv,
      int k,
      double nx,
      double ny,
      double nz,
      double rad,
      double u,
      double v) {
    pos[k * 3] = (float) (nx * rad);
    pos[k * 3 + 1] = (float) (ny * rad);
    pos[k * 3 + 2] = (float) (nz * rad);
    nor[k * 3] = (float) nx;
    nor[k * 3 + 1] = (float) ny;
    nor[k * 3 + 2] = (float) nz;
    uv[k * 2] = (float) u;
    uv[k * 2 + 1] = (float) v;
  }

  private static void checkSize(long vertices, long triangles) {
    // float arrays of 3 per vertex and int arrays of 3 per triangle must fit a Java array
    if (vertices * 3 > Integer.MAX_VALUE - 8 || triangles * 3 > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "mesh too large for one primitive: " + triangles + " triangles");
    }
  }
}
