package dev.assetgrid.node.natives;

import static org.lwjgl.assimp.Assimp.*;
import static org.lwjgl.system.MemoryUtil.memByteBuffer;
import static org.lwjgl.system.MemoryUtil.memFloatBuffer;
import static org.lwjgl.system.MemoryUtil.memGetAddress;
import static org.lwjgl.system.MemoryUtil.memGetDouble;
import static org.lwjgl.system.MemoryUtil.memGetFloat;

import dev.assetgrid.node.processing.convert.SceneImporter;
import dev.assetgrid.node.processing.convert.SourceScene;
import dev.assetgrid.node.processing.convert.SourceScene.EmbeddedTexture;
import dev.assetgrid.node.processing.convert.SourceScene.Material;
import dev.assetgrid.node.processing.convert.SourceScene.Mesh;
import dev.assetgrid.node.processing.convert.SourceScene.Mode;
import dev.assetgrid.node.processing.convert.SourceScene.Node;
import dev.assetgrid.node.processing.convert.SourceScene.TextureRef;
import dev.assetgrid.node.processing.convert.SourceScene.TextureSlot;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lwjgl.PointerBuffer;
import org.lwjgl.assimp.AIColor4D;
import org.lwjgl.assimp.AIFace;
import org.lwjgl.assimp.AIMaterial;
import org.lwjgl.assimp.AIMatrix4x4;
import org.lwjgl.assimp.AIMesh;
import org.lwjgl.assimp.AIMetaData;
import org.lwjgl.assimp.AIMetaDataEntry;
import org.lwjgl.assimp.AINode;
import org.lwjgl.assimp.AIPropertyStore;
import org.lwjgl.assimp.AIScene;
import org.lwjgl.assimp.AIString;
import org.lwjgl.assimp.AITexture;
import org.lwjgl.system.MemoryStack;

/**
 * {@link SceneImporter} over Assimp 5.4 (lwjgl-assimp).
 *
 * <p>Design note: Assimp reads through {@link AssimpFileSystem}, so it sees the model from memory
 * and side files only through our resolver. Post-processing: {@code Triangulate} (polygons →
 * triangles), {@code JoinIdenticalVertices} (indexed output), {@code SortByPType} (one primitive
 * mode per mesh), {@code FlipUVs} (glTF's top-left UV origin), {@code GenUVCoords} + {@code
 * TransformUVCoords} (bake spherical mappings and UV transforms, which core glTF lacks), {@code
 * GenSmoothNormals} when asked, and {@code ValidateDataStructure}, which makes Assimp reject a
 * scene with out-of-range indices before we read it. {@code FindDegenerates} is left out on
 * purpose: it turns degenerate triangles into lines and points, which changes the triangle count
 * (the corpus spider has 28 such triangles); cleaning them is optimize-mesh's job. FBX pivots are
 * not preserved, so no {@code $AssimpFbx$} helper nodes appear. FBX files are brought to metres
 * (glTF's unit) by scaling the root node with {@code UnitScaleFactor / 100}, as Blender does;
 * {@code AI_CONFIG_FBX_CONVERT_TO_M} was tried and had no effect in Assimp 5.4.3. Everything is
 * copied into Java arrays before {@code aiReleaseImport}; counts are checked against the limits
 * before any array is allocated. Assimp's error string is global, so it is read right after the
 * failure on the same thread; under concurrency it may belong to another import (it is only used as
 * a message).
 */
public final class AssimpSceneImporter implements SceneImporter {
  private static final int MAX_NODES = 1_000_000;
  private static final int MAX_UV_SETS = 8;

  /** Stateless (every import has its own Assimp state): one instance serves every thread. */
  public AssimpSceneImporter() {}

