package dev.assetgrid.node.processing.texture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.TextureRole;
import java.util.Objects;

/**
 * What {@link CompressTexture#compressImage} did with one image of a model: either compressed it
 * ({@code compressed} set) or skipped it ({@code reason} set; the model keeps the original image).
 *
 * @param image image index in the model
 * @param name image name or uri (never a data URI), or null
 * @param role role used (from the material slots unless the caller forced one)
 * @param compressed the KTX2 and its numbers; null when skipped
 * @param reason why the image was skipped; null when compressed
 * @param code error code behind the skip (UNSUPPORTED_FORMAT, DATA_ERROR...); null when compressed
 */
public record TextureResult(
    int image,
    String name,
    TextureRole role,
    CompressedTexture compressed,
    String reason,
    ErrorCode code) {
  public TextureResult {
    Objects.requireNonNull(role, "role");
    if ((compressed == null) == (reason == null)) {
      throw new IllegalArgumentException(
          "a texture result is either compressed or skipped with a reason");
    }
  }

  /** Whether the original image is kept (no KTX2). */
  public boolean skipped() {
    return compressed == null;
  }

  /** An image's name, else its uri (not data URIs), else null. */
  public static String imageName(JsonNode image) {
    if (image.hasNonNull("name")) {
      return image.path("name").asText();
    }
    String uri = image.path("uri").asText(null);
    return uri == null || uri.startsWith("data:") ? null : uri;
  }

  /** {@code image 3 'bricks.png'}: how messages name the image. */
  public static String label(int image, String name) {
    return "image " + image + (name == null ? "" : " '" + name + "'");
  }

  /**
   * The compress-texture task result: {@code image, name?, role, mode, ...} with the {@link
   * CompressedTexture#toJson()} fields, or {@code mode: skipped, reason, code} when skipped.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("image", image);
    if (name != null) {
      o.put("name", name);
    }
    if (compressed != null) {
      o.setAll(compressed.toJson());
    } else {
      o.put("role", role.wire());
      o.put("mode", "skipped");
      o.put("reason", reason);
      o.put("code", code.name());
    }
    return o;
  }
}
