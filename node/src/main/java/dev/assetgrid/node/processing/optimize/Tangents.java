package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.shared.stage.TangentsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates a {@code TANGENT} attribute for normal-mapped triangle primitives that lack one, like
 * glTF-Transform's {@code tangents} transform. A primitive qualifies when its material needs a
 * tangent space ({@code normalTexture}, else {@code
 * KHR_materials_clearcoat.clearcoatNormalTexture}, else {@code KHR_materials_anisotropy}) and it
 * has POSITION (VEC3), NORMAL (VEC3) and the {@code TEXCOORD_n} that texture reads ({@code
 * texCoord}, or the {@code KHR_texture_transform} override). Existing tangents are kept unless
 * {@link TangentsOptions#overwrite()}.
 *
 * <p>Design note. MikkTSpace is what glTF recommends and what most bakers use; a faithful port is
 * about 1,500 lines (vertex welding by position/normal/UV, groups split by handedness, per-group
 * angle-weighted averaging) and there is no maintained Java implementation to depend on. This stage
 * does the per-vertex accumulation of per-triangle tangents (Lengyel, "Computing Tangent Space
 * Basis Vectors for an Arbitrary Mesh") with MikkTSpace's weighting: each triangle's {@code dP/du}
 * and {@code -dP/dv} (glTF UVs have v pointing down, so the glTF bitangent is {@code -dP/dv}) are
 * projected onto the plane of each corner's vertex normal, normalized and weighted by the corner
 * angle; then the sum is orthogonalized against the normal (Gram–Schmidt) and {@code w} is the sign
 * of {@code dot(cross(N, T), B)}, so that the renderer's {@code bitangent = cross(normal,
 * tangent.xyz) * w} matches. For smooth, non-mirrored UV layouts this agrees with MikkTSpace to
 * within a few degrees (measured on the corpus models that ship authored tangents, see
 * TangentsTest); where it differs, a normal map baked in MikkTSpace shows slightly rotated detail.
 *
 * <p>Guards: triangles with (near) zero area or zero UV area ({@code du1*dv2 - du2*dv1 = 0}) or any
 * non-finite input contribute nothing; a vertex left without a tangent direction takes {@code
 * cross(B, N)} when it has a bitangent, else any unit vector orthogonal to its normal, with {@code
 * w = +1}; a vertex whose normal is zero or not finite gets (1, 0, 0, 1). Every written tangent is
 * finite, unit length and (up to float rounding) orthogonal to the normalized normal.
 *
 * <p>Limitations: vertices are never split. A vertex shared by mirrored and unmirrored triangles (a
 * mirror seam whose UVs coincide) gets one averaged frame, where MikkTSpace would split it; on such
 * a seam the tangent is taken from the bitangent and one side is shaded with the wrong handedness
 * over the seam's triangles. The UV set is the raw TEXCOORD_n: a {@code KHR_texture_transform}
 * rotation is not applied, as in runtime generation. A geometry shared by primitives whose
 * materials read different UV sets is copied once per UV set; a geometry shared by a normal-mapped
 * and a plain primitive gives both the tangents (4 bytes a vertex once quantized, cheaper than
 * writing the geometry twice). Morph targets get no TANGENT deltas.
 */
public final class Tangents {
  private Tangents() {}

  /** Below this a triangle's sine of angle, or a vector's relative length, counts as degenerate. */
  private static final double EPS = 1e-6;

  /**
   * @return the number of geometries given generated tangents
   */
  public static int apply(MeshSet set, TangentsOptions options) {
    if (!options.enabled()) {
      return 0;
    }
    JsonNode materials = set.asset().json().path("materials");
    // UV set -> parts, per geometry; several UV sets on one shared geometry need separate copies
    Map<Geometry, Map<Integer, List<MeshPart>>> byGeometry =
        new LinkedHashMap<>(); // Geometry: identity equality
    for (MeshPart p : set.parts) {
      if (p.geometry == null) {
        continue;
      }
      JsonNode m = p.json.path("material");
      int uvSet = m.canConvertToExactIntegral() ? uvSet(materials.path(m.asInt())) : -1;
      if (uvSet >= 0) {
        byGeometry
            .computeIfAbsent(p.geometry, k -> new LinkedHashMap<>())
            .computeIfAbsent(uvSet, k -> new ArrayList<>())
            .add(p);
      }
    }
    int generated = 0;
    for (Map.Entry<Geometry, Map<Integer, List<MeshPart>>> e : byGeometry.entrySet()) {
      Geometry g = e.getKey();
      // decide and copy before generating, so that copies and checks see the input attributes
      Map<Geometry, Integer> work = new LinkedHashMap<>();
      for (Map.Entry<Integer, List<MeshPart>> s : e.getValue().entrySet()) {
        if (!qualifies(g, s.getKey(), options.overwrite())) {
          continue;
        }
        Geometry target = work.isEmpty() ? g : g.copy();
        if (target != g) {
          for (MeshPart p : s.getValue()) {
            p.geometry = target;
          }
        }
        work.put(target, s.getKey());
      }
      for (Map.Entry<Geometry, Integer> w : work.entrySet()) {
        if (primitive(w.getKey(), w.getValue(), true)) {
          generated++;
        }
      }
    }
    return generated;
  }