  @Override
  public SourceScene importScene(
      byte[] source, String fileName, ResourceResolver sideFiles, ConvertOptions options) {
    if (source.length == 0) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "the model file is empty");
    }
    if (source.length > options.maxInputBytes()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "model of " + source.length + " bytes exceeds " + options.maxInputBytes());
    }
    String name = ResourceResolver.normalize(fileName);
    int flags =
        aiProcess_Triangulate
            | aiProcess_JoinIdenticalVertices
            | aiProcess_ValidateDataStructure
            | aiProcess_SortByPType
            | aiProcess_FlipUVs
            | aiProcess_GenUVCoords
            | aiProcess_TransformUVCoords
            | (options.generateNormals() ? aiProcess_GenSmoothNormals : 0);
    AssimpFileSystem fs;
    AIPropertyStore props;
    try {
      fs = new AssimpFileSystem(name, source, sideFiles, options.maxSideFileBytes());
      props = aiCreatePropertyStore();
    } catch (LinkageError e) {
      throw new AssetGridException(ErrorCode.NATIVE_UNAVAILABLE, "assimp: " + e, e);
    }
    try {
      aiSetImportPropertyInteger(props, AI_CONFIG_IMPORT_FBX_PRESERVE_PIVOTS, 0);
      aiSetImportPropertyFloat(
          props, AI_CONFIG_PP_GSN_MAX_SMOOTHING_ANGLE, options.smoothingAngle());
      AIScene scene = aiImportFileExWithProperties(name, flags, fs.io(), props);
      if (scene == null) {
        throw failure(aiGetErrorString());
      }
      try {
        return copy(scene, options);
      } finally {
        aiReleaseImport(scene);
      }
    } finally {
      if (props != null) {
        aiReleasePropertyStore(props);
      }
      fs.close();
    }
  }

  private static AssetGridException failure(String error) {
    String msg = error == null || error.isBlank() ? "unknown error" : error.strip();
    if (msg.contains("No suitable reader found")) {
      return new AssetGridException(
          ErrorCode.UNSUPPORTED_FORMAT, "no importer can read this file: " + msg);
    }
    return new AssetGridException(ErrorCode.DATA_ERROR, "the model cannot be read: " + msg);
  }

  // ------------------------------------------------------------------ copy out

  private static SourceScene copy(AIScene scene, ConvertOptions options) {
    Map<String, Integer> skipped = new LinkedHashMap<>();
    int numMeshes = scene.mNumMeshes();
    PointerBuffer meshPtrs = numMeshes > 0 ? scene.mMeshes() : null;
    long vertices = 0;
    for (int i = 0; i < numMeshes; i++) {
      vertices += AIMesh.create(meshPtrs.get(i)).mNumVertices() & 0xFFFFFFFFL;
    }
    if (vertices > options.maxVertices()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "the model has "
              + vertices
              + " vertices, more than the limit of "
              + options.maxVertices());
    }
    List<Mesh> meshes = new ArrayList<>(numMeshes);
    int skins = 0;
    int morphs = 0;
    for (int i = 0; i < numMeshes; i++) {
      AIMesh m = AIMesh.create(meshPtrs.get(i));
      skins += m.mNumBones() > 0 ? 1 : 0;
      morphs += m.mNumAnimMeshes() > 0 ? 1 : 0;
      meshes.add(copyMesh(m));
    }
    if (meshes.isEmpty()) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "the model has no geometry");
    }
    count(skipped, "skinned meshes (bind pose kept)", skins);
    count(skipped, "meshes with morph targets (base shape kept)", morphs);
    count(skipped, "animations", scene.mNumAnimations());
    count(skipped, "cameras", scene.mNumCameras());
    count(skipped, "lights", scene.mNumLights());

    List<Material> materials = new ArrayList<>();
    PointerBuffer matPtrs = scene.mNumMaterials() > 0 ? scene.mMaterials() : null;
    for (int i = 0; i < scene.mNumMaterials(); i++) {
      materials.add(copyMaterial(AIMaterial.create(matPtrs.get(i))));
    }
    List<EmbeddedTexture> textures = new ArrayList<>();
    PointerBuffer texPtrs = scene.mNumTextures() > 0 ? scene.mTextures() : null;
    for (int i = 0; i < scene.mNumTextures(); i++) {
      textures.add(copyTexture(AITexture.create(texPtrs.get(i)), options));
    }
    List<Node> nodes = new ArrayList<>(copyNodes(scene.mRootNode(), numMeshes));
    List<String> notes = new ArrayList<>();
    double unit = unitScaleFactor(scene);
    if (unit > 0 && unit != 100 && Double.isFinite(unit)) {
      // FBX: UnitScaleFactor is centimetres per file unit; glTF is in metres
      float s = (float) (unit / 100.0);
      Node root = nodes.get(0);
      float[] m = root.matrix().clone();
      for (int col = 0; col < 4; col++) {
        for (int row = 0; row < 3; row++) {
          m[col * 4 + row] *= s;
        }
      }
      nodes.set(0, new Node(root.name(), m, root.meshes(), root.children()));
      notes.add("FBX units of " + unit + " cm converted to metres: root scaled by " + s);
    }
    return new SourceScene(nodes, meshes, materials, textures, skipped, notes);
  }

  /** The FBX {@code UnitScaleFactor} from the scene metadata, or 0 when absent. */
  private static double unitScaleFactor(AIScene scene) {
    AIMetaData md = scene.mMetaData();
    if (md == null || md.mNumProperties() <= 0 || md.mKeys() == null || md.mValues() == null) {
      return 0;
    }
    for (int i = 0; i < md.mNumProperties(); i++) {
      if (!"UnitScaleFactor".equals(md.mKeys().get(i).dataString())) {
        continue;
      }
      AIMetaDataEntry e = md.mValues().get(i);
      long data = memGetAddress(e.address() + AIMetaDataEntry.MDATA);
      if (data == 0) {
        return 0;
      }
      return switch (e.mType()) {
        case AI_FLOAT -> memGetFloat(data);
        case AI_DOUBLE -> memGetDouble(data);
        default -> 0;
      };
    }
    return 0;
  }

  private static void count(Map<String, Integer> skipped, String what, int n) {
    if (n > 0) {
      skipped.put(what, n);
    }
  }

  private static Mesh copyMesh(AIMesh m) {
    int nv = m.mNumVertices();
    int types = m.mPrimitiveTypes();
    Mode mode;
    if ((types & aiPrimitiveType_TRIANGLE) != 0) {
      mode = Mode.TRIANGLES;
    } else if ((types & aiPrimitiveType_LINE) != 0) {
      mode = Mode.LINES;
    } else {
      mode = Mode.POINTS;
    }
    if (nv <= 0 || m.mVertices() == null) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "mesh '" + m.mName().dataString() + "' has no vertices");
    }
    float[] positions = vec3(m.mVertices().address(), nv);
    float[] normals = m.mNormals() == null ? null : vec3(m.mNormals().address(), nv);
    float[] tangents = null;
    float[] bitangents = null;
    if (normals != null && m.mTangents() != null && m.mBitangents() != null) {
      tangents = vec3(m.mTangents().address(), nv);
      bitangents = vec3(m.mBitangents().address(), nv);
    }
    List<float[]> uvs = new ArrayList<>();
    for (int set = 0; set < MAX_UV_SETS; set++) {
      var tc = m.mTextureCoords(set);
      if (tc == null) {
        break; // sets are contiguous in Assimp
      }
      FloatBuffer src = memFloatBuffer(tc.address(), nv * 3);
      float[] uv = new float[nv * 2];
      for (int v = 0; v < nv; v++) {
        uv[2 * v] = src.get(3 * v);
        uv[2 * v + 1] = src.get(3 * v + 1);
      }
      uvs.add(uv);
    }
    float[] colors = null;
    AIColor4D.Buffer col = m.mColors(0);
    if (col != null) {
      colors = new float[nv * 4];
      memFloatBuffer(col.address(), nv * 4).get(colors);
    }
    int per = mode.verticesPerPrimitive();
    int nf = m.mNumFaces();
    AIFace.Buffer faces = m.mFaces();
    int[] indices = new int[Math.multiplyExact(nf, per)];
    int k = 0;
    for (int f = 0; f < nf; f++) {
      AIFace face = faces.get(f);
      if (face.mNumIndices() != per) {
        continue; // SortByPType guarantees one type; ValidateDataStructure checked the rest
      }
      java.nio.IntBuffer idx = face.mIndices();
      if (idx == null || idx.remaining() < per) {
        continue;
      }
      for (int c = 0; c < per; c++) {
        int v = idx.get(c);
        if (v < 0 || v >= nv) {
          throw new AssetGridException(ErrorCode.DATA_ERROR, "face index " + v + " out of range");
        }
        indices[k++] = v;
      }
    }
    if (k != indices.length) {
      indices = java.util.Arrays.copyOf(indices, k);
    }
    return new Mesh(
        m.mName().dataString(),
        mode,
        positions,
        normals,
        tangents,
        bitangents,
        uvs,
        colors,
        indices,
        m.mMaterialIndex());
  }

  private static float[] vec3(long address, int count) {
    float[] out = new float[Math.multiplyExact(count, 3)];
    memFloatBuffer(address, out.length).get(out);
    return out;
  }

  private static List<Node> copyNodes(AINode root, int numMeshes) {
    List<Node> out = new ArrayList<>();
    List<AINode> order = new ArrayList<>();
    Deque<AINode> queue = new ArrayDeque<>();
    queue.add(root);
    // breadth-first: each node's children get consecutive indices, known when the node is written
    while (!queue.isEmpty()) {
      AINode n = queue.poll();
      order.add(n);
      if (order.size() > MAX_NODES) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED, "more than " + MAX_NODES + " nodes");
      }
      PointerBuffer children = n.mNumChildren() > 0 ? n.mChildren() : null;
      for (int c = 0; c < n.mNumChildren(); c++) {
        queue.add(AINode.create(children.get(c)));
      }
    }
    int next = 1;
    for (AINode n : order) {
      int[] meshes = new int[n.mNumMeshes()];
      if (meshes.length > 0) {
        n.mMeshes().get(meshes);
      }
      for (int m : meshes) {
        if (m < 0 || m >= numMeshes) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR, "node refers to mesh " + m + " out of range");
        }
      }
      int[] children = new int[n.mNumChildren()];
      for (int c = 0; c < children.length; c++) {
        children[c] = next++;
      }
      out.add(new Node(n.mName().dataString(), columnMajor(n.mTransformation()), meshes, children));
    }
    return out;
  }

  private static float[] columnMajor(AIMatrix4x4 m) {
    return new float[] {
      m.a1(), m.b1(), m.c1(), m.d1(),
      m.a2(), m.b2(), m.c2(), m.d2(),
      m.a3(), m.b3(), m.c3(), m.d3(),
      m.a4(), m.b4(), m.c4(), m.d4()
    };
  }

  // ------------------------------------------------------------------ materials

  private static Material copyMaterial(AIMaterial mat) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      AIString str = AIString.calloc(stack);
      String name =
          aiGetMaterialString(mat, AI_MATKEY_NAME, 0, 0, str) == aiReturn_SUCCESS
              ? str.dataString()
              : "";
      AIColor4D color = AIColor4D.calloc(stack);
      float[] diffuse = color(mat, AI_MATKEY_COLOR_DIFFUSE, color);
      float[] base = color(mat, AI_MATKEY_BASE_COLOR, color);
      float[] emissive = color(mat, AI_MATKEY_COLOR_EMISSIVE, color);
      Float opacity = scalar(mat, AI_MATKEY_OPACITY);
      Float shininess = scalar(mat, AI_MATKEY_SHININESS);
      Float metallic = scalar(mat, AI_MATKEY_METALLIC_FACTOR);
      Float roughness = scalar(mat, AI_MATKEY_ROUGHNESS_FACTOR);
      Integer twoSided = integer(mat, AI_MATKEY_TWOSIDED);
      Integer shading = integer(mat, AI_MATKEY_SHADING_MODEL);
      boolean unlit =
          shading != null && (shading == aiShadingMode_Unlit || shading == aiShadingMode_NoShading);
      Map<TextureSlot, TextureRef> textures = new EnumMap<>(TextureSlot.class);
      texture(
          mat, textures, TextureSlot.BASE_COLOR, aiTextureType_BASE_COLOR, aiTextureType_DIFFUSE);
      texture(
          mat, textures, TextureSlot.NORMAL, aiTextureType_NORMALS, aiTextureType_NORMAL_CAMERA);
      texture(
          mat,
          textures,
          TextureSlot.EMISSIVE,
          aiTextureType_EMISSIVE,
          aiTextureType_EMISSION_COLOR);
      texture(
          mat,
          textures,
          TextureSlot.OCCLUSION,
          aiTextureType_AMBIENT_OCCLUSION,
          aiTextureType_LIGHTMAP);
      texture(mat, textures, TextureSlot.OPACITY, aiTextureType_OPACITY);
      return new Material(
          name,
          diffuse,
          base,
          opacity,
          shininess,
          metallic,
          roughness,
          emissive == null ? null : new float[] {emissive[0], emissive[1], emissive[2]},
          twoSided != null && twoSided != 0,
          unlit,
          textures);
    }
  }

  private static float[] color(AIMaterial mat, String key, AIColor4D into) {
    if (aiGetMaterialColor(mat, key, aiTextureType_NONE, 0, into) != aiReturn_SUCCESS) {
      return null;
    }
    return new float[] {into.r(), into.g(), into.b(), into.a()};
  }

  private static Float scalar(AIMaterial mat, String key) {
    float[] v = new float[1];
    int[] max = {1};
    return aiGetMaterialFloatArray(mat, key, aiTextureType_NONE, 0, v, max) == aiReturn_SUCCESS
            && max[0] >= 1
        ? v[0]
        : null;
  }

  private static Integer integer(AIMaterial mat, String key) {
    int[] v = new int[1];
    int[] max = {1};
    return aiGetMaterialIntegerArray(mat, key, aiTextureType_NONE, 0, v, max) == aiReturn_SUCCESS
            && max[0] >= 1
        ? v[0]
        : null;
  }

  private static void texture(
      AIMaterial mat, Map<TextureSlot, TextureRef> out, TextureSlot slot, int... types) {
    for (int type : types) {
      if (aiGetMaterialTextureCount(mat, type) <= 0) {
        continue;
      }
      try (MemoryStack stack = MemoryStack.stackPush()) {
        AIString path = AIString.calloc(stack);
        int[] uv = {0};
        int[] mapMode = {aiTextureMapMode_Wrap, aiTextureMapMode_Wrap};
        if (aiGetMaterialTexture(mat, type, 0, path, null, uv, null, null, mapMode, null)
            != aiReturn_SUCCESS) {
          continue;
        }
        String p = path.dataString();
        if (p.isBlank()) {
          continue;
        }
        int set = uv[0] >= 0 && uv[0] < MAX_UV_SETS ? uv[0] : 0;
        out.put(slot, new TextureRef(p, set, wrap(mapMode[0]), wrap(mapMode[1])));
        return;
      }
    }
  }

  private static int wrap(int assimpMode) {
    if (assimpMode == aiTextureMapMode_Clamp || assimpMode == aiTextureMapMode_Decal) {
      return 33071;
    }
    return assimpMode == aiTextureMapMode_Mirror ? 33648 : 10497;
  }

  // ------------------------------------------------------------------ embedded textures

  private static EmbeddedTexture copyTexture(AITexture t, ConvertOptions options) {
    String filename = t.mFilename().dataString();
    String hint = t.achFormatHintString().toLowerCase(Locale.ROOT);
    int width = t.mWidth();
    int height = t.mHeight();
    if (height == 0) {
      long size = width & 0xFFFFFFFFL;
      if (size == 0 || size > options.maxSideFileBytes()) {
        throw new AssetGridException(
            size == 0 ? ErrorCode.DATA_ERROR : ErrorCode.INPUT_LIMIT_EXCEEDED,
            "embedded texture '" + filename + "' has " + size + " bytes");
      }
      ByteBuffer data = memByteBuffer(memGetAddress(t.address() + AITexture.PCDATA), (int) size);
      byte[] bytes = new byte[(int) size];
      data.get(bytes);
      return new EmbeddedTexture(filename, hint, bytes, 0, 0, null);
    }
    long pixels = (long) width * height;
    if (width <= 0 || height <= 0 || pixels > options.maxTexturePixels()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "embedded texture '"
              + filename
              + "' of "
              + width
              + "x"
              + height
              + " exceeds the pixel limit");
    }
    ByteBuffer raw = memByteBuffer(memGetAddress(t.address() + AITexture.PCDATA), (int) pixels * 4);
    byte[] rgba = new byte[(int) pixels * 4];
    for (int i = 0; i < pixels; i++) { // aiTexel is b, g, r, a
      rgba[4 * i] = raw.get(4 * i + 2);
      rgba[4 * i + 1] = raw.get(4 * i + 1);
      rgba[4 * i + 2] = raw.get(4 * i);
      rgba[4 * i + 3] = raw.get(4 * i + 3);
    }
    return new EmbeddedTexture(filename, hint, null, width, height, rgba);
  }
}
