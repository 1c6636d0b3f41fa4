package dev.assetgrid.node.processing.assemble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.texture.Ktx2Info;
import dev.assetgrid.node.processing.texture.TextureResult;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.AssembleOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * assemble: puts the KTX2 files made by compress-texture into the model, as {@code
 * KHR_texture_basisu} textures. The result is written with {@link
 * dev.assetgrid.node.processing.gltf.GlbWriter}.
 *
 * <p>Replace mode (default): image {@code k} gets the KTX2 bytes and {@code mimeType image/ktx2};
 * every texture whose core {@code source} is {@code k} moves it into {@code
 * extensions.KHR_texture_basisu.source}; the extension is added to {@code extensionsUsed} and,
 * because no fallback is left, to {@code extensionsRequired}. When the image's bufferView serves
 * nothing else it is pointed at the new bytes, so the old PNG/JPEG bytes are not written at all.
 *
 * <p>Fallback mode ({@link AssembleOptions#keepFallback()}): the KTX2 becomes a new image and the
 * textures keep their core {@code source} as the fallback; only {@code extensionsUsed} changes.
 *
 * <p>Images that no texture uses, and KTX2 files equal to an image that already is KTX2, are left
 * alone (and reported). The input asset is not modified.
 */
public final class Assemble {
  public static final String EXTENSION = "KHR_texture_basisu";
  public static final String KTX2_MIME = "image/ktx2";

  private Assemble() {}

  /** What happened to one image. {@code action}: replaced, added, unchanged, skipped. */
  public record ImageChange(
      int image,
      String name,
      String action,
      String mimeBefore,
      long bytesBefore,
      long bytesAfter,
      List<Integer> textures,
      Integer newImage,
      String reason) {
    public ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("image", image);
      if (name != null) {
        o.put("name", name);
      }
      o.put("action", action);
      o.put("mimeBefore", mimeBefore);
      o.put("bytesBefore", bytesBefore);
      o.put("bytesAfter", bytesAfter);
      ArrayNode t = o.putArray("textures");
      textures.forEach(t::add);
      if (newImage != null) {
        o.put("newImage", newImage);
      }
      if (reason != null) {
        o.put("reason", reason);
      }
      return o;
    }
  }

  /** The assembled asset and a line per KTX2 file offered. */
  public record Assembled(GltfAsset asset, List<ImageChange> changes) {
    /** Images whose texture now uses the KTX2 (replaced or added). */
    public List<Integer> replacedImages() {
      List<Integer> out = new ArrayList<>();
      for (ImageChange c : changes) {
        if (c.action().equals("replaced") || c.action().equals("added")) {
          out.add(c.image());
        }
      }
      return out;
    }
  }

  /** The assembled asset (see {@link #assemble} for the report). */
  public static GltfAsset apply(
      GltfAsset base, Map<Integer, byte[]> ktx2ByImage, AssembleOptions options) {
    return assemble(base, ktx2ByImage, options).asset();
  }

  /**
   * @param ktx2ByImage image index → KTX2 bytes
   * @throws AssetGridException DATA_ERROR when an index does not exist or bytes are not a KTX2 file
   */
  public static Assembled assemble(
      GltfAsset base, Map<Integer, byte[]> ktx2ByImage, AssembleOptions options) {
    GltfAsset asset =
        new GltfAsset(
            base.json().deepCopy(),
            base.buffers(),
            base.images(),
            base.sourceBytes(),
            base.meshoptDecoder());
    ObjectNode json = asset.json();
    int imageCount = asset.count("images");
    List<ImageChange> changes = new ArrayList<>();
    boolean required = false;
    for (Map.Entry<Integer, byte[]> e : new TreeMap<>(ktx2ByImage).entrySet()) {
      int k = e.getKey();
      byte[] ktx2 = e.getValue();
      if (k < 0 || k >= imageCount || !(json.path("images").get(k) instanceof ObjectNode image)) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR,
            "KTX2 for image " + k + ", but the model has " + imageCount + " images");
      }
      String name = describe(image);
      try {
        Ktx2Info.parse(ktx2);
      } catch (AssetGridException ex) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR, "KTX2 for image " + k + name(name) + ": " + ex.getMessage());
      }
      ImageData before = asset.imageBytes(k);
      List<Integer> coreUsers = new ArrayList<>();
      List<Integer> basisUsers = new ArrayList<>();
      JsonNode textures = json.path("textures");
      for (int t = 0; t < textures.size(); t++) {
        JsonNode tex = textures.get(t);
        if (tex.path("source").canConvertToInt() && tex.path("source").asInt() == k) {
          coreUsers.add(t);
        }
        if (tex.path("extensions").path(EXTENSION).path("source").canConvertToInt()
            && tex.path("extensions").path(EXTENSION).path("source").asInt() == k) {
          basisUsers.add(t);
        }
      }
      List<Integer> users = new ArrayList<>(coreUsers);
      basisUsers.stream().filter(t -> !users.contains(t)).forEach(users::add);
      long bytesBefore = before.bytes().length;
      if (users.isEmpty()) {
        changes.add(
            new ImageChange(
                k,
                name,
                "skipped",
                before.mimeType(),
                bytesBefore,
                bytesBefore,
                users,
                null,
                "no texture uses this image"));
        continue;
      }
      if (KTX2_MIME.equals(before.mimeType()) || Ktx2Info.isKtx2(before.bytes())) {
        if (java.util.Arrays.equals(before.bytes(), ktx2)) {
          changes.add(
              new ImageChange(
                  k,
                  name,
                  "unchanged",
                  before.mimeType(),
                  bytesBefore,
                  bytesBefore,
                  users,
                  null,
                  "already this KTX2"));
          continue;
        }
        setImageBytes(asset, k, ktx2);
        required |= moveCoreSources(json, coreUsers, k);
        changes.add(
            new ImageChange(
                k,
                name,
                "replaced",
                before.mimeType(),
                bytesBefore,
                ktx2.length,
                users,
                null,
                null));
        continue;
      }
      if (options.keepFallback()) {
        int added = addImage(asset, image, ktx2);
        for (int t : coreUsers) {
          ((ObjectNode) textures.get(t))
              .with("extensions")
              .putObject(EXTENSION)
              .put("source", added);
        }
        for (int t : basisUsers) {
          ((ObjectNode) textures.get(t).path("extensions").path(EXTENSION)).put("source", added);
        }
        changes.add(
            new ImageChange(
                k, name, "added", before.mimeType(), bytesBefore, ktx2.length, users, added, null));
      } else {
        setImageBytes(asset, k, ktx2);
        required |= moveCoreSources(json, coreUsers, k);
        changes.add(
            new ImageChange(
                k,
                name,
                "replaced",
                before.mimeType(),
                bytesBefore,
                ktx2.length,
                users,
                null,
                null));
      }
    }
    boolean changed =
        changes.stream().anyMatch(c -> c.action().equals("replaced") || c.action().equals("added"));
    if (changed) {
      addOnce(json, "extensionsUsed", EXTENSION);
    }
    if (required || anyTextureWithoutFallback(json)) {
      addOnce(json, "extensionsRequired", EXTENSION);
    }
    return new Assembled(asset, changes);
  }

  /**
   * Moves core {@code source == k} into the extension; true when a texture is left without
   * fallback.
   */
  private static boolean moveCoreSources(ObjectNode json, List<Integer> textures, int k) {
    boolean noFallback = false;
    for (int t : textures) {
      ObjectNode tex = (ObjectNode) json.path("textures").get(t);
      tex.remove("source");
      tex.with("extensions").putObject(EXTENSION).put("source", k);
      noFallback = true;
    }
    return noFallback;
  }

  private static boolean anyTextureWithoutFallback(ObjectNode json) {
    if (!usesExtension(json, EXTENSION)) {
      return false;
    }
    for (JsonNode tex : json.path("textures")) {
      if (tex.path("extensions").has(EXTENSION) && !tex.has("source")) {
        return true;
      }
    }
    return false;
  }

  /** Puts {@code ktx2} into image {@code k} (bufferView data, mimeType image/ktx2, no uri). */
  private static void setImageBytes(GltfAsset asset, int k, byte[] ktx2) {
    ObjectNode json = asset.json();
    ObjectNode image = (ObjectNode) json.path("images").get(k);
    int buffer = appendBuffer(asset, ktx2);
    JsonNode bv = image.get("bufferView");
    ArrayNode views = json.withArray("bufferViews");
    if (bv != null
        && bv.canConvertToInt()
        && bv.asInt() >= 0
        && bv.asInt() < views.size()
        && countBufferViewRefs(json, bv.asInt()) == 1
        && views.get(bv.asInt()) instanceof ObjectNode view) {
      // the view only served this image: point it at the KTX2 so the old bytes are not written
      view.put("buffer", buffer);
      view.put("byteOffset", 0);
      view.put("byteLength", ktx2.length);
      view.remove("byteStride");
      view.remove("target");
    } else {
      views.addObject().put("buffer", buffer).put("byteLength", ktx2.length);
      image.put("bufferView", views.size() - 1);
    }
    image.remove("uri");
    asset.images().remove(k);
    image.put("mimeType", KTX2_MIME);
  }

  /** Appends a new image holding {@code ktx2}, named after {@code original}; returns its index. */
  private static int addImage(GltfAsset asset, ObjectNode original, byte[] ktx2) {
    ObjectNode json = asset.json();
    int buffer = appendBuffer(asset, ktx2);
    ArrayNode views = json.withArray("bufferViews");
    views.addObject().put("buffer", buffer).put("byteLength", ktx2.length);
    ArrayNode images = json.withArray("images");
    ObjectNode image = images.addObject();
    if (original.hasNonNull("name")) {
      image.put("name", original.path("name").asText());
    }
    image.put("bufferView", views.size() - 1);
    image.put("mimeType", KTX2_MIME);
    return images.size() - 1;
  }

  private static int appendBuffer(GltfAsset asset, byte[] bytes) {
    ArrayNode buffers = asset.json().withArray("buffers");
    while (asset.buffers().size() < buffers.size()) {
      asset.buffers().add(null);
    }
    buffers.addObject().put("byteLength", bytes.length);
    asset.buffers().add(ByteBuffer.wrap(bytes));
    return buffers.size() - 1;
  }

  /** Occurrences of {@code "bufferView": v} anywhere in the document (core and extensions). */
  private static int countBufferViewRefs(JsonNode node, int v) {
    int n = 0;
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("bufferView")
            && f.getValue().canConvertToInt()
            && f.getValue().asInt() == v) {
          n++;
        } else {
          n += countBufferViewRefs(f.getValue(), v);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) {
        n += countBufferViewRefs(c, v);
      }
    }
    return n;
  }

  private static boolean usesExtension(JsonNode json, String ext) {
    for (JsonNode e : json.path("extensionsUsed")) {
      if (ext.equals(e.asText())) {
        return true;
      }
    }
    return false;
  }

  private static void addOnce(ObjectNode json, String array, String ext) {
    for (JsonNode e : json.path(array)) {
      if (ext.equals(e.asText())) {
        return;
      }
    }
    json.withArray(array).add(ext);
  }

  /** Image name or uri (not data URIs), or null. */
  public static String describe(JsonNode image) {
    return TextureResult.imageName(image);
  }

  private static String name(String name) {
    return name == null ? "" : " '" + name + "'";
  }
}
