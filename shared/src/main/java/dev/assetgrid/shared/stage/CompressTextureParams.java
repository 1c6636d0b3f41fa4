package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Params of a {@code compress-texture} task: the {@link CompressTextureOptions} members, plus which
 * image and how it is used.
 *
 * @param image index of the image in the model, &gt;= 0; null in a pipeline spec and in the
 *     placeholder task the planner expands once inspect has listed the images (one task per image,
 *     each with its index). A node refuses a task without it.
 * @param role how the material uses the image ({@code color|normal|data}); null: decided from the
 *     material slots that reference it
 * @param fanOutImages {@value #FAN_OUT_PARAM}: true on the placeholder task that stands for "every
 *     image"; set by the planner only
 * @param options how to compress
 */
public record CompressTextureParams(
    Integer image, TextureRole role, boolean fanOutImages, CompressTextureOptions options)
    implements StageParams {
  /** Key of {@link #fanOutImages}. */
  public static final String FAN_OUT_PARAM = "fanOutImages";

  public CompressTextureParams {
    OptionReader.require(image == null || image >= 0, "image", "must be >= 0", image);
    options = options == null ? CompressTextureOptions.DEFAULTS : options;
  }

  public static CompressTextureParams read(OptionReader r) {
    Integer image = r.optionalInteger("image");
    TextureRole role = r.choice("role", TextureRole.class, null);
    boolean fanOut = r.bool(FAN_OUT_PARAM, false);
    CompressTextureOptions options = CompressTextureOptions.read(r);
    return r.build(() -> new CompressTextureParams(image, role, fanOut, options));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = options.toJson();
    if (image != null) {
      o.put("image", image);
    }
    if (role != null) {
      o.put("role", role.wire());
    }
    if (fanOutImages) {
      o.put(FAN_OUT_PARAM, true);
    }
    return o;
  }
}
