package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A growing byte buffer whose appends start on 4-byte boundaries (zero padding). */
final class BinBuilder {
  private byte[] data = new byte[1 << 16];
  private int size;

  /** Appends {@code bytes} at the next 4-byte boundary; @return its offset. */
  int append(byte[] bytes) {
    return append(bytes, 0, bytes.length);
  }

  int append(byte[] bytes, int from, int length) {
    int offset = (size + 3) & ~3;
    long end = (long) offset + length;
    if (end > Integer.MAX_VALUE - 16) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, "output buffer would exceed 2 GiB");
    }
    if (end > data.length) {
      data =
          Arrays.copyOf(
              data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(end, data.length * 2L)));
    }
    System.arraycopy(bytes, from, data, offset, length);
    size = (int) end;
    return offset;
  }

  int append(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.duplicate().get(b);
    return append(b);
  }

  /**
   * Reserves {@code length} bytes of space (for fallback buffers that hold no data); @return the
   * offset.
   */
  int reserve(int length) {
    int offset = (size + 3) & ~3;
    size = offset + length;
    return offset;
  }

  int size() {
    return size;
  }

  ByteBuffer toBuffer() {
    return ByteBuffer.wrap(Arrays.copyOf(data, size));
  }
}
