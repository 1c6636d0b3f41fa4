package dev.assetgrid.node.processing.validate;

import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Prim;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Mesh quality checks the Khronos validator does not do, reported once per primitive with counts
 * and never as errors: degenerate and duplicate triangles, non-manifold edges, open boundaries,
 * inconsistent winding, non-finite attribute values, UVs outside 0..1, unused vertices. Topology is
 * computed on vertices welded by exact position, so UV and normal seams do not count as open
 * boundaries. Primitives above {@link #MAX_TRIANGLES} are skipped to bound time and memory.
 */
final class GeometryChecks {
  static final int MAX_TRIANGLES = 4_000_000;

  private final ValidationContext ctx;
  private final Json j;
  private final DataChecks data;

  GeometryChecks(ValidationContext ctx, DataChecks data) {
    this.ctx = ctx;
    this.j = ctx.json();
    this.data = data;
  }

  void run() {
    Set<String> seen = new HashSet<>();
    for (Mesh m : ctx.meshes()) {
      for (Prim pr : m.prims) {
        if (pr.draco || !seen.add(pr.attributes + "|" + pr.indices + "|" + pr.mode)) {
          continue;
        }
        primitive(pr);
      }
    }
  }

  /**
   * Counts of one primitive's topology findings; vertices and triangles are counted after welding.
   */
  private record Topology(
      int degenerate, int duplicate, int open, int nonManifold, int winding, int unusedVertices) {}

  private void primitive(Prim pr) {
    Integer pos = pr.attributes.get("POSITION");
    AccessorReader p = pos == null ? null : data.reader(pos);
    if (p == null || p.comps != 3) {
      return;
    }
    int vc = p.count;
    nonFinite(pr, vc);
    uvRange(pr);
    if (pr.mode != 4) {
      return;
    }
    AccessorReader idx = pr.indices >= 0 ? data.reader(pr.indices) : null;
    if (pr.indices >= 0 && idx == null) {
      return;
    }
    int n = idx != null ? idx.count : vc;
    int tris = n / 3;
    if (tris == 0 || tris > MAX_TRIANGLES) {
      return;
    }
    int[] ix = triangleIndices(idx, tris, vc);
    if (ix != null) {
      report(pr, tris, vc, topology(p, ix, tris, vc));
    }
  }

  /**
   * The vertex indices of the triangles (the identity without indices accessor); null when one is
   * out of range.
   */
  private static int[] triangleIndices(AccessorReader idx, int tris, int vc) {
    int[] ix = new int[tris * 3];
    for (int i = 0; i < ix.length; i++) {
      double v = idx != null ? idx.get(i, 0) : i;
      if (!(v >= 0 && v < vc)) {
        return null; // out-of-range indices were reported as ACCESSOR_INDEX_OOB
      }
      ix[i] = (int) v;
    }
    return ix;
  }

  /**
   * Per vertex, the index of the first vertex with exactly the same position, so attribute seams
   * are not open edges.
   */
  private static int[] weldByPosition(AccessorReader p, int vc) {
    int[] weld = new int[vc];
    Map<String, Integer> byPos = new HashMap<>();
    for (int v = 0; v < vc; v++) {
      String key =
          Double.doubleToLongBits(p.get(v, 0))
              + ":"
              + Double.doubleToLongBits(p.get(v, 1))
              + ":"
              + Double.doubleToLongBits(p.get(v, 2));
      weld[v] = byPos.computeIfAbsent(key, k -> byPos.size());
    }
    return weld;
  }

  private static Topology topology(AccessorReader p, int[] ix, int tris, int vc) {
    int[] weld = weldByPosition(p, vc);
    boolean[] usedV = new boolean[vc];
    int degenerate = 0;
    int duplicate = 0;
    Set<String> triKeys = new HashSet<>();
    Map<Long, int[]> edges = new HashMap<>(); // undirected edge -> {count, forward count}
    for (int t = 0; t < tris; t++) {
      int a = ix[3 * t], b = ix[3 * t + 1], d = ix[3 * t + 2];
      usedV[a] = usedV[b] = usedV[d] = true;
      int wa = weld[a], wb = weld[b], wd = weld[d];
      if (wa == wb || wb == wd || wa == wd || zeroArea(p, a, b, d)) {
        degenerate++;
        continue;
      }
      int[] s = {wa, wb, wd};
      java.util.Arrays.sort(s);
      if (!triKeys.add(s[0] + "," + s[1] + "," + s[2])) {
        duplicate++;
        continue;
      }
      edge(edges, wa, wb);
      edge(edges, wb, wd);
      edge(edges, wd, wa);
    }
    int open = 0, nonManifold = 0, winding = 0;
    for (int[] e : edges.values()) {
      if (e[0] == 1) {
        open++;
      } else if (e[0] > 2) {
        nonManifold++;
      } else if (e[1] != 1) {
        winding++;
      }
    }
    int unusedV = 0;
    for (boolean u : usedV) {
      if (!u) {
        unusedV++;
      }
    }
    return new Topology(degenerate, duplicate, open, nonManifold, winding, unusedV);
  }

  private void report(Prim pr, int tris, int vc, Topology t) {
    String ip = pr.indices >= 0 ? pr.p + "/indices" : pr.p;
    if (t.degenerate() > 0) {
      j.add(
          IssueCode.MESH_DEGENERATE_TRIANGLES,
          ip,
          t.degenerate()
              + " of "
              + tris
              + " triangles are degenerate (repeated vertex or zero area).");
    }
    if (t.duplicate() > 0) {
      j.add(
          IssueCode.MESH_DUPLICATE_TRIANGLES,
          ip,
          t.duplicate() + " of " + tris + " triangles duplicate another triangle.");
    }
    if (t.nonManifold() > 0) {
      j.add(
          IssueCode.MESH_NON_MANIFOLD_EDGES,
          ip,
          t.nonManifold() + " edges are shared by more than two triangles.");
    }
    if (t.open() > 0) {
      j.add(
          IssueCode.MESH_OPEN_BOUNDARY,
          ip,
          t.open() + " boundary edges (used by one triangle only): the surface is not closed.");
    }
    if (t.winding() > 0) {
      j.add(
          IssueCode.MESH_INCONSISTENT_WINDING,
          ip,
          t.winding() + " edges join triangles with opposite winding.");
    }
    if (t.unusedVertices() > 0) {
      j.add(
          IssueCode.MESH_UNUSED_VERTICES,
          pr.p + "/attributes/POSITION",
          t.unusedVertices() + " of " + vc + " vertices are not used by any triangle.");
    }
  }

  private static void edge(Map<Long, int[]> edges, int a, int b) {
    long key = a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    int[] e = edges.computeIfAbsent(key, k -> new int[2]);
    e[0]++;
    if (a < b) {
      e[1]++;
    }
  }

  private static boolean zeroArea(AccessorReader p, int a, int b, int d) {
    double ux = p.get(b, 0) - p.get(a, 0),
        uy = p.get(b, 1) - p.get(a, 1),
        uz = p.get(b, 2) - p.get(a, 2);
    double vx = p.get(d, 0) - p.get(a, 0),
        vy = p.get(d, 1) - p.get(a, 1),
        vz = p.get(d, 2) - p.get(a, 2);
    double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    return cx * cx + cy * cy + cz * cz == 0;
  }

  private void nonFinite(Prim pr, int vc) {
    int bad = 0;
    for (Map.Entry<String, Integer> e : pr.attributes.entrySet()) {
      AccessorReader r = data.reader(e.getValue());
      if (r == null || r.a.componentType != Model.FLOAT) {
        continue;
      }
      for (int i = 0; i < r.count; i++) {
        for (int k = 0; k < r.comps; k++) {
          double v = r.get(i, k);
          if (Double.isNaN(v) || Double.isInfinite(v)) {
            bad++;
          }
        }
      }
    }
    if (bad > 0) {
      j.add(
          IssueCode.MESH_NON_FINITE_VALUES,
          pr.p + "/attributes",
          bad + " vertex attribute values are NaN or infinite.");
    }
  }

  private void uvRange(Prim pr) {
    for (Map.Entry<String, Integer> e : pr.attributes.entrySet()) {
      if (!e.getKey().startsWith("TEXCOORD_")) {
        continue;
      }
      AccessorReader r = data.reader(e.getValue());
      if (r == null || r.comps != 2) {
        continue;
      }
      int out = 0;
      for (int i = 0; i < r.count; i++) {
        double u = r.normalized(i, 0), v = r.normalized(i, 1);
        if (u < 0 || u > 1 || v < 0 || v > 1) {
          out++;
        }
      }
      if (out > 0) {
        j.add(
            IssueCode.MESH_UV_OUT_OF_RANGE,
            pr.p + "/attributes/" + e.getKey(),
            out
                + " of "
                + r.count
                + " UVs are outside 0..1 (fine with REPEAT wrapping, a problem for atlases and CLAMP).");
      }
    }
  }
}
