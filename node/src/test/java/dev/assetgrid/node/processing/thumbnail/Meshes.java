package dev.assetgrid.node.processing.thumbnail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.TestAssets;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds small glTF scenes inline: one node and mesh per primitive, one material each. */
final class Meshes {
  private final ObjectNode json =
      TestAssets.json(
          """
      {'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[]}],'nodes':[],'meshes':[],'materials':[],
       'accessors':[],'bufferViews':[],'buffers':[{'byteLength':0}]}""");
  private final ByteArrayOutputStream bin = new ByteArrayOutputStream();
  private final Map<Integer, ImageData> images = new HashMap<>();

  /** A quad in the plane z = {@code z} spanning [-h, h]², counter-clockwise seen from +Z. */
  static float[] quad(float h, float z) {
    return new float[] {-h, -h, z, h, -h, z, h, h, z, -h, h, z};
  }

  static final int[] QUAD = {0, 1, 2, 0, 2, 3};
  static final float[] QUAD_UV = {0, 1, 1, 1, 1, 0, 0, 0};

  /**
   * Adds a primitive; {@code material} is glTF material JSON (' for "), {@code uvs}/{@code colors}
   * (RGBA) may be null. Returns the node index.
   */
  int add(float[] positions, int[] indices, String material, float[] uvs, float[] colors) {
    ObjectNode attrs = json.objectNode();
    attrs.put(
        "POSITION", accessor(floats(positions), 5126, positions.length / 3, "VEC3", positions));
    if (uvs != null) {
      attrs.put("TEXCOORD_0", accessor(floats(uvs), 5126, uvs.length / 2, "VEC2", null));
    }
    if (colors != null) {
      attrs.put("COLOR_0", accessor(floats(colors), 5126, colors.length / 4, "VEC4", null));
    }
    ObjectNode prim = json.objectNode();
    prim.set("attributes", attrs);
    if (indices != null) {
      ByteBuffer b = ByteBuffer.allocate(indices.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i : indices) {
        b.putInt(i);
      }
      prim.put("indices", accessor(b.array(), 5125, indices.length, "SCALAR", null));
    }
    ArrayNode materials = (ArrayNode) json.get("materials");
    materials.add(TestAssets.json(material));
    prim.put("material", materials.size() - 1);
    ArrayNode meshes = (ArrayNode) json.get("meshes");
    meshes.addObject().putArray("primitives").add(prim);
    ArrayNode nodes = (ArrayNode) json.get("nodes");
    nodes.addObject().put("mesh", meshes.size() - 1);
    ((ArrayNode) json.get("scenes").get(0).get("nodes")).add(nodes.size() - 1);
    return nodes.size() - 1;
  }

  /** A float accessor of {@code type} (VEC3, VEC4...) over {@code values}; returns its index. */
  int floatAccessor(float[] values, String type, int count) {
    return accessor(floats(values), 5126, count, type, null);
  }

  /** The node's JSON, to add transforms or extensions. */
  ObjectNode node(int index) {
    return (ObjectNode) json.get("nodes").get(index);
  }

  /**
   * Adds an image (encoded bytes kept as if read from a uri) and a texture; returns the texture
   * index.
   */
  int texture(byte[] png, String sampler) {
    int image = json.withArray("images").size();
    json.withArray("images").addObject().put("uri", "image" + image + ".png");
    images.put(image, new ImageData(png, "image/png"));
    ObjectNode tex = json.withArray("textures").addObject().put("source", image);
    if (sampler != null) {
      json.withArray("samplers").add(TestAssets.json(sampler));
      tex.put("sampler", json.withArray("samplers").size() - 1);
    }
    return json.withArray("textures").size() - 1;
  }

  ObjectNode json() {
    return json;
  }

  GltfAsset build() {
    byte[] data = bin.toByteArray();
    ((ObjectNode) json.get("buffers").get(0)).put("byteLength", data.length);
    return new GltfAsset(json.deepCopy(), List.of(ByteBuffer.wrap(data)), images, 0);
  }

  private int accessor(byte[] bytes, int componentType, int count, String type, float[] positions) {
    int offset = bin.size();
    bin.writeBytes(bytes);
    while (bin.size() % 4 != 0) {
      bin.write(0);
    }
    ArrayNode views = (ArrayNode) json.get("bufferViews");
    views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", bytes.length);
    ArrayNode accessors = (ArrayNode) json.get("accessors");
    ObjectNode a =
        accessors
            .addObject()
            .put("bufferView", views.size() - 1)
            .put("componentType", componentType)
            .put("count", count)
            .put("type", type);
    if (positions != null) {
      float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
      float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
      for (int i = 0; i < positions.length; i++) {
        min[i % 3] = Math.min(min[i % 3], positions[i]);
        max[i % 3] = Math.max(max[i % 3], positions[i]);
      }
      ArrayNode mn = a.putArray("min");
      ArrayNode mx = a.putArray("max");
      for (int c = 0; c < 3; c++) {
        mn.add(min[c]);
        mx.add(max[c]);
      }
    }
    return accessors.size() - 1;
  }

  private static byte[] floats(float[] v) {
    return TestAssets.floats(v);
  }
}
