package dev.assetgrid.node.processing.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.Mat4;
import dev.assetgrid.node.processing.gltf.SceneRoots;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default scene flattened into draws: triangle primitives (TRIANGLES, TRIANGLE_STRIP and
 * TRIANGLE_FAN, as indexed triangle lists) with their world transform. Node hierarchies (TRS and
 * matrix), {@code EXT_mesh_gpu_instancing} (translation/rotation/scale), default morph target
 * weights and skins in their rest pose are applied; points and lines are skipped.
 *
 * <p>Accessors are read once each (corpus models share them between primitives), primitives once
 * per (mesh, primitive) unless skinned or morphed.
 */
final class SceneGeometry {
  /** Most triangles one thumbnail draws, instancing included. */
  static final long MAX_RENDERED_TRIANGLES = 50_000_000L;

  private static final int MAX_DEPTH = 1024;

  /** One primitive's vertex data (element-major arrays; optional ones are null). */
  static final class Primitive {
    final float[] positions;
    final float[] normals;
    final float[] uvs;
    final float[] colors; // RGBA per vertex
    final int[] triangles;
    final Material material;

    Primitive(
        float[] positions,
        float[] normals,
        float[] uvs,
        float[] colors,
        int[] triangles,
        Material material) {
      this.positions = positions;
      this.normals = normals;
      this.uvs = uvs;
      this.colors = colors;
      this.triangles = triangles;
      this.material = material;
    }

    int vertexCount() {
      return positions.length / 3;
    }
  }

  /** A primitive placed in the world. */
  record Draw(Primitive primitive, double[] world) {}

  final List<Draw> draws = new ArrayList<>();
  long triangles;

  private final GltfAsset asset;
  private final Accessors accessors;
  private final Material.Library materials;
  private final List<String> notes;
  private final Map<Integer, float[]> floatCache = new HashMap<>();
  private final Map<Long, Primitive> primitiveCache = new HashMap<>();
  private double[][] worlds;

  private SceneGeometry(GltfAsset asset, ThumbnailOptions options, List<String> notes) {
    this.asset = asset;
    this.accessors = Accessors.of(asset);
    this.materials = new Material.Library(asset, options, notes);
    this.notes = notes;
  }

  static SceneGeometry build(GltfAsset asset, ThumbnailOptions options, List<String> notes) {
    if (asset.hasDraco()) {
      throw new AssetGridException(
          ErrorCode.UNSUPPORTED_FORMAT,
          "Draco-compressed geometry (KHR_draco_mesh_compression) cannot be decoded for a thumbnail");
    }
    SceneGeometry g = new SceneGeometry(asset, options, notes);
    g.traverse();
    return g;
  }

  // ------------------------------------------------------------ hierarchy

