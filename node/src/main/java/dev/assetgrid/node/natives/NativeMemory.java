package dev.assetgrid.node.natives;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.lwjgl.system.MemoryUtil;

/**
 * Every off-heap buffer this node hands to a native library is allocated and freed here, so the
 * bytes in use can be read at any time ({@code assetgrid_node_native_buffers_bytes}). What the
 * libraries allocate themselves (Assimp's scene, libktx's texture) is not counted; the process's
 * resident size ({@code assetgrid_process_resident_bytes}) covers it.
 */
public final class NativeMemory {
  private NativeMemory() {}

  private static final LongAdder IN_USE = new LongAdder();

  /** Bytes of the buffers allocated here and not freed yet. */
  public static long inUse() {
    return IN_USE.sum();
  }

  /** {@code size} uninitialised bytes ({@code memAlloc}); position 0, limit {@code size}. */
  static ByteBuffer bytes(int size) {
    ByteBuffer b = MemoryUtil.memAlloc(size);
    IN_USE.add(b.capacity());
    return b;
  }

  /** {@code count} uninitialised ints. */
  static IntBuffer ints(int count) {
    IntBuffer b = MemoryUtil.memAllocInt(count);
    IN_USE.add(4L * b.capacity());
    return b;
  }

  /** {@code count} uninitialised floats. */
  static FloatBuffer floats(int count) {
    FloatBuffer b = MemoryUtil.memAllocFloat(count);
    IN_USE.add(4L * b.capacity());
    return b;
  }

  /** Frees a buffer of {@link #bytes}, {@link #ints} or {@link #floats}; null is ignored. */
  static void free(Buffer b) {
    if (b == null) {
      return;
    }
    long size =
        b instanceof ByteBuffer ? b.capacity() : 4L * b.capacity(); // ints and floats: 4 bytes
    MemoryUtil.memFree(b);
    IN_USE.add(-size);
  }
}
