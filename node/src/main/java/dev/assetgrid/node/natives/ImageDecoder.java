package dev.assetgrid.node.natives;

/**
 * Decodes an encoded image (TGA, BMP, PSD, GIF, HDR, PNM, PNG, JPEG...) to 8-bit RGBA pixels, so
 * formats glTF cannot carry can be re-encoded as PNG.
 */
public interface ImageDecoder {

  /**
   * 8-bit RGBA pixels, rows top to bottom.
   *
   * @param rgba {@code width * height * 4} bytes
   */
  record Pixels(int width, int height, byte[] rgba) {
    public Pixels {
      if (width <= 0 || height <= 0 || (long) width * height * 4 != rgba.length) {
        throw new IllegalArgumentException("pixels do not match " + width + "x" + height);
      }
    }
  }

  /**
   * Decodes {@code encoded}. The header is read first; nothing larger than {@code maxPixels} is
   * decoded.
   *
   * @throws dev.assetgrid.shared.error.AssetGridException DATA_ERROR when the bytes are not a
   *     decodable image, INPUT_LIMIT_EXCEEDED when it has more than {@code maxPixels} pixels,
   *     NATIVE_UNAVAILABLE when the library cannot load
   */
  Pixels decode(byte[] encoded, long maxPixels);

  /** The stb_image implementation (thread-safe). */
  static ImageDecoder stb() {
    return StbImageDecoder.INSTANCE;
  }
}
