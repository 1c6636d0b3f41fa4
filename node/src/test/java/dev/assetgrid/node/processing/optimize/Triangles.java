package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the triangles a scene renders, in world space, read independently of the optimize
 * code (its own node traversal and strip/fan expansion). Skinned instances are taken in mesh space
 * times a per-skin matrix the caller supplies (the dequantization folded into the inverse bind
 * matrices). Draco primitives are left out.
 */
final class Triangles {
  private Triangles() {}

  /** Flat list: triangle t has vertices at [t*9 .. t*9+8]. */
  static float[] world(GltfAsset asset, Map<Integer, double[]> skinMatrix) {
    JsonNode json = asset.json();
    JsonNode nodes = json.path("nodes");
    int n = nodes.size();
    int[] parent = new int[n];
    java.util.Arrays.fill(parent, -1);
    for (int i = 0; i < n; i++) {
      for (JsonNode c : nodes.get(i).path("children")) {
        parent[c.asInt()] = i;
      }
    }
    List<Integer> roots = new ArrayList<>();
    if (json.path("scenes").size() > 0) {
      for (JsonNode s : json.path("scenes")) {
        s.path("nodes").forEach(x -> roots.add(x.asInt()));
      }
    } else {
      for (int i = 0; i < n; i++) {
        if (parent[i] < 0) {
          roots.add(i);
        }
      }
    }
    Accessors acc = Accessors.of(asset);
    List<float[]> out = new ArrayList<>();
    Map<Integer, double[]> global = new HashMap<>();
    java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>(roots);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    while (!stack.isEmpty()) {
      int i = stack.pop();
      if (!seen.add(i)) {
        continue;
      }
      JsonNode node = nodes.get(i);
      double[] m = mul(parent[i] >= 0 ? global.get(parent[i]) : identity(), local(node));
      global.put(i, m);
      node.path("children").forEach(c -> stack.push(c.asInt()));
      if (!node.path("mesh").canConvertToInt()) {
        continue;
      }
      double[] xf = m;
      if (node.path("skin").canConvertToInt()) {
        xf = skinMatrix.getOrDefault(node.path("skin").asInt(), identity());
      }
      for (JsonNode prim : json.path("meshes").path(node.path("mesh").asInt()).path("primitives")) {
        if (prim.path("extensions").has("KHR_draco_mesh_compression")) {
          continue;
        }
        int mode = prim.path("mode").asInt(4);
        if (mode < 4) {
          continue;
        }
        float[] pos;
        int[] idx;
        try {
          pos = acc.floats(prim.path("attributes").path("POSITION").asInt());
          idx =
              prim.has("indices")
                  ? acc.indices(prim.path("indices").asInt(), pos.length / 3)
                  : seq(pos.length / 3);
        } catch (RuntimeException e) {
          continue;
        }
        int[] tris =
            mode == 4
                ? java.util.Arrays.copyOf(idx, idx.length - idx.length % 3)
                : MeshSet.unstrip(idx, mode == 6);
        float[] t = new float[tris.length * 3];
        for (int k = 0; k < tris.length; k++) {
          int v = tris[k];
          double x = pos[v * 3];
          double y = pos[v * 3 + 1];
          double z = pos[v * 3 + 2];
          t[k * 3] = (float) (xf[0] * x + xf[4] * y + xf[8] * z + xf[12]);
          t[k * 3 + 1] = (float) (xf[1] * x + xf[5] * y + xf[9] * z + xf[13]);
          t[k * 3 + 2] = (float) (xf[2] * x + xf[6] * y + xf[10] * z + xf[14]);
        }
        out.add(t);
      }
    }
    int total = out.stream().mapToInt(a -> a.length).sum();
    float[] all = new float[total];
    int at = 0;
    for (float[] a : out) {
      System.arraycopy(a, 0, all, at, a.length);
      at += a.length;
    }
    return all;
  }

  private static int[] seq(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  static double[] identity() {
    return new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  }

  static double[] local(JsonNode node) {
    if (node.path("matrix").size() == 16) {
      double[] m = new double[16];
      for (int i = 0; i < 16; i++) {
        m[i] = node.path("matrix").get(i).asDouble();
      }
      return m;
    }
    double tx = node.path("translation").path(0).asDouble(0);
    double ty = node.path("translation").path(1).asDouble(0);
    double tz = node.path("translation").path(2).asDouble(0);
    double qx = node.path("rotation").path(0).asDouble(0);
    double qy = node.path("rotation").path(1).asDouble(0);
    double qz = node.path("rotation").path(2).asDouble(0);
    double qw = node.path("rotation").path(3).asDouble(1);
    double sx = node.path("scale").path(0).asDouble(1);
    double sy = node.path("scale").path(1).asDouble(1);
    double sz = node.path("scale").path(2).asDouble(1);
    return new double[] {
      (1 - 2 * (qy * qy + qz * qz)) * sx,
      (2 * (qx * qy + qz * qw)) * sx,
      (2 * (qx * qz - qy * qw)) * sx,
      0,
      (2 * (qx * qy - qz * qw)) * sy,
      (1 - 2 * (qx * qx + qz * qz)) * sy,
      (2 * (qy * qz + qx * qw)) * sy,
      0,
      (2 * (qx * qz + qy * qw)) * sz,
      (2 * (qy * qz - qx * qw)) * sz,
      (1 - 2 * (qx * qx + qy * qy)) * sz,
      0,
      tx,
      ty,
      tz,
      1
    };
  }

  static double[] mul(double[] a, double[] b) {
    double[] r = new double[16];
    for (int c = 0; c < 4; c++) {
      for (int row = 0; row < 4; row++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += a[k * 4 + row] * b[c * 4 + k];
        }
        r[c * 4 + row] = s;
      }
    }
    return r;
  }