  /**
   * The UV set whose tangent space {@code material} needs, or -1 when it needs none (also for a
   * missing or non-object material).
   */
  static int uvSet(JsonNode material) {
    if (!material.isObject()) {
      return -1;
    }
    if (material.path("normalTexture").isObject()) {
      return texCoord(material.path("normalTexture"));
    }
    JsonNode ext = material.path("extensions");
    JsonNode clearcoatNormal = ext.path("KHR_materials_clearcoat").path("clearcoatNormalTexture");
    if (clearcoatNormal.isObject()) {
      return texCoord(clearcoatNormal);
    }
    JsonNode anisotropy = ext.path("KHR_materials_anisotropy");
    if (anisotropy.isObject()) {
      return anisotropy.path("anisotropyTexture").isObject()
          ? texCoord(anisotropy.path("anisotropyTexture"))
          : 0;
    }
    return -1;
  }

  private static int texCoord(JsonNode textureInfo) {
    JsonNode override =
        textureInfo.path("extensions").path("KHR_texture_transform").path("texCoord");
    JsonNode tc = override.canConvertToExactIntegral() ? override : textureInfo.path("texCoord");
    return tc.canConvertToExactIntegral() && tc.canConvertToInt() ? Math.max(0, tc.asInt()) : 0;
  }

  private static boolean qualifies(Geometry g, int uvSet, boolean overwrite) {
    Stream p = g.position();
    Stream n = g.attributes.get("NORMAL");
    Stream uv = g.attributes.get("TEXCOORD_" + uvSet);
    return g.isTriangles()
        && g.indices != null
        && p != null
        && p.components() == 3
        && n != null
        && n.components() == 3
        && uv != null
        && uv.components() == 2
        && (overwrite || !g.attributes.containsKey("TANGENT"));
  }

  /**
   * Generates the TANGENT of one geometry from {@code TEXCOORD_<uvSet>}.
   *
   * @param overwrite replace an existing TANGENT
   * @return true when a TANGENT was written; false when the geometry is not a triangle list with
   *     POSITION, NORMAL and that UV set, or already has a TANGENT and {@code overwrite} is false
   */
  public static boolean primitive(Geometry g, int uvSet, boolean overwrite) {
    if (!qualifies(g, uvSet, overwrite)) {
      return false;
    }
    float[] t =
        compute(
            g.position().data,
            g.attributes.get("NORMAL").data,
            g.attributes.get("TEXCOORD_" + uvSet).data,
            g.indices,
            g.vertexCount);
    g.attributes.put("TANGENT", new Stream("TANGENT", "VEC4", 4, AccessorInfo.FLOAT, false, t));
    return true;
  }

  /**
   * Per-vertex tangents of a triangle list.
   *
   * @param positions xyz per vertex
   * @param normals xyz per vertex (need not be unit length)
   * @param uvs uv per vertex, glTF convention (v down)
   * @param indices triangle list, every index below {@code vertexCount}
   * @return xyzw per vertex: xyz unit and orthogonal to the normal, w = ±1; always finite
   */
  public static float[] compute(
      float[] positions, float[] normals, float[] uvs, int[] indices, int vertexCount) {
    double[] tSum = new double[vertexCount * 3];
    double[] bSum = new double[vertexCount * 3];
    double[] weight = new double[vertexCount];
    double[] ft = new double[3];
    double[] fb = new double[3];
    double[] e1 = new double[3];
    double[] e2 = new double[3];
    double[] n = new double[3];
    double[] proj = new double[3];
    for (int f = 0; f + 2 < indices.length; f += 3) {
      int i0 = indices[f];
      int i1 = indices[f + 1];
      int i2 = indices[f + 2];
      for (int c = 0; c < 3; c++) {
        e1[c] = (double) positions[i1 * 3 + c] - positions[i0 * 3 + c];
        e2[c] = (double) positions[i2 * 3 + c] - positions[i0 * 3 + c];
      }
      double du1 = (double) uvs[i1 * 2] - uvs[i0 * 2];
      double dv1 = (double) uvs[i1 * 2 + 1] - uvs[i0 * 2 + 1];
      double du2 = (double) uvs[i2 * 2] - uvs[i0 * 2];
      double dv2 = (double) uvs[i2 * 2 + 1] - uvs[i0 * 2 + 1];
      double r = du1 * dv2 - du2 * dv1;
      double area2 = len(cross(e1, e2, proj));
      if (!(Math.abs(r) > 0) || !Double.isFinite(r) || !(area2 > EPS * len(e1) * len(e2))) {
        continue; // no UV direction, or no triangle: this face says nothing about the tangent
      }
      double s = Math.signum(r);
      for (int c = 0; c < 3; c++) {
        ft[c] = (e1[c] * dv2 - e2[c] * dv1) * s; // dP/du, up to a positive factor
        fb[c] = (e1[c] * du2 - e2[c] * du1) * s; // -dP/dv, the glTF bitangent direction
      }
      int[] corner = {i0, i1, i2};
      for (int k = 0; k < 3; k++) {
        int v = corner[k];
        double angle = cornerAngle(positions, v, corner[(k + 1) % 3], corner[(k + 2) % 3]);
        if (!(angle > 0) || !unitNormal(normals, v, n)) {
          continue;
        }
        if (projectUnit(ft, n, proj)) {
          add(tSum, v, proj, angle);
        }
        if (projectUnit(fb, n, proj)) {
          add(bSum, v, proj, angle);
        }
        weight[v] += angle;
      }
    }
    float[] out = new float[vertexCount * 4];
    double[] t = new double[3];
    double[] b = new double[3];
    for (int v = 0; v < vertexCount; v++) {
      double w = 1;
      if (!unitNormal(normals, v, n)) {
        t[0] = 1;
        t[1] = 0;
        t[2] = 0;
      } else {
        System.arraycopy(tSum, v * 3, t, 0, 3);
        System.arraycopy(bSum, v * 3, b, 0, 3);
        double min = EPS * Math.max(weight[v], Double.MIN_NORMAL);
        boolean hasB = orthonormalize(b, n, min);
        if (orthonormalize(t, n, min)) {
          w = hasB && dot(cross(n, t, proj), b) < 0 ? -1 : 1;
        } else if (hasB) {
          cross(b, n, t); // tangent completing the bitangent: cross(N, cross(B, N)) = B, so w = +1
          orthonormalize(t, n, 0);
        } else {
          anyOrthogonal(n, t);
        }
      }
      out[v * 4] = (float) t[0];
      out[v * 4 + 1] = (float) t[1];
      out[v * 4 + 2] = (float) t[2];
      out[v * 4 + 3] = (float) w;
    }
    return out;
  }

