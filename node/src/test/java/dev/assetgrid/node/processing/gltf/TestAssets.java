package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds tiny glTF assets and GLB byte arrays inline. JSON may use ' for ". */
public final class TestAssets {
  private TestAssets() {}

  public static ObjectNode json(String json) {
    try {
      return (ObjectNode) GltfReader.JSON.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An in-memory asset; each byte[] becomes the buffer of the same index. It decodes meshopt views
   * with the real decoder, as an asset read on a node does.
   */
  public static GltfAsset asset(String json, byte[]... buffers) {
    List<ByteBuffer> list = new ArrayList<>();
    for (byte[] b : buffers) {
      list.add(b == null ? null : ByteBuffer.wrap(b));
    }
    return new GltfAsset(json(json), list, Map.of(), 0, TestNatives.MESHOPT_DECODER);
  }

  /** Little-endian bytes of floats. */
  public static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  /** Little-endian bytes of unsigned shorts. */
  public static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int s : v) {
      b.putShort((short) s);
    }
    return b.array();
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  /** A GLB with the given JSON (padded) and BIN chunk (padded; omitted when null). */
  public static byte[] glb(String json, byte[] bin) {
    byte[] j = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    int jl = (j.length + 3) & ~3;
    int bl = bin == null ? 0 : (bin.length + 3) & ~3;
    int total = 12 + 8 + jl + (bin == null ? 0 : 8 + bl);
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(total);
    b.putInt(jl).putInt(0x4E4F534A).put(j);
    while (b.position() < 20 + jl) {
      b.put((byte) ' ');
    }
    if (bin != null) {
      b.putInt(bl).putInt(0x004E4942).put(bin);
    }
    return b.array();
  }

  /** One triangle: 3 float VEC3 positions (36 bytes) + 3 ushort indices (6 bytes, padded to 8). */
  public static final String TRIANGLE_JSON =
      """
      {'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0}],
       'meshes':[{'primitives':[{'attributes':{'POSITION':0},'indices':1}]}],
       'accessors':[{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3','min':[0,0,0],'max':[1,1,0]},
                    {'bufferView':1,'componentType':5123,'count':3,'type':'SCALAR'}],
       'bufferViews':[{'buffer':0,'byteLength':36},{'buffer':0,'byteOffset':36,'byteLength':6}],
       'buffers':[{'byteLength':44}]}""";

  public static byte[] triangleBin() {
    return concat(floats(0, 0, 0, 1, 0, 0, 0, 1, 0), shorts(0, 1, 2, 0));
  }
}