  /** Inverse of an affine 4x4 (column-major). */
  static double[] inverseAffine(double[] m) {
    double a = m[0],
        b = m[4],
        c = m[8],
        d = m[1],
        e = m[5],
        f = m[9],
        g = m[2],
        h = m[6],
        i = m[10];
    double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    double[] inv3 = {
      (e * i - f * h) / det, -(b * i - c * h) / det, (b * f - c * e) / det,
      -(d * i - f * g) / det, (a * i - c * g) / det, -(a * f - c * d) / det,
      (d * h - e * g) / det, -(a * h - b * g) / det, (a * e - b * d) / det
    };
    // inv3 is row-major of the inverse: inv3[r*3+c]
    double[] r = new double[16];
    for (int row = 0; row < 3; row++) {
      for (int col = 0; col < 3; col++) {
        r[col * 4 + row] = inv3[row * 3 + col];
      }
    }
    for (int row = 0; row < 3; row++) {
      r[12 + row] = -(r[row] * m[12] + r[4 + row] * m[13] + r[8 + row] * m[14]);
    }
    r[15] = 1;
    return r;
  }

  /** Largest extent of the bounding box of {@code tris}. */
  static double extent(float[] tris) {
    double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    for (int i = 0; i < tris.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3], tris[i]);
      hi[i % 3] = Math.max(hi[i % 3], tris[i]);
    }
    return tris.length == 0 ? 0 : Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
  }

  /**
   * Triangles of {@code a} (not degenerate at {@code tol}) that have no triangle in {@code b} with
   * the same vertices within {@code tol}, in the same winding (any rotation).
   */
  static int unmatched(float[] a, float[] b, double tol) {
    double cell = Math.max(tol * 8, 1e-12);
    Map<Long, List<Integer>> grid = new HashMap<>();
    for (int t = 0; t < b.length / 9; t++) {
      grid.computeIfAbsent(cellKey(b, t, cell), k -> new ArrayList<>()).add(t);
    }
    int missing = 0;
    for (int t = 0; t < a.length / 9; t++) {
      if (degenerate(a, t, tol * 2)) {
        continue;
      }
      if (!found(a, t, b, grid, cell, tol)) {
        missing++;
      }
    }
    return missing;
  }

  private static boolean found(
      float[] a, int t, float[] b, Map<Long, List<Integer>> grid, double cell, double tol) {
    long cx = (long) Math.floor(centroid(a, t, 0) / cell);
    long cy = (long) Math.floor(centroid(a, t, 1) / cell);
    long cz = (long) Math.floor(centroid(a, t, 2) / cell);
    for (long dx = -1; dx <= 1; dx++) {
      for (long dy = -1; dy <= 1; dy++) {
        for (long dz = -1; dz <= 1; dz++) {
          List<Integer> cands = grid.get(key(cx + dx, cy + dy, cz + dz));
          if (cands == null) {
            continue;
          }
          for (int u : cands) {
            for (int rot = 0; rot < 3; rot++) {
              boolean ok = true;
              for (int v = 0; v < 3 && ok; v++) {
                int va = t * 9 + v * 3;
                int vb = u * 9 + ((v + rot) % 3) * 3;
                for (int c = 0; c < 3 && ok; c++) {
                  ok = Math.abs(a[va + c] - b[vb + c]) <= tol;
                }
              }
              if (ok) {
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  private static boolean degenerate(float[] a, int t, double tol) {
    for (int i = 0; i < 3; i++) {
      int p = t * 9 + i * 3;
      int q = t * 9 + ((i + 1) % 3) * 3;
      if (Math.abs(a[p] - a[q]) <= tol
          && Math.abs(a[p + 1] - a[q + 1]) <= tol
          && Math.abs(a[p + 2] - a[q + 2]) <= tol) {
        return true;
      }
    }
    return false;
  }

  private static double centroid(float[] a, int t, int c) {
    return (a[t * 9 + c] + a[t * 9 + 3 + c] + a[t * 9 + 6 + c]) / 3.0;
  }

  private static long cellKey(float[] a, int t, double cell) {
    return key(
        (long) Math.floor(centroid(a, t, 0) / cell),
        (long) Math.floor(centroid(a, t, 1) / cell),
        (long) Math.floor(centroid(a, t, 2) / cell));
  }

  private static long key(long x, long y, long z) {
    return (x * 73856093L) ^ (y * 19349663L) ^ (z * 83492791L);
  }
}