  /**
   * Gram–Schmidt against unit {@code n}, then normalize; false when shorter than {@code min} or not
   * finite.
   */
  private static boolean orthonormalize(double[] a, double[] n, double min) {
    double d = dot(a, n);
    for (int c = 0; c < 3; c++) {
      a[c] -= n[c] * d;
    }
    double l = len(a);
    if (!(l > min) || !Double.isFinite(l)) {
      return false;
    }
    for (int c = 0; c < 3; c++) {
      a[c] /= l;
    }
    return true;
  }

  /**
   * {@code a} projected on the plane of unit {@code n}, normalized, into {@code out}; false when
   * degenerate.
   */
  private static boolean projectUnit(double[] a, double[] n, double[] out) {
    System.arraycopy(a, 0, out, 0, 3);
    return orthonormalize(out, n, EPS * len(a));
  }

  /** The unit axis least aligned with {@code n}, made orthogonal to it. */
  private static void anyOrthogonal(double[] n, double[] out) {
    int axis = 0;
    for (int c = 1; c < 3; c++) {
      if (Math.abs(n[c]) < Math.abs(n[axis])) {
        axis = c;
      }
    }
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[axis] = 1;
    orthonormalize(out, n, 0);
  }

  private static boolean unitNormal(float[] normals, int v, double[] out) {
    for (int c = 0; c < 3; c++) {
      out[c] = normals[v * 3 + c];
    }
    double l = len(out);
    if (!(l > EPS) || !Double.isFinite(l)) {
      return false;
    }
    for (int c = 0; c < 3; c++) {
      out[c] /= l;
    }
    return true;
  }

  /**
   * Angle at vertex {@code v} between the edges to {@code a} and {@code b}; NaN or 0 when
   * degenerate.
   */
  private static double cornerAngle(float[] p, int v, int a, int b) {
    double x0 = (double) p[a * 3] - p[v * 3];
    double y0 = (double) p[a * 3 + 1] - p[v * 3 + 1];
    double z0 = (double) p[a * 3 + 2] - p[v * 3 + 2];
    double x1 = (double) p[b * 3] - p[v * 3];
    double y1 = (double) p[b * 3 + 1] - p[v * 3 + 1];
    double z1 = (double) p[b * 3 + 2] - p[v * 3 + 2];
    double l = Math.sqrt((x0 * x0 + y0 * y0 + z0 * z0) * (x1 * x1 + y1 * y1 + z1 * z1));
    return Math.acos(Math.max(-1, Math.min(1, (x0 * x1 + y0 * y1 + z0 * z1) / l)));
  }

  private static void add(double[] sum, int v, double[] a, double weight) {
    for (int c = 0; c < 3; c++) {
      sum[v * 3 + c] += a[c] * weight;
    }
  }

  private static double[] cross(double[] a, double[] b, double[] out) {
    double x = a[1] * b[2] - a[2] * b[1];
    double y = a[2] * b[0] - a[0] * b[2];
    double z = a[0] * b[1] - a[1] * b[0];
    out[0] = x;
    out[1] = y;
    out[2] = z;
    return out;
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double len(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