  private void traverse() {
    worlds = new double[asset.count("nodes")][];
    List<Integer> roots = SceneRoots.of(asset.json(), worlds.length);
    Set<Integer> visited = new HashSet<>();
    for (int r : roots) {
      visit(r, Mat4.identity(), visited, 0);
    }
    // skins may name joints outside the drawn scene: give them their own hierarchy's transform
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < worlds.length; i++) {
      if (worlds[i] == null) {
        pending.add(i);
      }
    }
    if (!pending.isEmpty()) {
      int[] parent = new int[worlds.length];
      java.util.Arrays.fill(parent, -1);
      for (int i = 0; i < worlds.length; i++) {
        for (JsonNode c : asset.element("nodes", i).path("children")) {
          int ci = c.asInt(-1);
          if (ci >= 0 && ci < parent.length && parent[ci] < 0) {
            parent[ci] = i;
          }
        }
      }
      for (int i : pending) {
        worldOf(i, parent, 0);
      }
    }
    for (Runnable r : deferredSkins) {
      r.run();
    }
  }

  private double[] worldOf(int i, int[] parent, int depth) {
    if (worlds[i] != null) {
      return worlds[i];
    }
    double[] local = Mat4.local(asset.element("nodes", i));
    double[] p =
        parent[i] < 0 || depth > MAX_DEPTH
            ? Mat4.identity()
            : worldOf(parent[i], parent, depth + 1);
    worlds[i] = Mat4.multiply(p, local);
    return worlds[i];
  }

  private final List<Runnable> deferredSkins = new ArrayList<>();

  private void visit(int nodeIndex, double[] parentWorld, Set<Integer> visited, int depth) {
    JsonNode node = asset.element("nodes", nodeIndex);
    if (!node.isObject() || depth > MAX_DEPTH || !visited.add(nodeIndex)) {
      return; // cycles and shared children are the validator's business
    }
    double[] world = Mat4.multiply(parentWorld, Mat4.local(node));
    worlds[nodeIndex] = world;
    JsonNode meshRef = node.path("mesh");
    if (meshRef.canConvertToInt()
        && meshRef.asInt() >= 0
        && meshRef.asInt() < asset.count("meshes")) {
      int mesh = meshRef.asInt();
      int skin = node.path("skin").asInt(-1);
      if (skin >= 0 && skin < asset.count("skins")) {
        // joint world matrices are known only after the whole traversal
        deferredSkins.add(() -> addMesh(node, mesh, skin, Mat4.identity()));
      } else {
        List<double[]> instances = instances(node);
        if (instances == null) {
          addMesh(node, mesh, -1, world);
        } else {
          for (double[] inst : instances) {
            addMesh(node, mesh, -1, Mat4.multiply(world, inst));
          }
        }
      }
    }
    for (JsonNode c : node.path("children")) {
      visit(c.asInt(-1), world, visited, depth + 1);
    }
  }

  private List<double[]> instances(JsonNode node) {
    JsonNode attrs = node.path("extensions").path("EXT_mesh_gpu_instancing").path("attributes");
    if (!attrs.isObject() || attrs.isEmpty()) {
      return null;
    }
    float[] t = attrs.has("TRANSLATION") ? floats(attrs.path("TRANSLATION").asInt(-1), 3) : null;
    float[] r = attrs.has("ROTATION") ? floats(attrs.path("ROTATION").asInt(-1), 4) : null;
    float[] s = attrs.has("SCALE") ? floats(attrs.path("SCALE").asInt(-1), 3) : null;
    int count = Integer.MAX_VALUE;
    count = t == null ? count : Math.min(count, t.length / 3);
    count = r == null ? count : Math.min(count, r.length / 4);
    count = s == null ? count : Math.min(count, s.length / 3);
    if (count == Integer.MAX_VALUE) {
      return null;
    }
    List<double[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      double[] tt =
          t == null ? new double[] {0, 0, 0} : new double[] {t[3 * i], t[3 * i + 1], t[3 * i + 2]};
      double[] rr =
          r == null
              ? new double[] {0, 0, 0, 1}
              : new double[] {r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]};
      double[] ss =
          s == null ? new double[] {1, 1, 1} : new double[] {s[3 * i], s[3 * i + 1], s[3 * i + 2]};
      out.add(Mat4.trs(tt, rr, ss));
    }
    return out;
  }

  // ------------------------------------------------------------ primitives

  private void addMesh(JsonNode node, int mesh, int skin, double[] world) {
    JsonNode meshNode = asset.element("meshes", mesh);
    JsonNode primitives = meshNode.path("primitives");
    JsonNode weights = node.has("weights") ? node.path("weights") : meshNode.path("weights");
    boolean morphed = false;
    for (JsonNode w : weights) {
      morphed |= w.asDouble(0) != 0;
    }
    for (int p = 0; p < primitives.size(); p++) {
      Primitive prim;
      if (skin < 0 && !morphed) {
        long key = (long) mesh << 32 | p;
        prim = primitiveCache.get(key);
        if (prim == null && !primitiveCache.containsKey(key)) {
          prim = load(primitives.get(p), null);
          primitiveCache.put(key, prim);
        }
      } else {
        prim = load(primitives.get(p), morphed ? weights : null);
        if (prim != null && skin >= 0) {
          prim = skinned(prim, primitives.get(p), skin);
        }
      }
      if (prim == null) {
        continue;
      }
      triangles += prim.triangles.length / 3;
      if (triangles > MAX_RENDERED_TRIANGLES) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            "the scene draws more than "
                + MAX_RENDERED_TRIANGLES
                + " triangles; no thumbnail is rendered");
      }
      draws.add(new Draw(prim, world));
    }
  }

  /** The primitive's triangles, or null when it draws none (points, lines, no POSITION). */
  private Primitive load(JsonNode prim, JsonNode morphWeights) {
    int mode = prim.path("mode").asInt(4);
    JsonNode attrs = prim.path("attributes");
    if (mode < 4 || mode > 6 || !attrs.path("POSITION").canConvertToInt()) {
      return null;
    }
    Material material = materials.get(prim.path("material").asInt(-1));
    float[] positions = floats(attrs.path("POSITION").asInt(), 3);
    int n = positions.length / 3;
    float[] normals = attribute(attrs, "NORMAL", 3, n);
    if (morphWeights != null) {
      positions = positions.clone();
      normals = normals == null ? null : normals.clone();
      JsonNode targets = prim.path("targets");
      for (int t = 0; t < targets.size() && t < morphWeights.size(); t++) {
        float w = (float) morphWeights.get(t).asDouble(0);
        if (w != 0) {
          addScaled(positions, attribute(targets.get(t), "POSITION", 3, n), w);
          if (normals != null) {
            addScaled(normals, attribute(targets.get(t), "NORMAL", 3, n), w);
          }
        }
      }
    }
    float[] uvs = null;
    if (material.texture != null) {
      uvs = attribute(attrs, "TEXCOORD_" + material.texCoord, 2, n);
      if (uvs != null && material.uvTransform != null) {
        float[] t = material.uvTransform;
        float[] out = new float[uvs.length];
        for (int i = 0; i < n; i++) {
          float u = uvs[2 * i];
          float v = uvs[2 * i + 1];
          out[2 * i] = t[0] * u + t[1] * v + t[2];
          out[2 * i + 1] = t[3] * u + t[4] * v + t[5];
        }
        uvs = out;
      }
    }
    float[] colors = null;
    if (attrs.path("COLOR_0").canConvertToInt()) {
      int acc = attrs.path("COLOR_0").asInt();
      int comps = accessors.info(acc).components();
      if (comps == 3 || comps == 4) {
        float[] c = floats(acc, comps);
        if (c.length / comps == n) {
          colors = new float[n * 4];
          for (int i = 0; i < n; i++) {
            colors[4 * i] = c[comps * i];
            colors[4 * i + 1] = c[comps * i + 1];
            colors[4 * i + 2] = c[comps * i + 2];
            colors[4 * i + 3] = comps == 4 ? c[comps * i + 3] : 1;
          }
        }
      }
    }
    int[] indices;
    if (prim.has("indices")) {
      indices = accessors.indices(prim.path("indices").asInt(-1), n);
    } else {
      indices = new int[n];
      for (int i = 0; i < n; i++) {
        indices[i] = i;
      }
    }
    return new Primitive(positions, normals, uvs, colors, triangulate(indices, mode), material);
  }

  /** glTF 2.0 §3.7.2.1 vertex orders for TRIANGLES (4), TRIANGLE_STRIP (5) and TRIANGLE_FAN (6). */
  static int[] triangulate(int[] idx, int mode) {
    if (mode == 4) {
      int count = idx.length / 3 * 3;
      return count == idx.length ? idx : java.util.Arrays.copyOf(idx, count);
    }
    int tris = Math.max(0, idx.length - 2);
    int[] out = new int[tris * 3];
    for (int i = 0; i < tris; i++) {
      if (mode == 5) {
        out[3 * i] = idx[i];
        out[3 * i + 1] = idx[i + 1 + (i % 2)];
        out[3 * i + 2] = idx[i + 2 - (i % 2)];
      } else {
        out[3 * i] = idx[i + 1];
        out[3 * i + 1] = idx[i + 2];
        out[3 * i + 2] = idx[0];
      }
    }
    return out;
  }

  /** Rest-pose skinning with JOINTS_0/WEIGHTS_0: world-space positions and normals. */
  private Primitive skinned(Primitive prim, JsonNode primNode, int skin) {
    JsonNode skinNode = asset.element("skins", skin);
    JsonNode joints = skinNode.path("joints");
    JsonNode attrs = primNode.path("attributes");
    int n = prim.vertexCount();
    if (!attrs.path("JOINTS_0").canConvertToInt()
        || !attrs.path("WEIGHTS_0").canConvertToInt()
        || joints.isEmpty()) {
      return prim;
    }
    int[] j = accessors.ints(attrs.path("JOINTS_0").asInt());
    float[] w = attribute(attrs, "WEIGHTS_0", 4, n);
    if (j.length != n * 4 || w == null) {
      notes.add(
          "skins/" + skin + ": JOINTS_0/WEIGHTS_0 do not match the vertices; drawn unskinned");
      return prim;
    }
    float[] ibm =
        skinNode.path("inverseBindMatrices").canConvertToInt()
            ? floats(skinNode.path("inverseBindMatrices").asInt(), 16)
            : null;
    double[][] jointMatrices = new double[joints.size()][];
    for (int k = 0; k < joints.size(); k++) {
      int node = joints.get(k).asInt(-1);
      if (node < 0 || node >= worlds.length || worlds[node] == null) {
        notes.add("skins/" + skin + " names a joint that is not a node; drawn unskinned");
        return prim;
      }
      double[] inv = Mat4.identity();
      if (ibm != null && ibm.length >= (k + 1) * 16) {
        for (int e = 0; e < 16; e++) {
          inv[e] = ibm[k * 16 + e];
        }
      }
      jointMatrices[k] = Mat4.multiply(worlds[node], inv);
    }
    float[] pos = new float[n * 3];
    float[] nrm = prim.normals == null ? null : new float[n * 3];
    double[] m = new double[16];
    for (int v = 0; v < n; v++) {
      java.util.Arrays.fill(m, 0);
      for (int k = 0; k < 4; k++) {
        float weight = w[4 * v + k];
        int joint = j[4 * v + k];
        if (weight == 0) {
          continue;
        }
        if (joint < 0 || joint >= jointMatrices.length) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR, "JOINTS_0 value " + joint + " is not a joint of skins/" + skin);
        }
        double[] jm = jointMatrices[joint];
        for (int e = 0; e < 16; e++) {
          m[e] += weight * jm[e];
        }
      }
      float x = prim.positions[3 * v];
      float y = prim.positions[3 * v + 1];
      float z = prim.positions[3 * v + 2];
      pos[3 * v] = (float) (m[0] * x + m[4] * y + m[8] * z + m[12]);
      pos[3 * v + 1] = (float) (m[1] * x + m[5] * y + m[9] * z + m[13]);
      pos[3 * v + 2] = (float) (m[2] * x + m[6] * y + m[10] * z + m[14]);
      if (nrm != null) {
        float nx = prim.normals[3 * v];
        float ny = prim.normals[3 * v + 1];
        float nz = prim.normals[3 * v + 2];
        nrm[3 * v] = (float) (m[0] * nx + m[4] * ny + m[8] * nz);
        nrm[3 * v + 1] = (float) (m[1] * nx + m[5] * ny + m[9] * nz);
        nrm[3 * v + 2] = (float) (m[2] * nx + m[6] * ny + m[10] * nz);
      }
    }
    return new Primitive(pos, nrm, prim.uvs, prim.colors, prim.triangles, prim.material);
  }

  private static void addScaled(float[] target, float[] delta, float w) {
    if (delta == null) {
      return;
    }
    for (int i = 0; i < target.length; i++) {
      target[i] += w * delta[i];
    }
  }

  /**
   * An attribute with {@code comps} components per vertex and exactly {@code n} vertices, or null.
   */
  private float[] attribute(JsonNode attrs, String name, int comps, int n) {
    JsonNode ref = attrs.path(name);
    if (!ref.canConvertToInt()) {
      return null;
    }
    AccessorInfo info = accessors.info(ref.asInt());
    if (info.components() != comps || info.count() != n) {
      notes.add(
          "accessor "
              + ref.asInt()
              + " ("
              + name
              + ") is not "
              + comps
              + " components x "
              + n
              + " vertices; ignored");
      return null;
    }
    return floats(ref.asInt(), comps);
  }

  private float[] floats(int accessor, int comps) {
    float[] f = floatCache.get(accessor);
    if (f == null) {
      AccessorInfo info = accessors.info(accessor);
      if (info.components() != comps) {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID,
            "accessors/"
                + accessor
                + " has "
                + info.components()
                + " components, "
                + comps
                + " expected");
      }
      f = accessors.floats(accessor);
      floatCache.put(accessor, f);
    }
    return f;
  }
}
