package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.error.AssetGridException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The geometry of an asset, decoded once for the mesh stages: every primitive of every mesh as a
 * {@link MeshPart}. Primitives that reference exactly the same accessors (and mode) share one
 * {@link Geometry}, so each distinct geometry is processed and written once.
 *
 * <p>Design note: the stages work on this decoded form rather than on accessors because every mesh
 * operation (weld, reorder, simplify) rewrites all streams of a primitive together, and the final
 * layout (quantized, one stream per bufferView, optionally meshopt-compressed) is decided only at
 * the end by {@link MeshWriter}, as gltfpack does. Anything the stages do not understand stays in
 * the asset JSON untouched.
 */
public final class MeshSet {
  private final GltfAsset asset;
  final List<MeshPart> parts = new ArrayList<>();

  /**
   * LOD chains by mesh index: level i (from 1) holds one geometry per part of the mesh, in order.
   */
  final Map<Integer, List<List<Geometry>>> lods = new LinkedHashMap<>();

  final Map<Integer, float[]> lodErrors = new HashMap<>();

  /** Position grid of each quantized mesh, chosen by {@link Quantize}; absent = float positions. */
  final Map<Integer, Quantize.PositionGrid> grids = new HashMap<>();

  /** Meshes whose positions stay float (see {@link Quantize}). */
  final java.util.Set<Integer> floatMeshes = new java.util.HashSet<>();

  private MeshSet(GltfAsset asset) {
    this.asset = asset;
  }

  public GltfAsset asset() {
    return asset;
  }

  public List<MeshPart> parts() {
    return Collections.unmodifiableList(parts);
  }

  /** Distinct processed geometries (base meshes and LOD levels), in first-use order. */
  public List<Geometry> geometries() {
    Set<Geometry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Geometry> out = new ArrayList<>();
    for (MeshPart p : parts) {
      if (p.geometry != null && seen.add(p.geometry)) {
        out.add(p.geometry);
      }
    }
    for (List<List<Geometry>> levels : lods.values()) {
      for (List<Geometry> level : levels) {
        for (Geometry g : level) {
          if (g != null && seen.add(g)) {
            out.add(g);
          }
        }
      }
    }
    return out;
  }

  /** Parts of mesh {@code mesh}, in primitive order. */
  List<MeshPart> partsOf(int mesh) {
    List<MeshPart> out = new ArrayList<>();
    for (MeshPart p : parts) {
      if (p.mesh == mesh) {
        out.add(p);
      }
    }
    return out;
  }

  /** Replaces every use of {@code from} by {@code to}. */
  void replace(Geometry from, Geometry to) {
    for (MeshPart p : parts) {
      if (p.geometry == from) {
        p.geometry = to;
      }
    }
  }

  /** Sum of triangles over all processed parts (each part counted, shared or not). */
  public long triangles() {
    long n = 0;
    for (MeshPart p : parts) {
      if (p.geometry != null) {
        n += p.geometry.triangleCount();
      }
    }
    return n;
  }

  /** Sum of vertices over distinct processed geometries. */
  public long vertices() {
    long n = 0;
    for (MeshPart p : parts) {
      if (p.geometry != null) {
        n += p.geometry.vertexCount;
      }
    }
    return n;
  }

  /**
   * Decodes every primitive of {@code asset}; primitives that cannot be processed are skipped with
   * a reason.
   */
  public static MeshSet read(GltfAsset asset) {
    MeshSet set = new MeshSet(asset);
    Accessors acc = Accessors.of(asset);
    Map<String, Geometry> byKey = new HashMap<>();
    Map<Integer, float[]> floatCache = new HashMap<>();
    JsonNode meshes = asset.json().path("meshes");
    for (int m = 0; m < meshes.size(); m++) {
      JsonNode prims = meshes.get(m).path("primitives");
      for (int p = 0; p < prims.size(); p++) {
        if (!(prims.get(p) instanceof ObjectNode prim)) {
          continue;
        }
        String skip = null;
        Geometry g = null;
        if (prim.path("extensions").has("KHR_draco_mesh_compression")) {
          skip = "Draco-compressed";
        } else {
          String key =
              prim.path("mode").toString()
                  + prim.path("attributes")
                  + prim.path("indices")
                  + prim.path("targets");
          g = byKey.get(key);
          if (g == null) {
            try {
              g = decode(acc, prim, floatCache);
              byKey.put(key, g);
            } catch (AssetGridException | IllegalArgumentException e) {
              skip = e.getMessage();
            }
          }
        }
        set.parts.add(new MeshPart(m, p, prim, skip == null ? g : null, skip));
      }
    }
    return set;
  }

