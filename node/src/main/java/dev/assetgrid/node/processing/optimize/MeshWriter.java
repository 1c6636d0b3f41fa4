package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.stage.CompressOptions;
import dev.assetgrid.shared.stage.DedupOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a processed {@link MeshSet} back into its asset: one bufferView per stream (attributes
 * padded to 4-byte strides, indices as UNSIGNED_SHORT or UNSIGNED_INT), optionally {@code
 * EXT_meshopt_compression}-encoded with a data-less fallback buffer; primitives get the new
 * accessors, LOD levels become new meshes, mesh instances get the dequantization transform; then
 * identical accessors are merged, unreferenced accessors and bufferViews are dropped and the
 * buffers are repacked into one data buffer (plus the fallback buffer), ready for {@link
 * dev.assetgrid.node.processing.gltf.GlbWriter}.
 */
public final class MeshWriter {
  private static final int ARRAY_BUFFER = 34962;
  private static final int ELEMENT_ARRAY_BUFFER = 34963;

  private final MeshSet set;
  private final GltfAsset asset;
  private final ObjectNode json;
  private final CompressOptions compress;
  private final MeshOptimizer meshopt;
  private final BinBuilder bin = new BinBuilder();
  private final BinBuilder fallback = new BinBuilder();
  private final int dataBuffer;
  private final int fallbackBuffer;
  private boolean quantized;

  private record Written(
      Map<String, Integer> attributes, int indices, List<Map<String, Integer>> targets) {}

  private MeshWriter(MeshSet set, CompressOptions compress, MeshOptimizer meshopt) {
    this.set = set;
    this.meshopt = meshopt;
    this.asset = set.asset();
    this.json = asset.json();
    this.compress = compress;
    this.dataBuffer = asset.buffers().size();
    this.fallbackBuffer = dataBuffer + 1;
  }

  /**
   * Writes {@code set} into its asset (which is modified).
   *
   * @param meshopt encodes the {@code EXT_meshopt_compression} streams when {@code compress} asks
   *     for them
   */
  public static void write(
      MeshSet set, CompressOptions compress, DedupOptions dedup, MeshOptimizer meshopt) {
    new MeshWriter(set, compress, meshopt).run(dedup);
  }

  private void run(DedupOptions dedup) {
    // pad the buffers array so our two buffers get the indices we picked
    ArrayNode buffers = json.withArray("buffers");
    while (buffers.size() < dataBuffer) {
      buffers
          .addObject()
          .put("byteLength", 1); // never happens for read assets: one entry per buffer
    }
    Accessors reader = Accessors.of(asset);
    Map<Geometry, Written> written = new IdentityHashMap<>();
    for (Geometry g : set.geometries()) {
      written.put(g, writeGeometry(g));
    }
    for (MeshPart p : set.parts) {
      if (p.geometry != null) {
        applyToPrimitive(p.json, p.geometry, written.get(p.geometry));
      }
    }
    Map<Integer, List<Integer>> lodMeshes = writeLodMeshes(written);
    instances(lodMeshes, reader);

    ObjectNode data = JsonNodeFactoryHolder.object().put("byteLength", bin.size());
    buffers.add(data);
    asset.buffers().add(bin.toBuffer());
    boolean usedFallback = fallback.size() > 0;
    ObjectNode fb = JsonNodeFactoryHolder.object().put("byteLength", fallback.size());
    fb.putObject("extensions").putObject(BufferViewsExt.MESHOPT).put("fallback", true);
    buffers.add(fb);
    asset.buffers().add(null);

    if (quantized) {
      addExtension(json, "KHR_mesh_quantization", true);
    }
    if (!lodMeshes.isEmpty()) {
      addExtension(json, "MSFT_lod", false);
    }
    Compact.run(asset, dedup.enabled(), fallbackBuffer);
    if (usedFallback) {
      addExtension(json, BufferViewsExt.MESHOPT, true);
    } else {
      removeExtension(json, BufferViewsExt.MESHOPT);
    }
  }

  // ------------------------------------------------------------------ geometry

