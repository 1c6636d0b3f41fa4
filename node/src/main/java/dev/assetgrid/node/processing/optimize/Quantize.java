package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.stage.QuantizeOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the stored encoding of every stream ({@code KHR_mesh_quantization}), following gltfpack:
 *
 * <ul>
 *   <li>POSITION: one grid for the whole asset (offset = the minimum corner, uniform step = largest
 *       extent / (2^bits - 1)), stored as UNSIGNED_SHORT. {@link MeshWriter} undoes it with a child
 *       node carrying {@code translation = offset, scale = step} for plain mesh instances, and by
 *       multiplying the inverse bind matrices for skinned ones. Morph-target position deltas use
 *       the same step (SHORT). A mesh keeps float positions when that cannot be done safely:
 *       instanced with EXT_mesh_gpu_instancing, not drawn by any node, holding a primitive that is
 *       passed through (Draco), or non-finite positions; the decision is propagated to meshes that
 *       share geometry or a skin.
 *   <li>NORMAL / TANGENT: normalized BYTE (SHORT above 8 bits).
 *   <li>TEXCOORD_n: normalized UNSIGNED_SHORT on {@code texcoordBits} over the UV range of all
 *       primitives that share a material, undone by a {@code KHR_texture_transform} on every
 *       texture of those materials that reads that UV set (composed with an existing transform). UV
 *       sets no texture reads are quantized only when inside [0, 1]. Existing transforms with a
 *       rotation or a texCoord override, and animated materials (KHR_animation_pointer), keep float
 *       UVs.
 *   <li>COLOR_n in [0, 1]: normalized UNSIGNED_BYTE (SHORT above 8 bits). WEIGHTS_0 (single set):
 *       normalized UNSIGNED_BYTE summing exactly to 255. JOINTS and custom attributes keep their
 *       input encoding.
 * </ul>
 *
 * Disabled, every stream keeps the encoding it came with (so already quantized input stays valid).
 */
public final class Quantize {
  private Quantize() {}

  /** The position grid: {@code position = offset + stored * step}. */
  public record PositionGrid(float[] offset, float step) {}

  public static void apply(MeshSet set, QuantizeOptions options) {
    GltfAsset asset = set.asset();
    for (Geometry g : set.geometries()) {
      for (Stream s : g.allStreams()) {
        s.encoding = Encoding.source(s);
      }
    }
    set.grids.clear();
    set.floatMeshes.clear();
    if (!options.enabled()) {
      return;
    }
    Map<Geometry, Set<Integer>> meshesOf = meshesOfGeometry(set);
    Set<Integer> floatMeshes = floatMeshes(set, meshesOf);
    set.floatMeshes.addAll(floatMeshes);

    // one grid per group of meshes that must share it (shared geometry or a shared skin)
    Map<Integer, List<Geometry>> byGroup = new HashMap<>();
    Map<Integer, Integer> groupOf = meshGroups(set, meshesOf);
    for (Map.Entry<Geometry, Set<Integer>> e : meshesOf.entrySet()) {
      if (!e.getValue().isEmpty() && e.getValue().stream().noneMatch(floatMeshes::contains)) {
        byGroup
            .computeIfAbsent(groupOf.get(e.getValue().iterator().next()), k -> new ArrayList<>())
            .add(e.getKey());
      }
    }
    for (Map.Entry<Integer, List<Geometry>> group : byGroup.entrySet()) {
      float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
      float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
      for (Geometry g : group.getValue()) {
        float[] p = g.position().data;
        for (int i = 0; i < p.length; i++) {
          min[i % 3] = Math.min(min[i % 3], p[i]);
          max[i % 3] = Math.max(max[i % 3], p[i]);
        }
      }
      float extent = Math.max(max[0] - min[0], Math.max(max[1] - min[1], max[2] - min[2]));
      float step = extent > 0 ? (float) (extent / ((1 << options.positionBits()) - 1.0)) : 1f;
      PositionGrid grid = new PositionGrid(min, step);
      groupOf.forEach(
          (mesh, g) -> {
            if (g.equals(group.getKey())) {
              set.grids.put(mesh, grid);
            }
          });
      float[] steps = {step, step, step};
      for (Geometry g : group.getValue()) {
        g.position().encoding =
            new Encoding(AccessorInfo.UNSIGNED_SHORT, false, min.clone(), steps.clone(), false);
        for (Map<String, Stream> t : g.targets) {
          Stream d = t.get("POSITION");
          if (d != null && d.components() == 3) {
            float m = 0;
            for (float v : d.data) {
              m = Math.max(m, Math.abs(v));
            }
            d.encoding =
                m / step <= 32767
                    ? new Encoding(AccessorInfo.SHORT, false, null, steps.clone(), false)
                    : new Encoding(AccessorInfo.FLOAT, false, null, steps.clone(), false);
          }
        }
      }
    }

    for (Geometry g : set.geometries()) {
      for (Stream s : g.attributes.values()) {
        String sem = s.semantic();
        if ((sem.equals("NORMAL") && s.components() == 3)
            || (sem.equals("TANGENT") && s.components() == 4)) {
          int ct = options.normalBits() <= 8 ? AccessorInfo.BYTE : AccessorInfo.SHORT;
          if (finite(s.data)) {
            s.encoding = Encoding.normalized(ct, s.components());
          }
        } else if (sem.startsWith("COLOR_") && within(s.data, 0f, 1f)) {
          s.encoding =
              Encoding.normalized(
                  options.colorBits() <= 8
                      ? AccessorInfo.UNSIGNED_BYTE
                      : AccessorInfo.UNSIGNED_SHORT,
                  s.components());
        } else if (sem.equals("WEIGHTS_0")
            && s.components() == 4
            && !g.attributes.containsKey("WEIGHTS_1")
            && s.sourceComponentType() == AccessorInfo.FLOAT
            && within(s.data, 0f, 1f)) {
          s.encoding =
              new Encoding(
                  AccessorInfo.UNSIGNED_BYTE, true, null, Encoding.uniform(4, 1f / 255), true);
        }
      }
    }
    texcoords(set, options);
  }

