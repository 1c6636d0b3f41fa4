package dev.assetgrid.coordinator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A minimal valid GLB (one triangle), built inline for protocol tests. */
public final class TinyGlb {
  private TinyGlb() {}

  public static byte[] triangle() {
    return triangle(null);
  }

  /**
   * The same triangle, with {@code asset.generator} set: equal geometry, different bytes (and
   * hash).
   */
  public static byte[] triangle(String generator) {
    ByteBuffer bin = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
    float[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0};
    for (float f : p) {
      bin.putFloat(f);
    }
    String asset =
        generator == null
            ? "{\"version\":\"2.0\"}"
            : "{\"version\":\"2.0\",\"generator\":\"" + generator + "\"}";
    String json =
        "{\"asset\":"
            + asset
            + ",\"scene\":0,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}],"
            + "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
            + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\",\"min\":[0,0,0],\"max\":[1,1,0]}],"
            + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36}],\"buffers\":[{\"byteLength\":36}]}";
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    int jlen = (j.length + 3) & ~3;
    ByteBuffer out = ByteBuffer.allocate(12 + 8 + jlen + 8 + 36).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0x46546C67).putInt(2).putInt(out.capacity());
    out.putInt(jlen).putInt(0x4E4F534A).put(j);
    for (int i = j.length; i < jlen; i++) {
      out.put((byte) ' ');
    }
    out.putInt(36).putInt(0x004E4942).put(bin.array());
    return out.array();
  }
}
