package dev.assetgrid.node.processing.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.InspectOptions;
import java.util.List;

/**
 * What {@link Inspect} found in an asset. Counts are declarations (Draco geometry is counted from
 * its accessors, not decoded).
 *
 * @param vertices sum of the counts of the unique POSITION accessors of all primitives
 * @param triangles sum over mesh primitives (each mesh once): TRIANGLES n/3, TRIANGLE_STRIP and
 *     TRIANGLE_FAN n-2, where n is the index count or else the vertex count
 * @param renderedTriangles triangles drawn by the scene: every node of the scene that references a
 *     mesh adds that mesh's triangles, times its {@code EXT_mesh_gpu_instancing} instance count
 * @param drawCalls primitives drawn by the scene (an instanced primitive is one draw call)
 * @param nodes entries of {@code nodes}
 * @param meshes entries of {@code meshes}
 * @param primitives primitives over all meshes
 * @param materials entries of {@code materials}
 * @param textures one entry per texture (capped by {@link InspectOptions#maxTextureEntries()})
 * @param images entries of {@code images}
 * @param animations entries of {@code animations}
 * @param skins entries of {@code skins}
 * @param morphTargets the largest number of morph targets of one primitive
 * @param boundingBox world-space box of the scene's geometry (mesh node transforms and instancing
 *     applied, morph targets and skinning not), or null when there is no geometry
 * @param extensionsUsed the document's {@code extensionsUsed}
 * @param extensionsRequired the document's {@code extensionsRequired}
 * @param estimatedGpuBytes vertex attribute + index bytes (unique accessors, count x element size)
 *     + texture bytes (width x height x 4 x 4/3 for mipmaps, each referenced image once)
 * @param draco whether geometry is Draco-compressed
 * @param sizeBytes size of the input (GLB or .gltf plus side files), in bytes
 */
public record InspectReport(
    long vertices,
    long triangles,
    long renderedTriangles,
    long drawCalls,
    int nodes,
    int meshes,
    int primitives,
    int materials,
    List<TextureInfo> textures,
    int images,
    int animations,
    int skins,
    int morphTargets,
    Bounds boundingBox,
    List<String> extensionsUsed,
    List<String> extensionsRequired,
    long estimatedGpuBytes,
    boolean draco,
    long sizeBytes) {

  public InspectReport {
    textures = List.copyOf(textures);
    extensionsUsed = List.copyOf(extensionsUsed);
    extensionsRequired = List.copyOf(extensionsRequired);
  }

  /**
   * One texture.
   *
   * @param index texture index
   * @param image the image a renderer uses (an extension source such as KHR_texture_basisu wins
   *     over {@code source}), or -1
   * @param mimeType of that image, or null when unknown
   * @param width pixels, or -1 when unknown
   * @param height pixels, or -1 when unknown
   */
  public record TextureInfo(int index, int image, String mimeType, int width, int height) {}

  /** An axis-aligned box; arrays of 3. */
  public record Bounds(double[] min, double[] max) {}

  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("vertices", vertices);
    o.put("triangles", triangles);
    o.put("renderedTriangles", renderedTriangles);
    o.put("drawCalls", drawCalls);
    o.put("nodes", nodes);
    o.put("meshes", meshes);
    o.put("primitives", primitives);
    o.put("materials", materials);
    ArrayNode tex = o.putArray("textures");
    for (TextureInfo t : textures) {
      ObjectNode e = tex.addObject();
      e.put("index", t.index());
      e.put("image", t.image());
      if (t.mimeType() != null) {
        e.put("mimeType", t.mimeType());
      } else {
        e.putNull("mimeType");
      }
      e.put("width", t.width());
      e.put("height", t.height());
    }
    o.put("images", images);
    o.put("animations", animations);
    o.put("skins", skins);
    o.put("morphTargets", morphTargets);
    if (boundingBox != null) {
      ObjectNode bb = o.putObject("boundingBox");
      ArrayNode min = bb.putArray("min");
      ArrayNode max = bb.putArray("max");
      for (int i = 0; i < 3; i++) {
        min.add(boundingBox.min()[i]);
        max.add(boundingBox.max()[i]);
      }
    } else {
      o.putNull("boundingBox");
    }
    extensionsUsed.forEach(o.putArray("extensionsUsed")::add);
    extensionsRequired.forEach(o.putArray("extensionsRequired")::add);
    o.put("estimatedGpuBytes", estimatedGpuBytes);
    o.put("draco", draco);
    o.put("sizeBytes", sizeBytes);
    return o;
  }
}