  private static Geometry decode(Accessors acc, ObjectNode prim, Map<Integer, float[]> cache) {
    int mode = prim.has("mode") ? prim.path("mode").asInt(-1) : 4;
    if (mode < 0
        || mode > 6
        || !prim.path("mode").isMissingNode() && !prim.path("mode").canConvertToExactIntegral()) {
      throw new IllegalArgumentException("mode " + prim.path("mode") + " is not valid");
    }
    JsonNode attrs = prim.path("attributes");
    if (!attrs.isObject() || !attrs.has("POSITION")) {
      throw new IllegalArgumentException("primitive has no POSITION");
    }
    LinkedHashMap<String, Stream> streams = readStreams(acc, attrs, cache, -1);
    int vertexCount = streams.get("POSITION").count();
    for (Stream s : streams.values()) {
      if (s.count() != vertexCount) {
        throw new IllegalArgumentException(
            "attribute "
                + s.semantic()
                + " has "
                + s.count()
                + " elements, POSITION "
                + vertexCount);
      }
    }
    if (vertexCount == 0) {
      throw new IllegalArgumentException("primitive has no vertices");
    }
    Geometry g = new Geometry(mode, vertexCount);
    g.attributes.putAll(streams);
    for (JsonNode t : prim.path("targets")) {
      if (!t.isObject()) {
        throw new IllegalArgumentException("morph target is not an object");
      }
      g.targets.add(readStreams(acc, t, cache, vertexCount));
    }
    int[] idx =
        prim.has("indices") ? acc.indices(prim.path("indices").asInt(-1), vertexCount) : null;
    switch (mode) {
      case 4 ->
          g.indices =
              idx == null
                  ? sequence(vertexCount - vertexCount % 3)
                  : truncate(idx, idx.length - idx.length % 3);
      case 5, 6 -> {
        g.indices = unstrip(idx == null ? sequence(vertexCount) : idx, mode == 6);
        g.mode = Geometry.TRIANGLES;
      }
      case 1 -> g.indices = idx == null ? null : truncate(idx, idx.length & ~1);
      case 2, 3 -> {
        g.indices = lineList(idx == null ? sequence(vertexCount) : idx, mode == 2);
        g.mode = Geometry.LINES;
      }
      default -> g.indices = idx;
    }
    if (g.indices != null && g.indices.length == 0) {
      throw new IllegalArgumentException("primitive has no complete triangle or line");
    }
    return g;
  }

  private static LinkedHashMap<String, Stream> readStreams(
      Accessors acc, JsonNode attrs, Map<Integer, float[]> cache, int expected) {
    LinkedHashMap<String, Stream> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int index = e.getValue().canConvertToExactIntegral() ? e.getValue().asInt(-1) : -1;
      AccessorInfo info = acc.info(index);
      if (info.components() > 4 || info.type().startsWith("MAT")) {
        throw new IllegalArgumentException("attribute " + e.getKey() + " has type " + info.type());
      }
      float[] data = cache.get(index);
      if (data == null) {
        data = acc.floats(index);
        cache.put(index, data);
      }
      if (expected >= 0 && info.count() != expected) {
        throw new IllegalArgumentException(
            "morph target "
                + e.getKey()
                + " has "
                + info.count()
                + " elements, expected "
                + expected);
      }
      out.put(
          e.getKey(),
          new Stream(
              e.getKey(),
              info.type(),
              info.components(),
              info.componentType(),
              info.normalized(),
              data.clone()));
    }
    return out;
  }

  static int[] sequence(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int[] truncate(int[] a, int n) {
    return n == a.length ? a : java.util.Arrays.copyOf(a, n);
  }

  /** Triangle strip or fan to a list; winding alternates in strips as the spec defines. */
  static int[] unstrip(int[] s, boolean fan) {
    int n = Math.max(0, s.length - 2);
    int[] out = new int[n * 3];
    for (int i = 0; i < n; i++) {
      if (fan) {
        out[i * 3] = s[i + 1];
        out[i * 3 + 1] = s[i + 2];
        out[i * 3 + 2] = s[0];
      } else if ((i & 1) == 0) {
        out[i * 3] = s[i];
        out[i * 3 + 1] = s[i + 1];
        out[i * 3 + 2] = s[i + 2];
      } else {
        out[i * 3] = s[i + 1];
        out[i * 3 + 1] = s[i];
        out[i * 3 + 2] = s[i + 2];
      }
    }
    return out;
  }

  /** Line strip or loop to a line list. */
  static int[] lineList(int[] s, boolean loop) {
    int n = s.length < 2 ? 0 : s.length - 1 + (loop ? 1 : 0);
    int[] out = new int[n * 2];
    for (int i = 0; i < n; i++) {
      out[i * 2] = s[i];
      out[i * 2 + 1] = s[(i + 1) % s.length];
    }
    return out;
  }
}
