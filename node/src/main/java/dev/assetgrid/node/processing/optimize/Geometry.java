package dev.assetgrid.node.processing.optimize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded vertex and index data of one mesh primitive (possibly shared by several primitives
 * that referenced the same accessors, see {@link MeshSet}).
 *
 * <p>Invariants kept by every stage: all streams (base attributes and morph-target deltas) hold
 * {@link #vertexCount()} elements; every index is below {@link #vertexCount()}; triangle lists
 * ({@link #TRIANGLES}) have a multiple of 3 indices. Strips and fans are converted to lists when
 * read; points and lines keep their mode and are only reordered, quantized and compressed.
 */
public final class Geometry {
  public static final int POINTS = 0;
  public static final int LINES = 1;
  public static final int TRIANGLES = 4;

  int mode;
  int vertexCount;
  final LinkedHashMap<String, Stream> attributes = new LinkedHashMap<>();
  final List<LinkedHashMap<String, Stream>> targets = new ArrayList<>();

  /** Index list, or null for non-indexed points/lines (triangles always get an index list). */
  int[] indices;

  /** Set by stages that keep the first simplification result (LOD 0 is this geometry). */
  float simplifyError;

  Geometry(int mode, int vertexCount) {
    this.mode = mode;
    this.vertexCount = vertexCount;
  }

  /** glTF primitive mode: 0 points, 1 lines, 4 triangles (strips/fans/loops were converted). */
  public int mode() {
    return mode;
  }

  public int vertexCount() {
    return vertexCount;
  }

  /** Indices (not copied), or null when the primitive is not indexed. */
  public int[] indices() {
    return indices;
  }

  public Map<String, Stream> attributes() {
    return attributes;
  }

  public List<LinkedHashMap<String, Stream>> targets() {
    return targets;
  }

  public Stream position() {
    return attributes.get("POSITION");
  }

  public boolean isTriangles() {
    return mode == TRIANGLES;
  }

  /** Triangles (triangle lists), else 0. */
  public int triangleCount() {
    return mode == TRIANGLES && indices != null ? indices.length / 3 : 0;
  }

  /** Every stream: base attributes then the targets' deltas. */
  List<Stream> allStreams() {
    List<Stream> out = new ArrayList<>(attributes.values());
    for (Map<String, Stream> t : targets) {
      out.addAll(t.values());
    }
    return out;
  }

  /**
   * Moves vertex {@code v} to {@code remap[v]} in every stream (base and targets); vertices with
   * {@code remap[v] < 0} are dropped. Indices are rewritten the same way.
   */
  void remapVertices(int[] remap, int newCount) {
    for (Map.Entry<String, Stream> e : attributes.entrySet()) {
      e.setValue(remapStream(e.getValue(), remap, newCount));
    }
    for (Map<String, Stream> t : targets) {
      for (Map.Entry<String, Stream> e : t.entrySet()) {
        e.setValue(remapStream(e.getValue(), remap, newCount));
      }
    }
    if (indices != null) {
      for (int i = 0; i < indices.length; i++) {
        indices[i] = remap[indices[i]];
      }
    }
    vertexCount = newCount;
  }

  private static Stream remapStream(Stream s, int[] remap, int newCount) {
    int c = s.components();
    float[] src = s.data;
    float[] dst = new float[newCount * c];
    for (int v = 0; v < remap.length; v++) {
      int to = remap[v];
      if (to >= 0) {
        System.arraycopy(src, v * c, dst, to * c, c);
      }
    }
    return s.copyWith(dst);
  }

  /** A deep copy (LOD generation simplifies copies). */
  Geometry copy() {
    Geometry g = new Geometry(mode, vertexCount);
    attributes.forEach((k, s) -> g.attributes.put(k, s.copyWith(s.data.clone())));
    for (Map<String, Stream> t : targets) {
      LinkedHashMap<String, Stream> m = new LinkedHashMap<>();
      t.forEach((k, s) -> m.put(k, s.copyWith(s.data.clone())));
      g.targets.add(m);
    }
    g.indices = indices == null ? null : indices.clone();
    return g;
  }

  /** Positions as a packed float[vertexCount*3] (zeros when the primitive has none). */
  float[] positions() {
    Stream p = position();
    return p != null && p.components() == 3 ? p.data : new float[vertexCount * 3];
  }
}