  // ------------------------------------------------------------------ positions

  /** Meshes (base and LOD-owning mesh index) each geometry is drawn by. */
  static Map<Geometry, Set<Integer>> meshesOfGeometry(MeshSet set) {
    Map<Geometry, Set<Integer>> out = new IdentityHashMap<>();
    for (MeshPart p : set.parts) {
      if (p.geometry != null) {
        out.computeIfAbsent(p.geometry, k -> new HashSet<>()).add(p.mesh);
      }
    }
    set.lods.forEach(
        (m, levels) ->
            levels.forEach(
                level -> level.forEach(g -> out.computeIfAbsent(g, k -> new HashSet<>()).add(m))));
    return out;
  }

  /** Mesh index to group id: meshes sharing a geometry or drawn with the same skin share a grid. */
  private static Map<Integer, Integer> meshGroups(
      MeshSet set, Map<Geometry, Set<Integer>> meshesOf) {
    Map<Integer, Integer> parent = new HashMap<>();
    java.util.function.IntUnaryOperator find =
        new java.util.function.IntUnaryOperator() {
          @Override
          public int applyAsInt(int x) {
            parent.putIfAbsent(x, x);
            while (parent.get(x) != x) {
              x = parent.get(x);
            }
            return x;
          }
        };
    java.util.function.BiConsumer<Integer, Integer> union =
        (a, b) -> {
          int ra = find.applyAsInt(a);
          int rb = find.applyAsInt(b);
          if (ra != rb) {
            parent.put(ra, rb);
          }
        };
    for (Set<Integer> ms : meshesOf.values()) {
      Integer first = null;
      for (int m : ms) {
        find.applyAsInt(m);
        if (first != null) {
          union.accept(first, m);
        }
        first = m;
      }
    }
    Map<Integer, Integer> skinMesh = new HashMap<>();
    for (JsonNode n : set.asset().json().path("nodes")) {
      if (n.path("mesh").canConvertToInt() && n.path("skin").canConvertToInt()) {
        int m = n.path("mesh").asInt();
        find.applyAsInt(m);
        Integer other = skinMesh.putIfAbsent(n.path("skin").asInt(), m);
        if (other != null) {
          union.accept(other, m);
        }
      }
    }
    Map<Integer, Integer> out = new HashMap<>();
    for (Integer m : new ArrayList<>(parent.keySet())) {
      out.put(m, find.applyAsInt(m));
    }
    return out;
  }

