package dev.assetgrid.node.natives;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code memAlloc} buffers of one native call, freed together when the try-with-resources block
 * that owns them ends: also when a later allocation, a check or the call itself throws, which a
 * chain of allocations followed by one {@code try/finally} would leak. For small, fixed-size
 * out-parameters use {@link org.lwjgl.system.MemoryStack} instead. One instance per call; not
 * thread-safe.
 */
final class OffHeap implements AutoCloseable {
  private final List<Buffer> owned = new ArrayList<>();

  /** {@code size} uninitialised bytes; position 0, limit {@code size}. */
  ByteBuffer bytes(int size) {
    return own(NativeMemory.bytes(size));
  }

  /** {@code count} uninitialised ints; position 0, limit {@code count}. */
  IntBuffer ints(int count) {
    return own(NativeMemory.ints(count));
  }

  /** A copy of {@code a} (capacity at least 1); position 0, limit {@code a.length}. */
  ByteBuffer copyOf(byte[] a) {
    ByteBuffer b = bytes(Math.max(1, a.length));
    b.put(a).flip();
    return b;
  }

  /** A copy of {@code a} (capacity at least 1); position 0, limit {@code a.length}. */
  IntBuffer copyOf(int[] a) {
    IntBuffer b = ints(Math.max(1, a.length));
    b.put(a).flip();
    return b;
  }

  /** A copy of {@code a} (capacity at least 1); position 0, limit {@code a.length}. */
  FloatBuffer copyOf(float[] a) {
    FloatBuffer b = own(NativeMemory.floats(Math.max(1, a.length)));
    b.put(a).flip();
    return b;
  }

  private <B extends Buffer> B own(B buffer) {
    owned.add(buffer);
    return buffer;
  }

  @Override
  public void close() {
    for (Buffer b : owned) {
      NativeMemory.free(b);
    }
    owned.clear();
  }
}