  private Written writeGeometry(Geometry g) {
    Map<String, Integer> attrs = new LinkedHashMap<>();
    for (Map.Entry<String, Stream> e : g.attributes.entrySet()) {
      attrs.put(e.getKey(), writeStream(e.getValue(), false, e.getKey().equals("POSITION")));
    }
    List<Map<String, Integer>> targets = new ArrayList<>();
    for (Map<String, Stream> t : g.targets) {
      Map<String, Integer> m = new LinkedHashMap<>();
      t.forEach((k, s) -> m.put(k, writeStream(s, true, k.equals("POSITION"))));
      targets.add(m);
    }
    int indices = g.indices == null ? -1 : writeIndices(g);
    return new Written(attrs, indices, targets);
  }

  private int writeStream(Stream s, boolean target, boolean minMax) {
    Encoding e = s.encoding == null ? Encoding.source(s) : s.encoding;
    if (e.needsMeshQuantization(s.semantic(), target)) {
      quantized = true;
    }
    int comps = s.components();
    int cs = AccessorInfo.componentSize(e.componentType());
    int elem = comps * cs;
    int stride = (elem + 3) & ~3;
    int count = s.count();
    ByteBuffer out = ByteBuffer.allocate(count * stride).order(ByteOrder.LITTLE_ENDIAN);
    double[] min = new double[comps];
    double[] max = new double[comps];
    java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    long[] q = new long[comps];
    for (int v = 0; v < count; v++) {
      int base = v * stride;
      if (e.componentType() == AccessorInfo.FLOAT) {
        for (int c = 0; c < comps; c++) {
          float x = s.data[v * comps + c];
          if (e.step() != null) {
            x = (float) ((x - (e.offset() == null ? 0f : e.offset()[c])) / (double) e.step()[c]);
          }
          out.putFloat(base + c * 4, x);
          min[c] = Math.min(min[c], x);
          max[c] = Math.max(max[c], x);
        }
        continue;
      }
      for (int c = 0; c < comps; c++) {
        q[c] = e.quantize(s.data[v * comps + c], c);
      }
      if (e.weights()) {
        fixWeights(q, Encoding.maxValue(e.componentType()));
      }
      for (int c = 0; c < comps; c++) {
        int off = base + c * cs;
        switch (cs) {
          case 1 -> out.put(off, (byte) q[c]);
          case 2 -> out.putShort(off, (short) q[c]);
          default -> out.putInt(off, (int) q[c]);
        }
        min[c] = Math.min(min[c], q[c]);
        max[c] = Math.max(max[c], q[c]);
      }
    }
    int view = vertexView(out.array(), count, stride);
    ObjectNode acc = json.withArray("accessors").addObject();
    acc.put("bufferView", view);
    acc.put("componentType", e.componentType());
    if (e.normalized()) {
      acc.put("normalized", true);
    }
    acc.put("count", count);
    acc.put("type", s.type());
    if (minMax && count > 0) {
      ArrayNode mn = acc.putArray("min");
      ArrayNode mx = acc.putArray("max");
      for (int c = 0; c < comps; c++) {
        if (e.componentType() == AccessorInfo.FLOAT) {
          mn.add((float) min[c]);
          mx.add((float) max[c]);
        } else {
          mn.add((long) min[c]);
          mx.add((long) max[c]);
        }
      }
    }
    return json.withArray("accessors").size() - 1;
  }

  /** Makes the stored integers of one vertex sum exactly to {@code total} (skin weights). */
  static void fixWeights(long[] q, long total) {
    long sum = 0;
    int largest = 0;
    for (int c = 0; c < q.length; c++) {
      sum += q[c];
      if (q[c] > q[largest]) {
        largest = c;
      }
    }
    if (sum > 0 && sum != total) {
      q[largest] = Math.max(0, Math.min(total, q[largest] + total - sum));
    }
  }