  private static Set<Integer> floatMeshes(MeshSet set, Map<Geometry, Set<Integer>> meshesOf) {
    ObjectNode json = set.asset().json();
    Set<Integer> out = new HashSet<>();
    Set<Integer> drawn = new HashSet<>();
    Map<Integer, Set<Integer>> meshesBySkin = new HashMap<>();
    JsonNode nodes = json.path("nodes");
    for (JsonNode n : nodes) {
      if (!n.path("mesh").canConvertToInt()) {
        continue;
      }
      int m = n.path("mesh").asInt();
      drawn.add(m);
      if (n.path("extensions").has("EXT_mesh_gpu_instancing")) {
        out.add(m);
      }
      if (n.path("skin").canConvertToInt()) {
        meshesBySkin.computeIfAbsent(n.path("skin").asInt(), k -> new HashSet<>()).add(m);
      }
    }
    for (MeshPart p : set.parts) {
      if (p.geometry == null || !drawn.contains(p.mesh)) {
        out.add(p.mesh);
      }
    }
    for (Map.Entry<Geometry, Set<Integer>> e : meshesOf.entrySet()) {
      Stream pos = e.getKey().position();
      if (pos == null || pos.components() != 3 || !finite(pos.data)) {
        out.addAll(e.getValue());
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Set<Integer> ms : meshesOf.values()) {
        if (ms.stream().anyMatch(out::contains) && !out.containsAll(ms)) {
          out.addAll(ms);
          changed = true;
        }
      }
      for (Set<Integer> ms : meshesBySkin.values()) {
        if (ms.stream().anyMatch(out::contains) && !out.containsAll(ms)) {
          out.addAll(ms);
          changed = true;
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ texture coordinates

  private static void texcoords(MeshSet set, QuantizeOptions options) {
    ObjectNode json = set.asset().json();
    boolean animatedMaterials = set.asset().usesExtension("KHR_animation_pointer");
    UnionFind uf = new UnionFind();
    Set<Integer> passThroughMaterials = new HashSet<>();
    for (MeshPart p : set.parts) {
      List<Integer> mats = materialsOf(p.json);
      if (p.geometry == null) {
        passThroughMaterials.addAll(mats);
        continue;
      }
      for (int m : mats) {
        uf.union(p.geometry, m);
      }
    }
    set.lods.forEach(
        (m, levels) -> {
          List<MeshPart> parts = set.partsOf(m);
          for (List<Geometry> level : levels) {
            for (int i = 0; i < level.size() && i < parts.size(); i++) {
              uf.union(level.get(i), parts.get(i).geometry);
            }
          }
        });
    Map<Object, List<Geometry>> geomsByRoot = new HashMap<>();
    Map<Object, List<Integer>> matsByRoot = new HashMap<>();
    for (Geometry g : set.geometries()) {
      geomsByRoot.computeIfAbsent(uf.find(g), k -> new ArrayList<>()).add(g);
    }
    for (Object k : uf.keys()) {
      if (k instanceof Integer m) {
        matsByRoot.computeIfAbsent(uf.find(k), x -> new ArrayList<>()).add(m);
      }
    }
    int maxStored = (1 << options.texcoordBits()) - 1;
    boolean addedTransform = false;
    for (Map.Entry<Object, List<Geometry>> comp : geomsByRoot.entrySet()) {
      List<Integer> mats = matsByRoot.getOrDefault(comp.getKey(), List.of());
      Set<String> sets = new java.util.TreeSet<>();
      comp.getValue()
          .forEach(
              g ->
                  g.attributes.keySet().stream()
                      .filter(k -> k.startsWith("TEXCOORD_"))
                      .forEach(sets::add));
      for (String sem : sets) {
        int uvSet;
        try {
          uvSet = Integer.parseInt(sem.substring("TEXCOORD_".length()));
        } catch (NumberFormatException e) {
          continue;
        }
        List<Stream> streams = new ArrayList<>();
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE};
        float[] hi = {-Float.MAX_VALUE, -Float.MAX_VALUE};
        boolean ok = true;
        for (Geometry g : comp.getValue()) {
          Stream s = g.attributes.get(sem);
          if (s == null) {
            continue;
          }
          streams.add(s);
          ok &= s.components() == 2 && finite(s.data);
          for (int i = 0; ok && i < s.data.length; i++) {
            lo[i & 1] = Math.min(lo[i & 1], s.data[i]);
            hi[i & 1] = Math.max(hi[i & 1], s.data[i]);
          }
        }
        List<ObjectNode> infos = new ArrayList<>();
        for (int m : mats) {
          ok &= !passThroughMaterials.contains(m);
          JsonNode mat = json.path("materials").path(m);
          ok &= collectTextureInfos(mat, uvSet, infos);
        }
        if (!ok || streams.isEmpty()) {
          continue;
        }
        if (infos.isEmpty()) {
          if (lo[0] >= 0 && lo[1] >= 0 && hi[0] <= 1 && hi[1] <= 1) {
            streams.forEach(s -> s.encoding = Encoding.normalized(AccessorInfo.UNSIGNED_SHORT, 2));
          }
          continue;
        }
        if (animatedMaterials) {
          continue;
        }
        float[] step = new float[2];
        for (int c = 0; c < 2; c++) {
          float range = hi[c] - lo[c];
          step[c] = range > 0 ? (float) (range / maxStored) : 1f / maxStored;
        }
        Encoding enc = new Encoding(AccessorInfo.UNSIGNED_SHORT, true, lo.clone(), step, false);
        streams.forEach(s -> s.encoding = enc);
        for (ObjectNode info : infos) {
          ObjectNode ext = info.with("extensions").with("KHR_texture_transform");
          float[] t = pair(ext.path("offset"), 0f);
          float[] sc = pair(ext.path("scale"), 1f);
          ArrayNode off = ext.putArray("offset");
          off.add(t[0] + sc[0] * lo[0]).add(t[1] + sc[1] * lo[1]);
          ArrayNode scale = ext.putArray("scale");
          scale.add(sc[0] * step[0] * 65535f).add(sc[1] * step[1] * 65535f);
        }
        addedTransform = true;
      }
    }
    if (addedTransform) {
      MeshWriter.addExtension(json, "KHR_texture_transform", true);
    }
  }

  private static float[] pair(JsonNode n, float dflt) {
    if (n.isArray() && n.size() == 2 && n.get(0).isNumber() && n.get(1).isNumber()) {
      return new float[] {(float) n.get(0).asDouble(), (float) n.get(1).asDouble()};
    }
    return new float[] {dflt, dflt};
  }

  /**
   * Materials a primitive can be drawn with: its material (-1 for none) and its
   * KHR_materials_variants mappings.
   */
  static List<Integer> materialsOf(JsonNode prim) {
    List<Integer> out = new ArrayList<>();
    out.add(prim.path("material").canConvertToInt() ? prim.path("material").asInt() : -1);
    for (JsonNode mapping :
        prim.path("extensions").path("KHR_materials_variants").path("mappings")) {
      if (mapping.path("material").canConvertToInt()) {
        out.add(mapping.path("material").asInt());
      }
    }
    return out;
  }

  /**
   * Adds the textureInfos of {@code material} that read UV set {@code uvSet}; false when one of
   * them cannot take a composed transform (rotation, texCoord override).
   */
  private static boolean collectTextureInfos(JsonNode node, int uvSet, List<ObjectNode> out) {
    boolean ok = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("extras") || !(f.getValue() instanceof ObjectNode child)) {
        continue;
      }
      if (f.getKey().endsWith("Texture") && child.path("index").canConvertToInt()) {
        int set = child.path("texCoord").asInt(0);
        JsonNode tt = child.path("extensions").path("KHR_texture_transform");
        if (tt.has("texCoord") && tt.path("texCoord").asInt(-1) != set) {
          ok &= tt.path("texCoord").asInt(-1) != uvSet && set != uvSet;
          continue;
        }
        if (set == uvSet) {
          ok &= tt.path("rotation").asDouble(0) == 0;
          out.add(child);
        }
      } else {
        ok &= collectTextureInfos(child, uvSet, out);
      }
    }
    return ok;
  }

  static boolean finite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  static boolean within(float[] a, float lo, float hi) {
    for (float v : a) {
      if (!(v >= lo && v <= hi)) {
        return false;
      }
    }
    return true;
  }

  /** Union-find over geometries (by identity) and material indices. */
  private static final class UnionFind {
    private final Map<Object, Object> parent = new IdentityHashMap<>();
    private final Map<Integer, Integer> canonical = new HashMap<>();

    private Object key(Object o) {
      return o instanceof Integer i ? canonical.computeIfAbsent(i, x -> x) : o;
    }

    Object find(Object o) {
      Object k = key(o);
      parent.putIfAbsent(k, k);
      while (parent.get(k) != k) {
        k = parent.get(k);
      }
      return k;
    }

    void union(Object a, Object b) {
      Object ra = find(a);
      Object rb = find(b);
      if (ra != rb) {
        parent.put(ra, rb);
      }
    }

    Set<Object> keys() {
      return parent.keySet();
    }
  }
}
