package dev.assetgrid.node.processing.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.convert.SourceScene.Material;
import dev.assetgrid.node.processing.convert.SourceScene.Mesh;
import dev.assetgrid.node.processing.convert.SourceScene.Mode;
import dev.assetgrid.node.processing.convert.SourceScene.Node;
import dev.assetgrid.node.processing.convert.SourceScene.TextureRef;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReadOptions;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a glTF 2.0 asset from a {@link SourceScene}: one buffer, one tightly packed bufferView per
 * accessor (4-byte aligned), images embedded in the buffer.
 *
 * <ul>
 *   <li>Nodes keep the source hierarchy, names and transforms (as translation/rotation/scale; a
 *       matrix with shear cannot be TRS and is approximated with a warning). A node drawing several
 *       source meshes gets one glTF mesh with one primitive each; identical mesh lists share the
 *       glTF mesh. Source meshes no node draws are attached to the root, so no geometry is lost.
 *   <li>Primitives: POSITION (float, with exact min/max), NORMAL (normalized), TANGENT (w from the
 *       bitangent's handedness; left out for a mesh with any degenerate tangent), TEXCOORD_n,
 *       COLOR_0 (float RGBA clamped to 0..1), indices as UNSIGNED_SHORT up to 65,535 vertices else
 *       UNSIGNED_INT. Modes 4, 1 and 0. Non-finite values are replaced (positions by 0) and
 *       counted.
 *   <li>Materials: {@link MaterialMapper}; textures through {@link TextureLoader}, identical image
 *       bytes stored once, one sampler per wrap-mode pair.
 * </ul>
 */
final class GltfBuilder {
  private static final int FLOAT = 5126;
  private static final int UNSIGNED_SHORT = 5123;
  private static final int UNSIGNED_INT = 5125;
  private static final int ARRAY_BUFFER = 34962;
  private static final int ELEMENT_ARRAY_BUFFER = 34963;

  private final SourceScene scene;
  private final ConvertOptions options;
  private final TextureLoader textures;
  private final List<String> warnings;
  private final String generator;
  private final JsonNodeFactory f = JsonNodeFactory.instance;
  private final ObjectNode root = f.objectNode();
  private final Bin bin = new Bin();

  private final Map<Integer, ObjectNode> primitives = new HashMap<>();
  private final Map<String, Integer> meshIndex = new HashMap<>();
  private final Map<Long, Integer> materialIndex = new HashMap<>();
  private final Map<TextureKey, Integer> textureIndex = new HashMap<>();
  private final Map<ImageKey, Integer> imageIndex = new HashMap<>();
  private final Map<Long, Integer> samplerIndex = new HashMap<>();
  private final boolean[] usesUnlit = {false};
  private final TextureRef defaultTexture;
  private boolean guessWarned;

  long triangles;
  long lines;
  long points;
  long vertices;
  long droppedLines;
  long droppedPoints;
  private int primitiveCount;
  private long fixedPositions;
  private long fixedNormals;
  private int droppedTangents;

  GltfBuilder(
      SourceScene scene,
      ConvertOptions options,
      TextureLoader textures,
      List<String> warnings,
      String generator) {
    this.scene = scene;
    this.options = options;
    this.textures = textures;
    this.warnings = warnings;
    this.generator = generator;
    boolean anyTexture = scene.materials().stream().anyMatch(m -> !m.textures().isEmpty());
    this.defaultTexture =
        options.defaultTexture() != null && !anyTexture
            ? new TextureRef(options.defaultTexture(), 0, 10497, 10497)
            : null;
  }

  int primitiveCount() {
    return primitiveCount;
  }

  GltfAsset build(long sourceBytes) {
    root.putObject("asset").put("version", "2.0").put("generator", generator);
    ArrayNode nodes = root.putArray("nodes");
    boolean[] drawn = new boolean[scene.meshes().size()];
    for (Node n : scene.nodes()) {
      for (int m : n.meshes()) {
        drawn[m] = true;
      }
    }
    for (int i = 0; i < scene.nodes().size(); i++) {
      Node n = scene.nodes().get(i);
      ObjectNode node = nodes.addObject();
      if (!n.name().isEmpty()) {
        node.put("name", n.name());
      }
      writeTransform(node, n);
      if (n.children().length > 0) {
        ArrayNode c = node.putArray("children");
        for (int child : n.children()) {
          c.add(child);
        }
      }
      int mesh = mesh(n.meshes(), n.name());
      if (mesh >= 0) {
        node.put("mesh", mesh);
      }
    }
    int[] orphans =
        java.util.stream.IntStream.range(0, drawn.length).filter(i -> !drawn[i]).toArray();
    if (orphans.length > 0) {
      int mesh = mesh(orphans, "unreferenced");
      if (mesh >= 0) {
        nodes.addObject().put("name", "unreferenced meshes").put("mesh", mesh);
        ((ObjectNode) nodes.get(0)).withArray("children").add(nodes.size() - 1);
        warnings.add(orphans.length + " mesh(es) no node drew were attached to the root");
      }
    }
    root.putArray("scenes").addObject().putArray("nodes").add(0);
    root.put("scene", 0);
    if (usesUnlit[0]) {
      root.putArray("extensionsUsed").add("KHR_materials_unlit");
    }
    if (fixedPositions > 0) {
      warnings.add(fixedPositions + " non-finite position value(s) replaced by 0");
    }
    if (fixedNormals > 0) {
      warnings.add(fixedNormals + " zero-length or non-finite normal(s) replaced by +Z");
    }
    if (droppedTangents > 0) {
      warnings.add("tangents of " + droppedTangents + " mesh(es) were degenerate and left out");
    }
    if (droppedLines + droppedPoints > 0) {
      warnings.add(
          droppedLines
              + " line(s) and "
              + droppedPoints
              + " point(s) dropped (keepLinesAndPoints is off)");
    }
    ByteBuffer buffer = bin.finish();
    if (buffer.capacity() > 0) {
      root.putArray("buffers").addObject().put("byteLength", buffer.capacity());
    }
    removeEmpty(
        "bufferViews", "accessors", "meshes", "materials", "textures", "images", "samplers");
    return new GltfAsset(
        root, buffer.capacity() > 0 ? List.of(buffer) : List.of(), Map.of(), sourceBytes);
  }

  private void removeEmpty(String... arrays) {
    for (String a : arrays) {
      if (root.has(a) && root.get(a).isEmpty()) {
        root.remove(a);
      }
    }
  }

  // ------------------------------------------------------------------ transforms

  private void writeTransform(ObjectNode node, Node n) {
    float[] m = n.matrix();
    for (float v : m) {
      if (!Float.isFinite(v)) {
        warnings.add("node '" + n.name() + "' has a non-finite transform; identity used");
        return;
      }
    }
    double[] t = {m[12], m[13], m[14]};
    double[][] cols = {{m[0], m[1], m[2]}, {m[4], m[5], m[6]}, {m[8], m[9], m[10]}};
    double[] s = {len(cols[0]), len(cols[1]), len(cols[2])};
    double det =
        cols[0][0] * (cols[1][1] * cols[2][2] - cols[2][1] * cols[1][2])
            - cols[1][0] * (cols[0][1] * cols[2][2] - cols[2][1] * cols[0][2])
            + cols[2][0] * (cols[0][1] * cols[1][2] - cols[1][1] * cols[0][2]);
    if (det < 0) {
      s[0] = -s[0];
    }
    double[] q = {0, 0, 0, 1};
    if (s[0] != 0 && s[1] != 0 && s[2] != 0) {
      double[][] r = new double[3][3]; // r[col][row]
      for (int c = 0; c < 3; c++) {
        for (int row = 0; row < 3; row++) {
          r[c][row] = cols[c][row] / s[c];
        }
      }
      q = quaternion(r);
      if (!isTrs(m, t, q, s)) {
        warnings.add(
            "node '"
                + n.name()
                + "' has a sheared transform that glTF cannot express; approximated");
      }
    }
    if (t[0] != 0 || t[1] != 0 || t[2] != 0) {
      node.putArray("translation").add(t[0]).add(t[1]).add(t[2]);
    }
    if (q[0] != 0 || q[1] != 0 || q[2] != 0 || q[3] != 1) {
      node.putArray("rotation").add(q[0]).add(q[1]).add(q[2]).add(q[3]);
    }
    if (Math.abs(s[0] - 1) > 1e-7 || Math.abs(s[1] - 1) > 1e-7 || Math.abs(s[2] - 1) > 1e-7) {
      node.putArray("scale").add(s[0]).add(s[1]).add(s[2]);
    }
  }

  private static double len(double[] v) {
    return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }

  /** Unit quaternion (x, y, z, w) of a rotation matrix given by columns (Shepperd's method). */
  static double[] quaternion(double[][] r) {
    double m00 = r[0][0];
    double m11 = r[1][1];
    double m22 = r[2][2];
    double m01 = r[1][0];
    double m10 = r[0][1];
    double m02 = r[2][0];
    double m20 = r[0][2];
    double m12 = r[2][1];
    double m21 = r[1][2];
    double trace = m00 + m11 + m22;
    double x;
    double y;
    double z;
    double w;
    if (trace > 0) {
      double s = Math.sqrt(trace + 1.0) * 2;
      w = 0.25 * s;
      x = (m21 - m12) / s;
      y = (m02 - m20) / s;
      z = (m10 - m01) / s;
    } else if (m00 > m11 && m00 > m22) {
      double s = Math.sqrt(1.0 + m00 - m11 - m22) * 2;
      w = (m21 - m12) / s;
      x = 0.25 * s;
      y = (m01 + m10) / s;
      z = (m02 + m20) / s;
    } else if (m11 > m22) {
      double s = Math.sqrt(1.0 + m11 - m00 - m22) * 2;
      w = (m02 - m20) / s;
      x = (m01 + m10) / s;
      y = 0.25 * s;
      z = (m12 + m21) / s;
    } else {
      double s = Math.sqrt(1.0 + m22 - m00 - m11) * 2;
      w = (m10 - m01) / s;
      x = (m02 + m20) / s;
      y = (m12 + m21) / s;
      z = 0.25 * s;
    }
    double n = Math.sqrt(x * x + y * y + z * z + w * w);
    if (!(n > 0) || !Double.isFinite(n)) {
      return new double[] {0, 0, 0, 1};
    }
    double sign = w < 0 ? -1 : 1; // canonical: w >= 0
    return new double[] {sign * x / n, sign * y / n, sign * z / n, sign * w / n};
  }

  /** Whether T·R·S rebuilds the matrix (relative tolerance 1e-4). */
  private static boolean isTrs(float[] m, double[] t, double[] q, double[] s) {
    double x = q[0];
    double y = q[1];
    double z = q[2];
    double w = q[3];
    double[][] rot = {
      {1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)},
      {2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w)},
      {2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)}
    };
    double scale = Math.max(Math.abs(s[0]), Math.max(Math.abs(s[1]), Math.abs(s[2])));
    for (int c = 0; c < 3; c++) {
      for (int row = 0; row < 3; row++) {
        if (Math.abs(rot[c][row] * s[c] - m[c * 4 + row]) > 1e-4 * Math.max(1, scale)) {
          return false;
        }
      }
    }
    return Math.abs(m[3]) < 1e-6
        && Math.abs(m[7]) < 1e-6
        && Math.abs(m[11]) < 1e-6
        && Math.abs(m[15] - 1) < 1e-6;
  }

  // ------------------------------------------------------------------ meshes

  /** The glTF mesh drawing these source meshes, or -1 when none of them is kept. */
  private int mesh(int[] sourceMeshes, String nodeName) {
    if (sourceMeshes.length == 0) {
      return -1;
    }
    String key = Arrays.toString(sourceMeshes);
    Integer known = meshIndex.get(key);
    if (known != null) {
      return known;
    }
    List<ObjectNode> prims = new ArrayList<>();
    for (int m : sourceMeshes) {
      ObjectNode p = primitive(m);
      if (p != null) {
        prims.add(p.deepCopy());
      }
    }
    int index = -1;
    if (!prims.isEmpty()) {
      ArrayNode meshes = root.withArray("meshes");
      ObjectNode mesh = meshes.addObject();
      String name =
          sourceMeshes.length == 1 ? scene.meshes().get(sourceMeshes[0]).name() : nodeName;
      if (!name.isEmpty()) {
        mesh.put("name", name);
      }
      mesh.putArray("primitives").addAll(prims);
      primitiveCount += prims.size();
      index = meshes.size() - 1;
    }
    meshIndex.put(key, index);
    return index;
  }

  /** The primitive of a source mesh (accessors written once), or null when it is dropped. */
  private ObjectNode primitive(int index) {
    if (primitives.containsKey(index)) {
      return primitives.get(index);
    }
    Mesh m = scene.meshes().get(index);
    ObjectNode prim = null;
    if (m.mode() != Mode.TRIANGLES && !options.keepLinesAndPoints()) {
      if (m.mode() == Mode.LINES) {
        droppedLines += m.primitiveCount();
      } else {
        droppedPoints += m.primitiveCount();
      }
    } else if (m.primitiveCount() > 0) {
      prim = writePrimitive(m);
    }
    primitives.put(index, prim);
    return prim;
  }

  private ObjectNode writePrimitive(Mesh m) {
    int n = m.vertexCount();
    ObjectNode prim = f.objectNode();
    ObjectNode attrs = prim.putObject("attributes");
    attrs.put("POSITION", positions(m.positions()));
    float[] normals = null;
    if (m.normals() != null) {
      normals = unitVectors(m.normals());
      attrs.put("NORMAL", floatAccessor(normals, "VEC3", ARRAY_BUFFER));
    }
    if (normals != null && m.tangents() != null && m.bitangents() != null) {
      float[] tangents = tangents(normals, m.tangents(), m.bitangents());
      if (tangents != null) {
        attrs.put("TANGENT", floatAccessor(tangents, "VEC4", ARRAY_BUFFER));
      } else {
        droppedTangents++;
      }
    }
    for (int set = 0; set < m.texCoords().size(); set++) {
      float[] uv = m.texCoords().get(set).clone();
      for (int i = 0; i < uv.length; i++) {
        if (!Float.isFinite(uv[i])) {
          uv[i] = 0;
        }
      }
      attrs.put("TEXCOORD_" + set, floatAccessor(uv, "VEC2", ARRAY_BUFFER));
    }
    if (m.colors() != null) {
      float[] c = m.colors().clone();
      for (int i = 0; i < c.length; i++) {
        c[i] = Float.isFinite(c[i]) ? Math.max(0f, Math.min(1f, c[i])) : 1f;
      }
      attrs.put("COLOR_0", floatAccessor(c, "VEC4", ARRAY_BUFFER));
    }
    prim.put("indices", indices(m.indices(), n));
    if (m.mode() != Mode.TRIANGLES) {
      prim.put("mode", m.mode().gltf());
    }
    int material = material(m.material(), m.texCoords().size());
    if (material >= 0) {
      prim.put("material", material);
    }
    vertices += n;
    switch (m.mode()) {
      case TRIANGLES -> triangles += m.primitiveCount();
      case LINES -> lines += m.primitiveCount();
      case POINTS -> points += m.primitiveCount();
      default -> throw new IllegalStateException();
    }
    return prim;
  }

  private int positions(float[] src) {
    float[] p = src.clone();
    float[] min = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
    float[] max = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
    for (int i = 0; i < p.length; i++) {
      if (!Float.isFinite(p[i])) {
        p[i] = 0;
        fixedPositions++;
      }
      int c = i % 3;
      min[c] = Math.min(min[c], p[i]);
      max[c] = Math.max(max[c], p[i]);
    }
    int acc = floatAccessor(p, "VEC3", ARRAY_BUFFER);
    ObjectNode a = (ObjectNode) root.withArray("accessors").get(acc);
    a.putArray("min").add(min[0]).add(min[1]).add(min[2]);
    a.putArray("max").add(max[0]).add(max[1]).add(max[2]);
    return acc;
  }

  private float[] unitVectors(float[] src) {
    float[] out = new float[src.length];
    for (int i = 0; i < src.length; i += 3) {
      double x = src[i];
      double y = src[i + 1];
      double z = src[i + 2];
      double l = Math.sqrt(x * x + y * y + z * z);
      if (!(l > 1e-12) || !Double.isFinite(l)) {
        out[i + 2] = 1;
        fixedNormals++;
        continue;
      }
      out[i] = (float) (x / l);
      out[i + 1] = (float) (y / l);
      out[i + 2] = (float) (z / l);
    }
    return out;
  }

  /**
   * xyz unit tangent orthogonalized against the normal + handedness w; null when any is degenerate.
   */
  private static float[] tangents(float[] normals, float[] t, float[] b) {
    int n = normals.length / 3;
    float[] out = new float[n * 4];
    for (int v = 0; v < n; v++) {
      double nx = normals[3 * v];
      double ny = normals[3 * v + 1];
      double nz = normals[3 * v + 2];
      double tx = t[3 * v];
      double ty = t[3 * v + 1];
      double tz = t[3 * v + 2];
      double d = nx * tx + ny * ty + nz * tz;
      tx -= nx * d;
      ty -= ny * d;
      tz -= nz * d;
      double l = Math.sqrt(tx * tx + ty * ty + tz * tz);
      if (!(l > 1e-12) || !Double.isFinite(l)) {
        return null;
      }
      tx /= l;
      ty /= l;
      tz /= l;
      double cx = ny * tz - nz * ty;
      double cy = nz * tx - nx * tz;
      double cz = nx * ty - ny * tx;
      double h = cx * b[3 * v] + cy * b[3 * v + 1] + cz * b[3 * v + 2];
      out[4 * v] = (float) tx;
      out[4 * v + 1] = (float) ty;
      out[4 * v + 2] = (float) tz;
      out[4 * v + 3] = h < 0 ? -1f : 1f;
    }
    return out;
  }

  private int indices(int[] idx, int vertexCount) {
    boolean small = vertexCount <= 65535; // 65535 itself is the primitive-restart value: never used
    ByteBuffer b = ByteBuffer.allocate(idx.length * (small ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : idx) {
      if (small) {
        b.putShort((short) i);
      } else {
        b.putInt(i);
      }
    }
    int view = view(b.array(), ELEMENT_ARRAY_BUFFER);
    ArrayNode accessors = root.withArray("accessors");
    accessors
        .addObject()
        .put("bufferView", view)
        .put("componentType", small ? UNSIGNED_SHORT : UNSIGNED_INT)
        .put("count", idx.length)
        .put("type", "SCALAR");
    return accessors.size() - 1;
  }

  private int floatAccessor(float[] data, String type, int target) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    int comps =
        switch (type) {
          case "VEC2" -> 2;
          case "VEC3" -> 3;
          case "VEC4" -> 4;
          default -> 1;
        };
    int view = view(b.array(), target);
    ArrayNode accessors = root.withArray("accessors");
    accessors
        .addObject()
        .put("bufferView", view)
        .put("componentType", FLOAT)
        .put("count", data.length / comps)
        .put("type", type);
    return accessors.size() - 1;
  }

  private int view(byte[] bytes, int target) {
    long offset = bin.append(bytes);
    ArrayNode views = root.withArray("bufferViews");
    ObjectNode v = views.addObject().put("buffer", 0).put("byteLength", bytes.length);
    if (offset > 0) {
      v.put("byteOffset", offset);
    }
    if (target > 0) {
      v.put("target", target);
    }
    return views.size() - 1;
  }

  // ------------------------------------------------------------------ materials and textures

  private int material(int source, int uvSets) {
    if (source < 0 || source >= scene.materials().size()) {
      return -1;
    }
    long key = ((long) source << 8) | Math.min(uvSets, 255);
    Integer known = materialIndex.get(key);
    if (known != null) {
      return known;
    }
    Material m = scene.materials().get(source);
    ObjectNode json =
        MaterialMapper.map(m, uvSets, defaultTexture, this::texture, warnings, usesUnlit);
    if (defaultTexture != null
        && !m.textures().containsKey(SourceScene.TextureSlot.BASE_COLOR)
        && uvSets > 0
        && json.path("pbrMetallicRoughness").has("baseColorTexture")
        && !guessWarned) {
      guessWarned = true;
      warnings.add(
          "guessed: the model names no texture; '"
              + defaultTexture.path()
              + "' (the upload's only image) is used as base color texture");
    }
    ArrayNode materials = root.withArray("materials");
    materials.add(json);
    materialIndex.put(key, materials.size() - 1);
    return materials.size() - 1;
  }

  private record TextureKey(int image, int sampler) {}

  private record ImageKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ImageKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  private int texture(TextureRef ref) {
    var image = textures.load(ref.path());
    if (image.isEmpty()) {
      return -1;
    }
    ImageKey ik = new ImageKey(image.get().data().bytes());
    Integer img = imageIndex.get(ik);
    if (img == null) {
      int view = view(image.get().data().bytes(), 0);
      ArrayNode images = root.withArray("images");
      ObjectNode i =
          images.addObject().put("bufferView", view).put("mimeType", image.get().data().mimeType());
      if (!image.get().name().isEmpty()) {
        i.put("name", image.get().name());
      }
      img = images.size() - 1;
      imageIndex.put(ik, img);
    }
    long sk = ((long) ref.wrapS() << 32) | ref.wrapT();
    Integer sampler = samplerIndex.get(sk);
    if (sampler == null) {
      ArrayNode samplers = root.withArray("samplers");
      samplers
          .addObject()
          .put("magFilter", 9729)
          .put("minFilter", 9987)
          .put("wrapS", ref.wrapS())
          .put("wrapT", ref.wrapT());
      sampler = samplers.size() - 1;
      samplerIndex.put(sk, sampler);
    }
    TextureKey tk = new TextureKey(img, sampler);
    Integer tex = textureIndex.get(tk);
    if (tex == null) {
      ArrayNode texs = root.withArray("textures");
      texs.addObject().put("source", img).put("sampler", sampler);
      tex = texs.size() - 1;
      textureIndex.put(tk, tex);
    }
    return tex;
  }

  int imageCount() {
    return imageIndex.size();
  }

  int materialCount() {
    return root.path("materials").size();
  }

  int meshCount() {
    return root.path("meshes").size();
  }

  int nodeCount() {
    return root.path("nodes").size();
  }

  /** The growing BIN buffer; each piece starts on a 4-byte boundary. */
  private static final class Bin {
    private final List<byte[]> pieces = new ArrayList<>();
    private long length;

    long append(byte[] bytes) {
      long offset = (length + 3) & ~3L;
      if (offset + bytes.length > GltfReadOptions.HARD_MAX_BYTES) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED, "converted glTF would exceed 2 GiB");
      }
      pieces.add(bytes);
      length = offset + bytes.length;
      return offset;
    }

    ByteBuffer finish() {
      ByteBuffer out = ByteBuffer.allocate((int) ((length + 3) & ~3L));
      for (byte[] p : pieces) {
        out.position((out.position() + 3) & ~3);
        out.put(p);
      }
      out.clear();
      return out;
    }
  }
}
