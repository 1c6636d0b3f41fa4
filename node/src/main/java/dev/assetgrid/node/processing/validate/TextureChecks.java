package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Image;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Checks images (uri or bufferView, MIME type), textures (sampler and source references) and
 * samplers (filter and wrap enums), and publishes images and texture sources. Image bytes and
 * headers are checked later by {@link Resources}.
 */
final class TextureChecks {
  private static final Set<String> IMAGE_MIMES =
      Set.of("image/jpeg", "image/png", "image/webp", "image/ktx2");

  private final ValidationContext ctx;
  private final Json j;

  TextureChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  void check() {
    images();
    textures();
    samplers();
  }

  private void images() {
    List<ObjectNode> l = ctx.objects("images");
    Image[] images = new Image[l.size()];
    ctx.setImages(images);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Image im = new Image();
      images[i] = im;
      if (o != null) {
        image(o, "/images/" + i, im);
      }
    }
  }

  private void image(ObjectNode o, String p, Image im) {
    im.o = o;
    j.members(o, p, Set.of("uri", "mimeType", "bufferView", "name"));
    im.bufferView = j.index(o, p, "bufferView", false);
    im.uri = j.str(o, p, "uri", false);
    JsonNode mt = o.get("mimeType");
    if (mt != null) {
      if (!mt.isTextual()) {
        j.typeMismatch(p + "/mimeType", mt, "string");
      } else {
        im.mimeType = mt.asText();
        if (!IMAGE_MIMES.contains(im.mimeType)) {
          j.add(
              IssueCode.VALUE_NOT_IN_LIST,
              p + "/mimeType",
              "Invalid value '" + im.mimeType + "'. Valid values are ('image/jpeg', 'image/png').");
        }
      }
    }
    boolean hasUri = o.has("uri");
    boolean hasView = o.has("bufferView");
    if (hasUri == hasView) {
      j.add(
          IssueCode.ONE_OF_MISMATCH,
          p,
          "Exactly one of ('bufferView', 'uri') properties must be defined.");
    }
    if (hasView && mt == null) {
      j.add(
          IssueCode.UNSATISFIED_DEPENDENCY,
          p + "/bufferView",
          "Dependency failed. 'mimeType' must be defined.");
    }
    if (im.bufferView >= 0 && ctx.ref("bufferViews", im.bufferView, p + "/bufferView")) {
      if (ctx.views()[im.bufferView].byteStride > 0) {
        j.add(
            IssueCode.IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE,
            p + "/bufferView",
            "bufferView.byteStride must not be defined for buffer views containing image data.");
      }
      ctx.useBufferView(im.bufferView, "Other", p + "/bufferView");
    }
    if ("image/webp".equals(im.mimeType) && !ctx.extensionsUsed().contains("EXT_texture_webp")) {
      j.add(
          IssueCode.IMAGE_NON_ENABLED_MIME_TYPE,
          p,
          "'image/webp' MIME type requires an extension.");
    }
    ctx.extensions().object(o, p, "image");
  }

  private void textures() {
    List<ObjectNode> l = ctx.objects("textures");
    int[] sources = new int[l.size()];
    Arrays.fill(sources, -1);
    ctx.setTextureSources(sources);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      if (o == null) {
        continue;
      }
      String p = "/textures/" + i;
      j.members(o, p, Set.of("sampler", "source", "name"));
      int sampler = j.index(o, p, "sampler", false);
      int source = j.index(o, p, "source", false);
      ctx.ref("samplers", sampler, p + "/sampler");
      if (ctx.ref("images", source, p + "/source")) {
        sources[i] = source;
      }
      ctx.extensions().object(o, p, "texture");
    }
  }

  private void samplers() {
    List<ObjectNode> l = ctx.objects("samplers");
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      if (o == null) {
        continue;
      }
      String p = "/samplers/" + i;
      j.members(o, p, Set.of("magFilter", "minFilter", "wrapS", "wrapT", "name"));
      j.uintEnum(o, p, "magFilter", false, -1, 9728, 9729);
      j.uintEnum(o, p, "minFilter", false, -1, 9728, 9729, 9984, 9985, 9986, 9987);
      j.uintEnum(o, p, "wrapS", false, -1, 33071, 33648, 10497);
      j.uintEnum(o, p, "wrapT", false, -1, 33071, 33648, 10497);
      ctx.extensions().object(o, p, "sampler");
    }
  }
}
