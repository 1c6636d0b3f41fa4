package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory glTF 2.0 asset: the JSON tree plus the bytes it refers to.
 *
 * <p>Design note: the model is deliberately thin and lossless. The JSON stays a Jackson {@link
 * ObjectNode}, so every property the project does not understand (extensions, extras, animations,
 * skins, cameras, lights, variants...) survives a read/write cycle untouched; stages edit the tree
 * and the buffers directly. Typed access to geometry goes through {@link Accessors}, which
 * validates every range before reading.
 *
 * <ul>
 *   <li>{@link #buffers()}: index {@code i} holds the bytes of {@code buffers[i]} (heap, exactly
 *       {@code byteLength} bytes, position 0), or {@code null} for a buffer without data (an {@code
 *       EXT_meshopt_compression} fallback buffer).
 *   <li>{@link #images()}: the bytes of images that had a {@code uri}, by image index. Images that
 *       point at a bufferView are read from the buffers ({@link #imageBytes(int)}).
 * </ul>
 *
 * <p>Both collections are mutable and owned by the asset; a stage that rewrites buffers must keep
 * the JSON consistent with them. Not thread-safe.
 *
 * <p>{@code EXT_meshopt_compression} views are decoded lazily, when {@link Accessors} or {@link
 * BufferViews} read them, with the {@link MeshoptDecoder} the asset was read with; an asset without
 * one reads every other view, and fails a compressed one with NATIVE_UNAVAILABLE. Writing the asset
 * ({@link GlbWriter}) copies compressed views as they are and needs no decoder.
 */
public final class GltfAsset {
  private final ObjectNode json;
  private final List<ByteBuffer> buffers;
  private final Map<Integer, ImageData> images;
  private final long sourceBytes;
  private final MeshoptDecoder meshoptDecoder;

  /**
   * An asset without a meshopt decoder: see {@link #GltfAsset(ObjectNode, List, Map, long,
   * MeshoptDecoder)}.
   */
  public GltfAsset(
      ObjectNode json, List<ByteBuffer> buffers, Map<Integer, ImageData> images, long sourceBytes) {
    this(json, buffers, images, sourceBytes, null);
  }

  /**
   * @param json the glTF JSON root; not copied
   * @param buffers bytes per buffer index (null entries for buffers without data); copied into a
   *     new mutable list
   * @param images image bytes by image index for images with a uri; copied into a new mutable map
   * @param sourceBytes size of the input (GLB or .gltf plus every resolved side file), in bytes; 0
   *     when the asset was built in memory
   * @param meshoptDecoder decodes the asset's {@code EXT_meshopt_compression} views; null when
   *     meshoptimizer is not available (reading such a view then fails with NATIVE_UNAVAILABLE)
   */
  public GltfAsset(
      ObjectNode json,
      List<ByteBuffer> buffers,
      Map<Integer, ImageData> images,
      long sourceBytes,
      MeshoptDecoder meshoptDecoder) {
    this.json = Objects.requireNonNull(json, "json");
    this.buffers = new ArrayList<>(buffers);
    this.images = new HashMap<>(images);
    this.sourceBytes = sourceBytes;
    this.meshoptDecoder = meshoptDecoder;
  }

  /** The glTF JSON root (mutable, owned by the asset). */
  public ObjectNode json() {
    return json;
  }

  /** Buffer bytes by buffer index; entries may be null (buffer without data). Mutable. */
  public List<ByteBuffer> buffers() {
    return buffers;
  }

  /** Image bytes by image index, for images that had a {@code uri}. Mutable. */
  public Map<Integer, ImageData> images() {
    return images;
  }

  /** Size in bytes of everything read to build this asset; 0 for in-memory assets. */
  public long sourceBytes() {
    return sourceBytes;
  }

  /**
   * The decoder of the asset's {@code EXT_meshopt_compression} views, or null when there is none.
   */
  public MeshoptDecoder meshoptDecoder() {
    return meshoptDecoder;
  }

  /**
   * A little-endian view of buffer {@code index} (position 0, limit = byteLength), or null when the
   * buffer has no data.
   *
   * @throws AssetGridException GLTF_INVALID when the index does not exist
   */
  public ByteBuffer buffer(int index) {
    if (index < 0 || index >= buffers.size()) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, "buffer index " + index + " does not exist");
    }
    ByteBuffer b = buffers.get(index);
    return b == null ? null : b.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
  }

  /**
   * Number of elements of a top-level array ({@code "meshes"}, {@code "nodes"}...), 0 if absent.
   */
  public int count(String arrayName) {
    JsonNode n = json.get(arrayName);
    return n != null && n.isArray() ? n.size() : 0;
  }

  /** Element {@code index} of a top-level array, or a missing node when absent. */
  public JsonNode element(String arrayName, int index) {
    return json.path(arrayName).path(index);
  }

  /** Whether {@code name} appears in {@code extensionsUsed}. */
  public boolean usesExtension(String name) {
    for (JsonNode e : json.path("extensionsUsed")) {
      if (name.equals(e.asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether any primitive is Draco-compressed ({@code KHR_draco_mesh_compression}). Such geometry
   * is not decoded: counts come from the accessor declarations and {@link Accessors} refuses to
   * read accessors without a bufferView on those primitives.
   */
  public boolean hasDraco() {
    if (usesExtension("KHR_draco_mesh_compression")) {
      return true;
    }
    for (JsonNode mesh : json.path("meshes")) {
      for (JsonNode prim : mesh.path("primitives")) {
        if (prim.path("extensions").has("KHR_draco_mesh_compression")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether any bufferView carries {@code EXT_meshopt_compression} data. */
  public boolean hasMeshopt() {
    for (JsonNode view : json.path("bufferViews")) {
      if (view.path("extensions").has("EXT_meshopt_compression")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The encoded bytes of image {@code index}, from {@link #images()} or from its bufferView
   * (meshopt-compressed views are not allowed for images).
   *
   * @throws AssetGridException GLTF_INVALID when the image does not exist or its bufferView is out
   *     of range, GLTF_RESOURCE_MISSING when it has neither bytes nor a bufferView
   */
  public ImageData imageBytes(int index) {
    ImageData loaded = images.get(index);
    if (loaded != null) {
      return loaded;
    }
    JsonNode image = element("images", index);
    if (image.isMissingNode()) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, "image index " + index + " does not exist");
    }
    if (!image.has("bufferView")) {
      throw new AssetGridException(
          ErrorCode.GLTF_RESOURCE_MISSING, "images/" + index + " has no data");
    }
    ByteBuffer view =
        BufferViews.plainView(this, image.path("bufferView").asInt(-1), "images/" + index);
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    String mime = image.path("mimeType").asText(null);
    if (mime == null) {
      mime = ImageData.sniffMimeType(bytes);
    }
    return new ImageData(bytes, mime == null ? "application/octet-stream" : mime);
  }

  @Override
  public String toString() {
    return "GltfAsset[buffers="
        + buffers.size()
        + ", images="
        + images.size()
        + ", sourceBytes="
        + sourceBytes
        + "]";
  }
}
