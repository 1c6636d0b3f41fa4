package dev.assetgrid.node.processing.thumbnail;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A rendered image: non-premultiplied sRGB ARGB pixels, row-major, top row first.
 *
 * @param width pixels
 * @param height pixels
 * @param argb {@code width * height} pixels ({@code 0xAARRGGBB}); not copied, do not mutate
 * @param coverage fraction 0..1 of pixels the model touches (non-background)
 * @param notes what was simplified while rendering (textures not decoded, attributes ignored...);
 *     never null
 */
public record ThumbnailImage(
    int width, int height, int[] argb, double coverage, List<String> notes) {
  public ThumbnailImage {
    if (argb.length != width * height) {
      throw new IllegalArgumentException(
          "argb has " + argb.length + " pixels, expected " + width * height);
    }
    notes = List.copyOf(notes);
  }

  /** The pixel at column {@code x}, row {@code y}. */
  public int pixel(int x, int y) {
    return argb[y * width + x];
  }

  /** As a {@code TYPE_INT_ARGB} image (copies the pixels). */
  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, width, height, argb, 0, width);
    return img;
  }

  /** PNG bytes (8-bit RGBA). */
  public byte[] toPng() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      if (!javax.imageio.ImageIO.write(toBufferedImage(), "png", out)) {
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, "no PNG writer available");
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "PNG encoding failed: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
