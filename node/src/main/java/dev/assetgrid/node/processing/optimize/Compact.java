package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.BufferViews;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * After the mesh stages: merges byte-identical accessors, drops accessors and bufferViews nothing
 * references, and repacks every bufferView into one data buffer (plus the data-less {@code
 * EXT_meshopt_compression} fallback buffer for views the writer compressed). Input views that were
 * meshopt-compressed and survive (animations...) are stored decoded.
 *
 * <p>Garbage collection needs to know every place that refers to an accessor or a bufferView; it is
 * skipped (all accessors and views are kept) when an extension outside {@link #KNOWN_SAFE} has
 * members that might refer to them in a way this class does not know.
 */
final class Compact {
  /** Extensions known not to refer to accessors or bufferViews other than as handled here. */
  static final Set<String> KNOWN_SAFE =
      Set.of(
          "KHR_texture_transform",
          "KHR_texture_basisu",
          "EXT_texture_webp",
          "EXT_texture_avif",
          "KHR_lights_punctual",
          "KHR_mesh_quantization",
          "EXT_meshopt_compression",
          "KHR_draco_mesh_compression",
          "EXT_mesh_gpu_instancing",
          "MSFT_lod",
          "KHR_xmp_json_ld",
          "KHR_animation_pointer",
          "KHR_node_visibility",
          "MSFT_texture_dds",
          "EXT_lights_image_based");

  private Compact() {}

  static void run(GltfAsset asset, boolean dedup, int ourFallbackBuffer) {
    ObjectNode json = asset.json();
    if (dedup) {
      dedupAccessors(asset);
    }
    if (safe(json)) {
      collect(json);
    }
    repack(asset, ourFallbackBuffer);
  }

  /** Field names through which an unknown extension could refer to binary data. */
  private static final Set<String> SUSPECT =
      Set.of(
          "accessor",
          "accessors",
          "bufferView",
          "bufferViews",
          "buffer",
          "attributes",
          "indices",
          "input",
          "output",
          "inverseBindMatrices");

  /**
   * Whether garbage collection is safe: every extension object in the document is known, or is
   * unknown but has no member named like a reference to binary data ({@link #SUSPECT}).
   */
  static boolean safe(ObjectNode json) {
    return safeNode(json);
  }

  private static boolean safeNode(JsonNode node) {
    if (node.isArray()) {
      for (JsonNode n : node) {
        if (!safeNode(n)) {
          return false;
        }
      }
      return true;
    }
    if (!node.isObject()) {
      return true;
    }
    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("extensions") && f.getValue().isObject()) {
        for (java.util.Iterator<Map.Entry<String, JsonNode>> e = f.getValue().fields();
            e.hasNext(); ) {
          Map.Entry<String, JsonNode> ext = e.next();
          boolean known =
              KNOWN_SAFE.contains(ext.getKey()) || ext.getKey().startsWith("KHR_materials_");
          if (known ? !safeNode(ext.getValue()) : mentionsData(ext.getValue())) {
            return false;
          }
        }
      } else if (!f.getKey().equals("extras") && !safeNode(f.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean mentionsData(JsonNode node) {
    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (SUSPECT.contains(f.getKey()) || mentionsData(f.getValue())) {
        return true;
      }
    }
    for (JsonNode n : node) {
      if (n.isContainerNode() && mentionsData(n)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ references

  static void accessorRefs(ObjectNode json, BiConsumer<ObjectNode, String> site) {
    for (JsonNode mesh : json.path("meshes")) {
      for (JsonNode prim : mesh.path("primitives")) {
        fields(prim.path("attributes"), site);
        if (prim instanceof ObjectNode p && p.has("indices")) {
          site.accept(p, "indices");
        }
        for (JsonNode t : prim.path("targets")) {
          fields(t, site);
        }
      }
    }
    for (JsonNode skin : json.path("skins")) {
      if (skin instanceof ObjectNode s && s.has("inverseBindMatrices")) {
        site.accept(s, "inverseBindMatrices");
      }
    }
    for (JsonNode anim : json.path("animations")) {
      for (JsonNode sampler : anim.path("samplers")) {
        if (sampler instanceof ObjectNode s) {
          if (s.has("input")) {
            site.accept(s, "input");
          }
          if (s.has("output")) {
            site.accept(s, "output");
          }
        }
      }
    }
    for (JsonNode node : json.path("nodes")) {
      fields(node.path("extensions").path("EXT_mesh_gpu_instancing").path("attributes"), site);
    }
  }

  static void viewRefs(ObjectNode json, BiConsumer<ObjectNode, String> site) {
    for (JsonNode a : json.path("accessors")) {
      if (a instanceof ObjectNode acc) {
        if (acc.has("bufferView")) {
          site.accept(acc, "bufferView");
        }
        for (String part : List.of("indices", "values")) {
          if (acc.path("sparse").path(part) instanceof ObjectNode s && s.has("bufferView")) {
            site.accept(s, "bufferView");
          }
        }
      }
    }
    for (JsonNode image : json.path("images")) {
      if (image instanceof ObjectNode i && i.has("bufferView")) {
        site.accept(i, "bufferView");
      }
    }
    for (JsonNode mesh : json.path("meshes")) {
      for (JsonNode prim : mesh.path("primitives")) {
        if (prim.path("extensions").path("KHR_draco_mesh_compression") instanceof ObjectNode d
            && d.has("bufferView")) {
          site.accept(d, "bufferView");
        }
      }
    }
  }

  private static void fields(JsonNode obj, BiConsumer<ObjectNode, String> site) {
    if (obj instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        site.accept(o, n);
      }
    }
  }

  // ------------------------------------------------------------------ dedup

  private record Key(String declaration, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.declaration.equals(declaration)
          && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return declaration.hashCode() * 31 + Arrays.hashCode(bytes);
    }
  }

  static int dedupAccessors(GltfAsset asset) {
    ObjectNode json = asset.json();
    JsonNode accessors = json.path("accessors");
    Map<Key, Integer> first = new HashMap<>();
    int[] canonical = new int[accessors.size()];
    int merged = 0;
    for (int i = 0; i < accessors.size(); i++) {
      canonical[i] = i;
      JsonNode a = accessors.get(i);
      Key key = key(asset, a);
      if (key == null) {
        continue;
      }
      Integer f = first.putIfAbsent(key, i);
      if (f != null) {
        canonical[i] = f;
        merged++;
      }
    }
    if (merged > 0) {
      accessorRefs(
          json,
          (holder, field) -> {
            JsonNode v = holder.get(field);
            if (v.canConvertToInt() && v.asInt() >= 0 && v.asInt() < canonical.length) {
              holder.put(field, canonical[v.asInt()]);
            }
          });
    }
    return merged;
  }

  private static Key key(GltfAsset asset, JsonNode a) {
    if (!a.isObject() || a.has("sparse") || !a.path("bufferView").canConvertToInt()) {
      return null;
    }
    int v = a.path("bufferView").asInt();
    JsonNode view = asset.json().path("bufferViews").path(v);
    if (!view.isObject() || view.path("extensions").has(MeshWriter.BufferViewsExt.MESHOPT)) {
      return null;
    }
    int ct = a.path("componentType").asInt(-1);
    String type = a.path("type").asText("");
    int elem = AccessorInfo.elementSize(ct, type);
    int count = a.path("count").asInt(-1);
    if (elem <= 0 || count <= 0) {
      return null;
    }
    int stride = view.path("byteStride").asInt(0) > 0 ? view.path("byteStride").asInt() : elem;
    long offset = a.path("byteOffset").asLong(0);
    try {
      ByteBuffer data = BufferViews.plainView(asset, v, "bufferViews/" + v);
      long end = offset + (long) stride * (count - 1) + elem;
      if (offset < 0 || end > data.limit()) {
        return null;
      }
      byte[] bytes = new byte[(int) (end - offset)];
      data.position((int) offset);
      data.get(bytes);
      String decl =
          ct
              + "|"
              + type
              + "|"
              + count
              + "|"
              + a.path("normalized").asBoolean(false)
              + "|"
              + stride
              + "|"
              + view.path("target")
              + "|"
              + a.has("min")
              + a.has("max");
      return new Key(decl, bytes);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ garbage collection

  private static void collect(ObjectNode json) {
    int accessorCount = json.path("accessors").size();
    boolean[] used = new boolean[accessorCount];
    accessorRefs(
        json,
        (holder, field) -> {
          int i = holder.path(field).asInt(-1);
          if (i >= 0 && i < accessorCount) {
            used[i] = true;
          }
        });
    int[] remap = compactArray(json, "accessors", used);
    accessorRefs(
        json,
        (holder, field) -> {
          int i = holder.path(field).asInt(-1);
          if (i >= 0 && i < accessorCount) {
            holder.put(field, remap[i]);
          }
        });
    int viewCount = json.path("bufferViews").size();
    boolean[] usedViews = new boolean[viewCount];
    viewRefs(
        json,
        (holder, field) -> {
          int i = holder.path(field).asInt(-1);
          if (i >= 0 && i < viewCount) {
            usedViews[i] = true;
          }
        });
    int[] viewRemap = compactArray(json, "bufferViews", usedViews);
    viewRefs(
        json,
        (holder, field) -> {
          int i = holder.path(field).asInt(-1);
          if (i >= 0 && i < viewCount) {
            holder.put(field, viewRemap[i]);
          }
        });
  }

  /** Keeps the used elements of a top-level array; @return old index to new (-1 when dropped). */
  private static int[] compactArray(ObjectNode json, String name, boolean[] used) {
    int[] remap = new int[used.length];
    JsonNode arr = json.path(name);
    if (!(arr instanceof ArrayNode old)) {
      return remap;
    }
    ArrayNode kept = json.arrayNode();
    for (int i = 0; i < used.length; i++) {
      if (used[i]) {
        remap[i] = kept.size();
        kept.add(old.get(i));
      } else {
        remap[i] = -1;
      }
    }
    if (kept.isEmpty()) {
      json.remove(name);
    } else {
      json.set(name, kept);
    }
    return remap;
  }

  // ------------------------------------------------------------------ repack

  private static void repack(GltfAsset asset, int ourFallbackBuffer) {
    ObjectNode json = asset.json();
    JsonNode views = json.path("bufferViews");
    BufferViews reader = new BufferViews(asset);
    List<byte[]> plain = new ArrayList<>();
    List<byte[]> compressed = new ArrayList<>();
    for (int v = 0; v < views.size(); v++) {
      JsonNode view = views.get(v);
      JsonNode ext = view.path("extensions").path(MeshWriter.BufferViewsExt.MESHOPT);
      if (ext.isObject() && view.path("buffer").asInt(-1) == ourFallbackBuffer) {
        ByteBuffer src = asset.buffer(ext.path("buffer").asInt());
        byte[] b = new byte[ext.path("byteLength").asInt()];
        src.position(ext.path("byteOffset").asInt());
        src.get(b);
        plain.add(null);
        compressed.add(b);
      } else {
        ByteBuffer data =
            ext.isObject() ? reader.data(v) : BufferViews.plainView(asset, v, "bufferViews/" + v);
        byte[] b = new byte[data.remaining()];
        data.get(b);
        plain.add(b);
        compressed.add(null);
      }
    }
    BinBuilder main = new BinBuilder();
    BinBuilder fallback = new BinBuilder();
    for (int v = 0; v < views.size(); v++) {
      ObjectNode view = (ObjectNode) views.get(v);
      if (compressed.get(v) != null) {
        ObjectNode ext =
            (ObjectNode) view.path("extensions").path(MeshWriter.BufferViewsExt.MESHOPT);
        ext.put("buffer", 0);
        ext.put("byteOffset", main.append(compressed.get(v)));
        view.put("buffer", 1);
        view.put("byteOffset", fallback.reserve(view.path("byteLength").asInt()));
      } else {
        view.put("buffer", 0);
        view.put("byteOffset", main.append(plain.get(v)));
        if (view.path("extensions") instanceof ObjectNode exts
            && exts.has(MeshWriter.BufferViewsExt.MESHOPT)) {
          exts.remove(MeshWriter.BufferViewsExt.MESHOPT);
          if (exts.isEmpty()) {
            view.remove("extensions");
          }
        }
      }
    }
    asset.buffers().clear();
    if (views.size() == 0) {
      json.remove("buffers");
      json.remove("bufferViews");
      return;
    }
    ArrayNode buffers = json.putArray("buffers");
    buffers.addObject().put("byteLength", main.size());
    asset.buffers().add(main.toBuffer());
    if (fallback.size() > 0) {
      ObjectNode fb = buffers.addObject();
      fb.put("byteLength", fallback.size());
      fb.putObject("extensions").putObject(MeshWriter.BufferViewsExt.MESHOPT).put("fallback", true);
      asset.buffers().add(null);
    }
  }
}
