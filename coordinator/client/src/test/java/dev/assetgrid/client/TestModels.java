package dev.assetgrid.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Model files made inline for the tests. */
public final class TestModels {
  private TestModels() {}

  /**
   * A GLB that is sound on the outside (header, chunks) but whose accessor reads past its buffer:
   * the upload takes it, its job fails in inspect with a code that is not retried.
   */
  public static byte[] accessorPastItsBuffer() {
    String json =
        "{\"asset\":{\"version\":\"2.0\"},\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
            + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":500,\"type\":\"VEC3\"}],"
            + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":6000}],\"buffers\":[{\"byteLength\":6000}]}";
    return glb(json, new byte[48]);
  }

  /**
   * A GLB of one buffer of {@code binBytes} random bytes (no mesh): big, valid, cheap to inspect.
   */
  public static byte[] bigBuffer(int binBytes, long seed) {
    byte[] bin = new byte[(binBytes + 3) & ~3];
    new Random(seed).nextBytes(bin);
    return glb(
        "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":" + bin.length + "}]}", bin);
  }

  private static byte[] glb(String json, byte[] bin) {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    int jl = (j.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + jl + 8 + bin.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(b.capacity());
    b.putInt(jl).putInt(0x4E4F534A).put(j);
    while (b.position() < 20 + jl) {
      b.put((byte) ' ');
    }
    b.putInt(bin.length).putInt(0x004E4942).put(bin);
    return b.array();
  }
}