  private int vertexView(byte[] bytes, int count, int stride) {
    ObjectNode view = json.withArray("bufferViews").addObject();
    if (compress.meshopt() && count > 0) {
      byte[] enc = meshopt.encodeVertexBuffer(bytes, count, stride);
      view.put("buffer", fallbackBuffer);
      view.put("byteOffset", fallback.reserve(bytes.length));
      view.put("byteLength", bytes.length);
      view.put("byteStride", stride);
      view.put("target", ARRAY_BUFFER);
      ObjectNode ext = view.putObject("extensions").putObject(BufferViewsExt.MESHOPT);
      ext.put("buffer", dataBuffer);
      ext.put("byteOffset", bin.append(enc));
      ext.put("byteLength", enc.length);
      ext.put("byteStride", stride);
      ext.put("count", count);
      ext.put("mode", "ATTRIBUTES");
    } else {
      view.put("buffer", dataBuffer);
      view.put("byteOffset", bin.append(bytes));
      view.put("byteLength", Math.max(1, bytes.length));
      view.put("byteStride", stride);
      view.put("target", ARRAY_BUFFER);
    }
    return json.withArray("bufferViews").size() - 1;
  }

  private int writeIndices(Geometry g) {
    int[] idx = g.indices;
    boolean small = g.vertexCount <= 65535;
    int cs = small ? 2 : 4;
    ByteBuffer out = ByteBuffer.allocate(idx.length * cs).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : idx) {
      if (small) {
        out.putShort((short) i);
      } else {
        out.putInt(i);
      }
    }
    byte[] bytes = out.array();
    ObjectNode view = json.withArray("bufferViews").addObject();
    boolean triangles = g.isTriangles();
    if (compress.meshopt() && idx.length > 0) {
      byte[] enc = meshopt.encodeIndices(idx, g.vertexCount, triangles);
      view.put("buffer", fallbackBuffer);
      view.put("byteOffset", fallback.reserve(bytes.length));
      view.put("byteLength", bytes.length);
      view.put("target", ELEMENT_ARRAY_BUFFER);
      ObjectNode ext = view.putObject("extensions").putObject(BufferViewsExt.MESHOPT);
      ext.put("buffer", dataBuffer);
      ext.put("byteOffset", bin.append(enc));
      ext.put("byteLength", enc.length);
      ext.put("byteStride", cs);
      ext.put("count", idx.length);
      ext.put("mode", triangles ? "TRIANGLES" : "INDICES");
    } else {
      view.put("buffer", dataBuffer);
      view.put("byteOffset", bin.append(bytes));
      view.put("byteLength", Math.max(1, bytes.length));
      view.put("target", ELEMENT_ARRAY_BUFFER);
    }
    ObjectNode acc = json.withArray("accessors").addObject();
    acc.put("bufferView", json.withArray("bufferViews").size() - 1);
    acc.put("componentType", small ? AccessorInfo.UNSIGNED_SHORT : AccessorInfo.UNSIGNED_INT);
    acc.put("count", idx.length);
    acc.put("type", "SCALAR");
    return json.withArray("accessors").size() - 1;
  }

  private static void applyToPrimitive(ObjectNode prim, Geometry g, Written w) {
    ObjectNode attrs = prim.putObject("attributes");
    w.attributes.forEach(attrs::put);
    if (w.indices >= 0) {
      prim.put("indices", w.indices);
    } else {
      prim.remove("indices");
    }
    if (g.mode == Geometry.TRIANGLES) {
      prim.remove("mode");
    } else {
      prim.put("mode", g.mode);
    }
    if (!w.targets.isEmpty()) {
      ArrayNode targets = prim.putArray("targets");
      for (Map<String, Integer> t : w.targets) {
        ObjectNode o = targets.addObject();
        t.forEach(o::put);
      }
    }
  }

  // ------------------------------------------------------------------ LODs and instances

  private Map<Integer, List<Integer>> writeLodMeshes(Map<Geometry, Written> written) {
    Map<Integer, List<Integer>> out = new HashMap<>();
    ArrayNode meshes = json.withArray("meshes");
    set.lods.forEach(
        (m, levels) -> {
          List<MeshPart> parts = set.partsOf(m);
          List<Integer> ids = new ArrayList<>();
          for (int level = 0; level < levels.size(); level++) {
            ObjectNode base = (ObjectNode) meshes.get(m);
            ObjectNode lod = base.deepCopy();
            if (base.has("name")) {
              lod.put("name", base.path("name").asText() + " LOD" + (level + 1));
            }
            ArrayNode prims = lod.putArray("primitives");
            List<Geometry> geoms = levels.get(level);
            for (int i = 0; i < parts.size(); i++) {
              ObjectNode prim = parts.get(i).json.deepCopy();
              applyToPrimitive(prim, geoms.get(i), written.get(geoms.get(i)));
              prims.add(prim);
            }
            meshes.add(lod);
            ids.add(meshes.size() - 1);
          }
          out.put(m, ids);
        });
    return out;
  }

  /**
   * Mesh instances: a quantized mesh drawn by a plain node moves to a new child node carrying the
   * dequantization (node.weights and weight animations move with it); skinned instances get the
   * dequantization folded into their skin's inverse bind matrices. LOD levels hang off the node
   * that draws the base mesh through {@code MSFT_lod}.
   */
  private void instances(Map<Integer, List<Integer>> lodMeshes, Accessors reader) {
    JsonNode nodesNode = json.path("nodes");
    if (!nodesNode.isArray()) {
      return;
    }
    ArrayNode nodes = (ArrayNode) nodesNode;
    Map<Integer, Quantize.PositionGrid> skinsToFix = new java.util.TreeMap<>();
    int original = nodes.size();
    for (int n = 0; n < original; n++) {
      if (!(nodes.get(n) instanceof ObjectNode node) || !node.path("mesh").canConvertToInt()) {
        continue;
      }
      int m = node.path("mesh").asInt();
      Quantize.PositionGrid grid = set.grids.get(m);
      boolean quant = grid != null && !set.floatMeshes.contains(m) && hasGeometry(m);
      List<Integer> lods = lodMeshes.get(m);
      if (node.path("extensions").has("EXT_mesh_gpu_instancing")) {
        continue; // positions stay float for instanced meshes; no LOD switching under instancing
      }
      if (node.path("skin").canConvertToInt()) {
        if (quant) {
          skinsToFix.put(node.path("skin").asInt(), grid);
        }
        if (lods != null) {
          ObjectNode template = JsonNodeFactoryHolder.object();
          template.set("skin", node.get("skin"));
          if (node.has("weights")) {
            template.set("weights", node.get("weights").deepCopy());
          }
          linkLods(nodes, node, template, lods, m);
        }
        continue;
      }
      if (!quant && lods == null) {
        continue;
      }
      ObjectNode child = JsonNodeFactoryHolder.object();
      child.put("mesh", m);
      if (quant) {
        ArrayNode t = child.putArray("translation");
        for (float o : grid.offset()) {
          t.add(o);
        }
        child.putArray("scale").add(grid.step()).add(grid.step()).add(grid.step());
      }
      if (node.has("weights")) {
        child.set("weights", node.remove("weights"));
      }
      nodes.add(child);
      int childIndex = nodes.size() - 1;
      node.remove("mesh");
      node.withArray("children").add(childIndex);
      retargetWeights(n, childIndex);
      if (lods != null) {
        ObjectNode template = child.deepCopy();
        template.remove("mesh");
        linkLods(nodes, child, template, lods, m);
      }
    }
    skinsToFix.forEach((skin, grid) -> fixSkin(skin, grid, reader));
  }

  private boolean hasGeometry(int mesh) {
    for (MeshPart p : set.parts) {
      if (p.mesh == mesh && p.geometry != null) {
        return true;
      }
    }
    return false;
  }

  private void linkLods(
      ArrayNode nodes, ObjectNode base, ObjectNode template, List<Integer> lods, int mesh) {
    ArrayNode ids = base.with("extensions").putObject("MSFT_lod").putArray("ids");
    ArrayNode coverage = base.with("extras").putArray("MSFT_screencoverage");
    double c = 0.5;
    for (int lm : lods) {
      ObjectNode lodNode = template.deepCopy();
      lodNode.put("mesh", lm);
      nodes.add(lodNode);
      ids.add(nodes.size() - 1);
      coverage.add(c);
      c /= 2;
    }
    coverage.add(0.0);
  }

  private void retargetWeights(int from, int to) {
    for (JsonNode anim : json.path("animations")) {
      for (JsonNode ch : anim.path("channels")) {
        JsonNode target = ch.path("target");
        if (target instanceof ObjectNode t
            && t.path("node").asInt(-1) == from
            && "weights".equals(t.path("path").asText())) {
          t.put("node", to);
        }
      }
    }
  }

  /** inverseBindMatrices' = inverseBindMatrices x D, D = translate(offset) x scale(step). */
  private void fixSkin(int skinIndex, Quantize.PositionGrid grid, Accessors reader) {
    if (!(json.path("skins").path(skinIndex) instanceof ObjectNode skin)) {
      return;
    }
    int joints = skin.path("joints").size();
    float[] ibm;
    if (skin.path("inverseBindMatrices").canConvertToInt()) {
      ibm = reader.floats(skin.path("inverseBindMatrices").asInt());
    } else {
      ibm = new float[joints * 16];
      for (int j = 0; j < joints; j++) {
        ibm[j * 16] = ibm[j * 16 + 5] = ibm[j * 16 + 10] = ibm[j * 16 + 15] = 1f;
      }
    }
    int count = ibm.length / 16;
    float s = grid.step();
    float[] o = grid.offset();
    ByteBuffer out = ByteBuffer.allocate(count * 64).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < count; j++) {
      int b = j * 16;
      float[] r = new float[16];
      for (int row = 0; row < 4; row++) {
        r[row] = ibm[b + row] * s;
        r[4 + row] = ibm[b + 4 + row] * s;
        r[8 + row] = ibm[b + 8 + row] * s;
        r[12 + row] =
            ibm[b + row] * o[0]
                + ibm[b + 4 + row] * o[1]
                + ibm[b + 8 + row] * o[2]
                + ibm[b + 12 + row];
      }
      for (float f : r) {
        out.putFloat(f);
      }
    }
    ObjectNode view = json.withArray("bufferViews").addObject();
    view.put("buffer", dataBuffer);
    view.put("byteOffset", bin.append(out.array()));
    view.put("byteLength", out.capacity());
    ObjectNode acc = json.withArray("accessors").addObject();
    acc.put("bufferView", json.withArray("bufferViews").size() - 1);
    acc.put("componentType", AccessorInfo.FLOAT);
    acc.put("count", count);
    acc.put("type", "MAT4");
    skin.put("inverseBindMatrices", json.withArray("accessors").size() - 1);
  }

  // ------------------------------------------------------------------ extensions

  /** Adds {@code name} to extensionsUsed (and extensionsRequired when {@code required}) once. */
  static void addExtension(ObjectNode json, String name, boolean required) {
    addOnce(json.withArray("extensionsUsed"), name);
    if (required) {
      addOnce(json.withArray("extensionsRequired"), name);
    }
  }

  static void removeExtension(ObjectNode json, String name) {
    for (String list : List.of("extensionsUsed", "extensionsRequired")) {
      JsonNode a = json.path(list);
      if (a instanceof ArrayNode arr) {
        for (int i = arr.size() - 1; i >= 0; i--) {
          if (name.equals(arr.get(i).asText())) {
            arr.remove(i);
          }
        }
        if (arr.isEmpty()) {
          json.remove(list);
        }
      }
    }
  }

  private static void addOnce(ArrayNode arr, String name) {
    for (JsonNode n : arr) {
      if (name.equals(n.asText())) {
        return;
      }
    }
    arr.add(name);
  }

  /** Constants shared with {@link Compact}. */
  static final class BufferViewsExt {
    static final String MESHOPT = "EXT_meshopt_compression";

    private BufferViewsExt() {}
  }

  static final class JsonNodeFactoryHolder {
    private JsonNodeFactoryHolder() {}

    static ObjectNode object() {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
  }
}
