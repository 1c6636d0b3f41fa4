package dev.assetgrid.node.processing.texture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.TextureRole;

/**
 * The result of {@link CompressTexture#compress}.
 *
 * @param ktx2 the KTX2 file; not copied
 * @param role role used for the transfer function and filtering
 * @param mode {@code etc1s}, {@code uastc} or {@code passthrough} (input already KTX2)
 * @param widthIn input width, pixels
 * @param heightIn input height, pixels
 * @param widthOut level 0 width of the output, pixels
 * @param heightOut level 0 height of the output, pixels
 * @param levels mip levels in the output
 * @param hasAlpha whether the output keeps an alpha channel (inputs whose alpha is all 255 lose it)
 * @param bytesIn size of the input image file
 * @param bytesOut size of the KTX2 file
 * @param psnr PSNR of level 0 against the resized source in dB over RGB (and A when kept), capped
 *     at {@value #PSNR_CAP}; null when not measured (option off, passthrough)
 * @param millis wall time of the whole call
 */
public record CompressedTexture(
    byte[] ktx2,
    TextureRole role,
    String mode,
    int widthIn,
    int heightIn,
    int widthOut,
    int heightOut,
    int levels,
    boolean hasAlpha,
    long bytesIn,
    long bytesOut,
    Double psnr,
    long millis) {

  /** PSNR reported for identical images. */
  public static final double PSNR_CAP = 99.0;

  /** The task-result view (without the bytes). */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("role", role.wire());
    o.put("mode", mode);
    o.put("widthIn", widthIn);
    o.put("heightIn", heightIn);
    o.put("widthOut", widthOut);
    o.put("heightOut", heightOut);
    o.put("levels", levels);
    o.put("hasAlpha", hasAlpha);
    o.put("bytesIn", bytesIn);
    o.put("bytesOut", bytesOut);
    if (psnr == null) {
      o.putNull("psnr");
    } else {
      o.put("psnr", Math.round(psnr * 100) / 100.0);
    }
    o.put("ms", millis);
    return o;
  }
}
