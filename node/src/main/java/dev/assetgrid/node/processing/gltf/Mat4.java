package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;

/** Column-major 4x4 matrices as {@code double[16]}, as glTF stores them; node transforms. */
public final class Mat4 {
  private Mat4() {}

  public static double[] identity() {
    return new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  }

  /** A node's local transform: {@code matrix} when it has 16 numbers, else T * R * S. */
  public static double[] local(JsonNode node) {
    JsonNode m = node.path("matrix");
    if (m.isArray() && m.size() == 16) {
      double[] out = new double[16];
      for (int i = 0; i < 16; i++) {
        out[i] = m.get(i).asDouble();
      }
      return out;
    }
    return trs(
        vec(node.path("translation"), 0, 0, 0),
        vec(node.path("rotation"), 0, 0, 0, 1),
        vec(node.path("scale"), 1, 1, 1));
  }

  private static double[] vec(JsonNode n, double... dflt) {
    if (!n.isArray() || n.size() != dflt.length) {
      return dflt;
    }
    double[] out = new double[dflt.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  /** T * R * S; the quaternion (x, y, z, w) is normalized first (identity when it is zero). */
  public static double[] trs(double[] t, double[] q, double[] s) {
    double len = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    double x = len > 0 ? q[0] / len : 0;
    double y = len > 0 ? q[1] / len : 0;
    double z = len > 0 ? q[2] / len : 0;
    double w = len > 0 ? q[3] / len : 1;
    double[] m = new double[16];
    m[0] = (1 - 2 * (y * y + z * z)) * s[0];
    m[1] = (2 * (x * y + z * w)) * s[0];
    m[2] = (2 * (x * z - y * w)) * s[0];
    m[4] = (2 * (x * y - z * w)) * s[1];
    m[5] = (1 - 2 * (x * x + z * z)) * s[1];
    m[6] = (2 * (y * z + x * w)) * s[1];
    m[8] = (2 * (x * z + y * w)) * s[2];
    m[9] = (2 * (y * z - x * w)) * s[2];
    m[10] = (1 - 2 * (x * x + y * y)) * s[2];
    m[12] = t[0];
    m[13] = t[1];
    m[14] = t[2];
    m[15] = 1;
    return m;
  }

  public static double[] multiply(double[] a, double[] b) {
    double[] r = new double[16];
    for (int col = 0; col < 4; col++) {
      for (int row = 0; row < 4; row++) {
        double sum = 0;
        for (int k = 0; k < 4; k++) {
          sum += a[k * 4 + row] * b[col * 4 + k];
        }
        r[col * 4 + row] = sum;
      }
    }
    return r;
  }

  /** Determinant of the upper-left 3x3 (negative = the transform mirrors, so winding flips). */
  public static double det3(double[] m) {
    return m[0] * (m[5] * m[10] - m[9] * m[6])
        - m[4] * (m[1] * m[10] - m[9] * m[2])
        + m[8] * (m[1] * m[6] - m[5] * m[2]);
  }

  /**
   * The inverse transpose of the upper-left 3x3 as a column-major 3x3 (for normals), scaled
   * arbitrarily (normals are renormalized); the cofactor matrix, so singular matrices do not fail.
   */
  public static double[] normalMatrix(double[] m) {
    double a = m[0], b = m[4], c = m[8];
    double d = m[1], e = m[5], f = m[9];
    double g = m[2], h = m[6], i = m[10];
    // cofactor matrix C (row-major): inverse transpose = C / det; sign of det kept so normals keep
    // their side
    double det = det3(m);
    double s = det < 0 ? -1 : 1;
    double[] r = new double[9];
    // column-major: r[col*3+row] = C[row][col]
    r[0] = s * (e * i - f * h);
    r[3] = s * -(d * i - f * g);
    r[6] = s * (d * h - e * g);
    r[1] = s * -(b * i - c * h);
    r[4] = s * (a * i - c * g);
    r[7] = s * -(a * h - b * g);
    r[2] = s * (b * f - c * e);
    r[5] = s * -(a * f - c * d);
    r[8] = s * (a * e - b * d);
    return r;
  }
}
