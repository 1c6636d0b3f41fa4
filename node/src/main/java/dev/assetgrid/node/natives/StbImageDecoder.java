package dev.assetgrid.node.natives;

import static org.lwjgl.stb.STBImage.stbi_failure_reason;
import static org.lwjgl.stb.STBImage.stbi_image_free;
import static org.lwjgl.stb.STBImage.stbi_info_from_memory;
import static org.lwjgl.stb.STBImage.stbi_load_from_memory;

import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * {@link ImageDecoder} over stb_image (lwjgl-stb). The header is read with {@code
 * stbi_info_from_memory} and checked against the pixel limit before anything is decoded
 * (decompression bombs); the input is copied to a direct buffer that is freed afterwards, and the
 * decoded pixels are copied to the heap and freed with {@code stbi_image_free}.
 *
 * <p>stb_image also reads BMP/TGA/GIF/PSD/HDR; callers restrict input to PNG and JPEG before
 * calling this adapter.
 */
public final class StbImageDecoder implements ImageDecoder {
  /** Larger images would not fit a Java array as RGBA8. */
  public static final long HARD_MAX_PIXELS = (Integer.MAX_VALUE - 64) / 4;

  @Override
  public Pixels decodeRgba(byte[] encoded, long maxPixels) {
    if (encoded.length == 0) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "image is empty");
    }
    long limit = Math.min(maxPixels, HARD_MAX_PIXELS);
    ByteBuffer src = NativeMemory.bytes(encoded.length);
    try (MemoryStack stack = MemoryStack.stackPush()) {
      src.put(encoded).flip();
      IntBuffer w = stack.mallocInt(1);
      IntBuffer h = stack.mallocInt(1);
      IntBuffer comp = stack.mallocInt(1);
      if (!stbi_info_from_memory(src, w, h, comp)) {
        String reason = reason();
        // stb refuses headers above 2^24 per side or 2^30 bytes of pixels itself ("too large")
        throw new AssetGridException(
            reason.contains("too large") ? ErrorCode.INPUT_LIMIT_EXCEEDED : ErrorCode.DATA_ERROR,
            "image header cannot be read: " + reason);
      }
      long pixels = (long) w.get(0) * h.get(0);
      if (w.get(0) < 1 || h.get(0) < 1) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR, "image declares " + w.get(0) + "x" + h.get(0) + " pixels");
      }
      if (pixels > limit) {
        throw new AssetGridException(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            "image is " + w.get(0) + "x" + h.get(0) + " = " + pixels + " pixels, limit " + limit);
      }
      ByteBuffer decoded = stbi_load_from_memory(src, w, h, comp, 4);
      if (decoded == null) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, "image cannot be decoded: " + reason());
      }
      try {
        long expected = (long) w.get(0) * h.get(0) * 4;
        if (w.get(0) < 1
            || h.get(0) < 1
            || (long) w.get(0) * h.get(0) > limit
            || decoded.remaining() != expected) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR,
              "decoder returned "
                  + w.get(0)
                  + "x"
                  + h.get(0)
                  + " pixels in "
                  + decoded.remaining()
                  + " bytes");
        }
        byte[] rgba = new byte[(int) expected];
        decoded.get(0, rgba); // absolute: stbi_image_free needs the position left at 0
        return new Pixels(w.get(0), h.get(0), comp.get(0), rgba);
      } finally {
        stbi_image_free(decoded);
      }
    } finally {
      NativeMemory.free(src);
    }
  }

  private static String reason() {
    String r = stbi_failure_reason();
    return r == null ? "unknown reason" : r;
  }
}
