package dev.assetgrid.node.processing.image;

/**
 * Port: decodes PNG and JPEG files to 8-bit RGBA. compress-texture decodes its input with it, and
 * convert re-encodes textures glTF cannot carry (TGA, BMP...) through it. The implementation is
 * native ({@code natives.StbImageDecoder}); what it returns is plain Java.
 *
 * <p>Implementations must refuse (not decode) an image whose header declares more than {@code
 * maxPixels} pixels, and must report corrupt data as an {@link
 * dev.assetgrid.shared.error.AssetGridException} with code {@code DATA_ERROR}, never crash.
 * Thread-safe.
 */
public interface ImageDecoder {

  /**
   * Decodes {@code encoded} to RGBA8.
   *
   * @param encoded the encoded file (PNG or JPEG; callers restrict the format); not null, not
   *     modified
   * @param maxPixels most pixels (width x height) the caller accepts, checked before decoding
   * @return pixels, rows top to bottom, 4 bytes per pixel; never null
   * @throws dev.assetgrid.shared.error.AssetGridException INPUT_LIMIT_EXCEEDED above {@code
   *     maxPixels}, DATA_ERROR when the bytes cannot be decoded (or are empty)
   */
  Pixels decodeRgba(byte[] encoded, long maxPixels);

  /**
   * Decoded pixels.
   *
   * @param width pixels, &gt;= 1
   * @param height pixels, &gt;= 1
   * @param sourceChannels channels the file stored (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA)
   * @param rgba {@code width * height * 4} bytes, rows top to bottom; not copied
   */
  record Pixels(int width, int height, int sourceChannels, byte[] rgba) {
    public Pixels {
      if (width < 1 || height < 1 || rgba.length != (long) width * height * 4) {
        throw new IllegalArgumentException("pixels do not match " + width + "x" + height);
      }
    }
  }
}
