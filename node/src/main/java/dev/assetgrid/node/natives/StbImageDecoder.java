package dev.assetgrid.node.natives;

import static org.lwjgl.system.MemoryUtil.memAlloc;
import static org.lwjgl.system.MemoryUtil.memFree;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import org.lwjgl.stb.STBImage;
import org.lwjgl.system.MemoryStack;

/** {@link ImageDecoder} over stb_image (LWJGL). Checks the header before it decodes. */
final class StbImageDecoder implements ImageDecoder {
  static final StbImageDecoder INSTANCE = new StbImageDecoder();

  private StbImageDecoder() {}

  @Override
  public Pixels decode(byte[] encoded, long maxPixels) {
    if (encoded.length == 0) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "empty image");
    }
    ByteBuffer src;
    try {
      src = memAlloc(encoded.length);
    } catch (LinkageError e) {
      throw new AssetGridException(ErrorCode.NATIVE_UNAVAILABLE, "stb: " + e, e);
    }
    try (MemoryStack stack = MemoryStack.stackPush()) {
      src.put(encoded).flip();
      IntBuffer w = stack.mallocInt(1);
      IntBuffer h = stack.mallocInt(1);
      IntBuffer comp = stack.mallocInt(1);
      if (!STBImage.stbi_info_from_memory(src, w, h, comp)) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, "image cannot be decoded: " + STBImage.stbi_failure_reason());
      }
      long pixels = (long) w.get(0) * h.get(0);
      if (w.get(0) <= 0 || h.get(0) <= 0) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, "image has no pixels");
      }
      if (pixels > maxPixels) {
        throw new AssetGridException(ErrorCode.INPUT_LIMIT_EXCEEDED,
            "image of " + w.get(0) + "x" + h.get(0) + " exceeds " + maxPixels + " pixels");
      }
      ByteBuffer out = STBImage.stbi_load_from_memory(src, w, h, comp, 4);
      if (out == null) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, "image cannot be decoded: " + STBImage.stbi_failure_reason());
      }
      try {
        byte[] rgba = new byte[Math.multiplyExact(Math.multiplyExact(w.get(0), h.get(0)), 4)];
        if (out.remaining() < rgba.length) {
          throw new AssetGridException(ErrorCode.DATA_ERROR, "decoder returned too few pixels");
        }
        out.duplicate().get(rgba); // never move out's position: stbi_image_free frees address + position
        return new Pixels(w.get(0), h.get(0), rgba);
      } finally {
        STBImage.stbi_image_free(out);
      }
    } finally {
      memFree(src);
    }
  }
}
