package dev.assetgrid.node.processing.thumbnail;

import dev.assetgrid.node.processing.gltf.Mat4;
import dev.assetgrid.node.processing.thumbnail.SceneGeometry.Draw;
import dev.assetgrid.node.processing.thumbnail.SceneGeometry.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws a {@link SceneGeometry} from one {@link Camera} into a {@link Raster}: vertex transform to
 * view space, per-vertex lighting, culling, near-plane clipping, projection. OPAQUE and MASK
 * primitives go first with depth writes; BLEND triangles of all primitives are then sorted back to
 * front by centroid depth and blended without depth writes.
 *
 * <p>Lighting is deliberately simple and view-relative (the same look from every yaw): ambient
 * {@value #AMBIENT} plus a directional key light {@value #KEY} from the viewer's upper left,
 * Lambert on the vertex normal (or the face normal when a primitive has none), flipped for the back
 * side of double-sided surfaces. Unlit materials take their base colour as is; metallic and
 * roughness are ignored (no environment to reflect).
 */
final class Renderer {
  static final float AMBIENT = 0.38f;
  static final float KEY = 0.72f;

  /** Unit direction toward the key light, in view space (x right, y up, z toward the viewer). */
  private static final float LX;

  private static final float LY;
  private static final float LZ;

  static {
    double x = -0.35, y = 0.6, z = 0.72;
    double l = Math.sqrt(x * x + y * y + z * z);
    LX = (float) (x / l);
    LY = (float) (y / l);
    LZ = (float) (z / l);
  }

  private static final int STRIDE = 9; // view x, y, z, u, v, r, g, b, a
  private static final float[] WHITE = {1, 1, 1, 1};

  private final Camera camera;
  private final Raster raster;
  private final float halfW;
  private final float halfH;
  // per-draw view-space vertices, grown as needed (blend draws keep their own copies)
  private Transformed scratch = new Transformed(0);
  private final float[][] poly = new float[8][STRIDE];
  private final float[][] clipped = new float[8][STRIDE];
  private final float[][] screen = new float[8][STRIDE];
  private final int[] corners = new int[3];

  Renderer(Camera camera, Raster raster) {
    this.camera = camera;
    this.raster = raster;
    this.halfW = raster.width * 0.5f;
    this.halfH = raster.height * 0.5f;
  }

  /** View-space positions and N·L of one draw's vertices. */
  private static final class Transformed {
    float[] x;
    float[] y;
    float[] z;
    float[] ndl;

    Transformed(int n) {
      x = new float[n];
      y = new float[n];
      z = new float[n];
      ndl = new float[n];
    }
  }

  void draw(List<Draw> draws) {
    List<Draw> blend = new ArrayList<>();
    for (Draw d : draws) {
      Material m = d.primitive().material;
      if (m.alphaMode == Material.BLEND) {
        blend.add(d);
        continue;
      }
      int n = d.primitive().vertexCount();
      if (scratch.x.length < n) {
        scratch = new Transformed(Math.max(n, scratch.x.length * 2));
      }
      transform(d, scratch);
      useMaterial(d.primitive());
      boolean mirrored = Mat4.det3(d.world()) < 0;
      int[] tris = d.primitive().triangles;
      for (int t = 0; t < tris.length; t += 3) {
        triangle(d.primitive(), scratch, tris[t], tris[t + 1], tris[t + 2], mirrored);
      }
    }
    if (!blend.isEmpty()) {
      drawSorted(blend);
    }
  }

  private void drawSorted(List<Draw> blend) {
    Transformed[] transformed = new Transformed[blend.size()];
    int total = 0;
    for (int i = 0; i < blend.size(); i++) {
      transformed[i] = new Transformed(blend.get(i).primitive().vertexCount());
      transform(blend.get(i), transformed[i]);
      total += blend.get(i).primitive().triangles.length / 3;
    }
    // key: distance of the centroid (positive floats sort like their bits) | sequence number
    long[] keys = new long[total];
    int[] drawOf = new int[total];
    int[] triOf = new int[total];
    int k = 0;
    for (int i = 0; i < blend.size(); i++) {
      int[] tris = blend.get(i).primitive().triangles;
      Transformed tv = transformed[i];
      for (int t = 0; t < tris.length; t += 3) {
        float dist = -(tv.z[tris[t]] + tv.z[tris[t + 1]] + tv.z[tris[t + 2]]) / 3;
        int bits = Float.floatToIntBits(Math.max(0, dist)); // NaN and behind-the-eye sort first
        keys[k] = (long) bits << 32 | k;
        drawOf[k] = i;
        triOf[k] = t;
        k++;
      }
    }
    Arrays.sort(keys);
    int current = -1;
    for (int j = total - 1; j >= 0; j--) { // farthest first
      int seq = (int) keys[j];
      int i = drawOf[seq];
      Draw d = blend.get(i);
      if (i != current) {
        useMaterial(d.primitive());
        current = i;
      }
      int[] tris = d.primitive().triangles;
      int t = triOf[seq];
      triangle(
          d.primitive(),
          transformed[i],
          tris[t],
          tris[t + 1],
          tris[t + 2],
          Mat4.det3(d.world()) < 0);
    }
  }

  private void useMaterial(Primitive p) {
    Material m = p.material;
    raster.material(p.uvs != null ? m.texture : null, m.alphaMode, m.alphaCutoff, m.emissive);
  }

  private void transform(Draw d, Transformed out) {
    Primitive p = d.primitive();
    double[] w = d.world();
    Camera c = camera;
    double[][] rows = {c.right, c.up, c.back};
    // view = R * (W * p - eye)
    float[] m = new float[12];
    for (int r = 0; r < 3; r++) {
      double[] rr = rows[r];
      for (int col = 0; col < 4; col++) {
        m[r * 4 + col] =
            (float)
                (rr[0] * w[col * 4]
                    + rr[1] * w[col * 4 + 1]
                    + rr[2] * w[col * 4 + 2]
                    - (col == 3 ? rr[0] * c.eye[0] + rr[1] * c.eye[1] + rr[2] * c.eye[2] : 0));
      }
    }
    float[] pos = p.positions;
    int n = p.vertexCount();
    for (int v = 0; v < n; v++) {
      float x = pos[3 * v], y = pos[3 * v + 1], z = pos[3 * v + 2];
      out.x[v] = m[0] * x + m[1] * y + m[2] * z + m[3];
      out.y[v] = m[4] * x + m[5] * y + m[6] * z + m[7];
      out.z[v] = m[8] * x + m[9] * y + m[10] * z + m[11];
    }
    if (p.normals != null && !p.material.unlit) {
      double[] nm = Mat4.normalMatrix(w);
      float[] q = new float[9];
      for (int r = 0; r < 3; r++) {
        double[] rr = rows[r];
        for (int col = 0; col < 3; col++) {
          q[r * 3 + col] =
              (float) (rr[0] * nm[col * 3] + rr[1] * nm[col * 3 + 1] + rr[2] * nm[col * 3 + 2]);
        }
      }
      float[] nrm = p.normals;
      for (int v = 0; v < n; v++) {
        float x = nrm[3 * v], y = nrm[3 * v + 1], z = nrm[3 * v + 2];
        float nx = q[0] * x + q[1] * y + q[2] * z;
        float ny = q[3] * x + q[4] * y + q[5] * z;
        float nz = q[6] * x + q[7] * y + q[8] * z;
        float len = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
        out.ndl[v] = len > 0 ? (nx * LX + ny * LY + nz * LZ) / len : 0;
      }
    }
  }

  private void triangle(Primitive p, Transformed tv, int i0, int i1, int i2, boolean mirrored) {
    float x0 = tv.x[i0], y0 = tv.y[i0], z0 = tv.z[i0];
    float ex1 = tv.x[i1] - x0, ey1 = tv.y[i1] - y0, ez1 = tv.z[i1] - z0;
    float ex2 = tv.x[i2] - x0, ey2 = tv.y[i2] - y0, ez2 = tv.z[i2] - z0;
    float nx = ey1 * ez2 - ez1 * ey2;
    float ny = ez1 * ex2 - ex1 * ez2;
    float nz = ex1 * ey2 - ey1 * ex2;
    float towardEye = -(nx * x0 + ny * y0 + nz * z0); // n · (eye - v0), the eye at the origin
    boolean front = (towardEye > 0) != mirrored;
    Material m = p.material;
    if (!front && !m.doubleSided) {
      return;
    }
    float faceLight = 1;
    boolean vertexLight = false;
    if (!m.unlit) {
      if (p.normals != null) {
        vertexLight = true;
      } else {
        float len = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
        float d = len > 0 ? (nx * LX + ny * LY + nz * LZ) / len : 0;
        faceLight =
            AMBIENT + KEY * Math.max(0, towardEye >= 0 ? d : -d); // the side facing the eye is lit
      }
    }
    float side = front ? 1 : -1;
    int[] idx = corners;
    idx[0] = i0;
    idx[1] = i1;
    idx[2] = i2;
    boolean clip = false;
    for (int k = 0; k < 3; k++) {
      int v = idx[k];
      float[] o = poly[k];
      o[0] = tv.x[v];
      o[1] = tv.y[v];
      o[2] = tv.z[v];
      if (p.uvs != null) {
        o[3] = p.uvs[2 * v];
        o[4] = p.uvs[2 * v + 1];
      }
      float light = vertexLight ? AMBIENT + KEY * Math.max(0, side * tv.ndl[v]) : faceLight;
      float[] base = m.baseColor;
      float[] col = p.colors;
      float cr = col == null ? 1 : col[4 * v];
      float cg = col == null ? 1 : col[4 * v + 1];
      float cb = col == null ? 1 : col[4 * v + 2];
      float ca = col == null ? 1 : col[4 * v + 3];
      o[5] = base[0] * cr * light;
      o[6] = base[1] * cg * light;
      o[7] = base[2] * cb * light;
      o[8] = base[3] * ca;
      clip |= -o[2] < camera.near;
    }
    if (!clip) {
      raster.triangle(
          project(poly[0], screen[0]), project(poly[1], screen[1]), project(poly[2], screen[2]));
      return;
    }
    int n = clipNear(poly, 3, clipped);
    for (int k = 0; k < n; k++) {
      project(clipped[k], screen[k]);
    }
    for (int k = 1; k + 1 < n; k++) {
      raster.triangle(screen[0], screen[k], screen[k + 1]);
    }
  }

  /** Sutherland–Hodgman against the plane depth = near; returns the vertex count (0, 3 or 4). */
  private int clipNear(float[][] in, int n, float[][] out) {
    float near = (float) camera.near;
    int count = 0;
    for (int k = 0; k < n; k++) {
      float[] a = in[k];
      float[] b = in[(k + 1) % n];
      float da = -a[2] - near;
      float db = -b[2] - near;
      if (da >= 0) {
        System.arraycopy(a, 0, out[count++], 0, STRIDE);
      }
      if ((da >= 0) != (db >= 0)) {
        float t = da / (da - db);
        float[] o = out[count++];
        for (int c = 0; c < STRIDE; c++) {
          o[c] = a[c] + t * (b[c] - a[c]);
        }
      }
    }
    return count;
  }

  private float[] project(float[] v, float[] out) {
    float depth = -v[2];
    float iw = 1 / depth;
    float ndcX = (float) (camera.scale * v[0] * iw + camera.offsetX);
    float ndcY = (float) (camera.scale * v[1] * iw + camera.offsetY);
    out[0] = (ndcX + 1) * halfW;
    out[1] = (1 - ndcY) * halfH;
    out[2] = iw;
    System.arraycopy(v, 3, out, 3, STRIDE - 3);
    return out;
  }
}
