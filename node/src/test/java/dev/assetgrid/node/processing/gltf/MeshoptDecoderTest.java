package dev.assetgrid.node.processing.gltf;

import static dev.assetgrid.node.processing.gltf.TestAssets.asset;
import static dev.assetgrid.node.processing.gltf.TestAssets.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lwjgl.system.MemoryUtil.memAlloc;
import static org.lwjgl.system.MemoryUtil.memAllocInt;
import static org.lwjgl.system.MemoryUtil.memFree;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.node.processing.inspect.InspectReport;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwjgl.util.meshoptimizer.MeshOptimizer;

/** EXT_meshopt_compression: data encoded here with meshoptimizer, decoded by the reader. */
class MeshoptDecoderTest {
  static final float[] POSITIONS = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0};
  static final int[] TRIANGLES = {0, 1, 2, 0, 2, 3};

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  static byte[] encodeVertices(byte[] vertices, int count, int stride) {
    ByteBuffer src = memAlloc(vertices.length);
    ByteBuffer dst = memAlloc((int) MeshOptimizer.meshopt_encodeVertexBufferBound(count, stride));
    try {
      src.put(vertices).flip();
      long n = MeshOptimizer.meshopt_encodeVertexBuffer(dst, src, count, stride);
      byte[] out = new byte[(int) n];
      dst.get(out);
      return out;
    } finally {
      memFree(src);
      memFree(dst);
    }
  }

  static byte[] encodeTriangles(int[] indices, int vertexCount) {
    IntBuffer src = memAllocInt(indices.length);
    ByteBuffer dst =
        memAlloc((int) MeshOptimizer.meshopt_encodeIndexBufferBound(indices.length, vertexCount));
    try {
      src.put(indices).flip();
      long n = MeshOptimizer.meshopt_encodeIndexBuffer(dst, src);
      byte[] out = new byte[(int) n];
      dst.get(out);
      return out;
    } finally {
      memFree(src);
      memFree(dst);
    }
  }

  /** A quad whose positions (ATTRIBUTES) and indices (TRIANGLES, 2-byte) are meshopt-compressed. */
  static GltfAsset quad(String attributeExtra, String triangleExtra, boolean corrupt) {
    byte[] v = encodeVertices(floats(POSITIONS), 4, 12);
    byte[] t = encodeTriangles(TRIANGLES, 4);
    int tOffset = (v.length + 3) & ~3;
    byte[] bin = new byte[tOffset + t.length];
    System.arraycopy(v, 0, bin, 0, v.length);
    System.arraycopy(t, 0, bin, tOffset, t.length);
    if (corrupt) {
      Arrays.fill(bin, 1, v.length, (byte) 0xFF);
    }
    String json =
        "{'asset':{'version':'2.0'},'extensionsUsed':['EXT_meshopt_compression'],"
            + "'extensionsRequired':['EXT_meshopt_compression'],'scene':0,'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0}],"
            + "'meshes':[{'primitives':[{'attributes':{'POSITION':0},'indices':1}]}],"
            + "'accessors':[{'bufferView':0,'componentType':5126,'count':4,'type':'VEC3','min':[0,0,0],'max':[1,1,0]},"
            + "{'bufferView':1,'componentType':5123,'count':6,'type':'SCALAR'}],"
            + "'bufferViews':[{'buffer':1,'byteLength':48,'byteStride':12,'target':34962,'extensions':{'EXT_meshopt_compression':"
            + "{'buffer':0,'byteLength':"
            + v.length
            + ",'byteStride':12,'count':4,'mode':'ATTRIBUTES'"
            + attributeExtra
            + "}}},"
            + "{'buffer':1,'byteOffset':48,'byteLength':12,'target':34963,'extensions':{'EXT_meshopt_compression':"
            + "{'buffer':0,'byteOffset':"
            + tOffset
            + ",'byteLength':"
            + t.length
            + ",'byteStride':2,'count':6,'mode':'TRIANGLES'"
            + triangleExtra
            + "}}}],"
            + "'buffers':[{'byteLength':"
            + bin.length
            + "},{'byteLength':60,'extensions':{'EXT_meshopt_compression':{'fallback':true}}}]}";
    return asset(json, bin, null);
  }

  /** Triangles rotated so that each starts with its smallest index (the codec may rotate them). */
  static int[] canonical(int[] tris) {
    int[] out = tris.clone();
    for (int i = 0; i < out.length; i += 3) {
      while (out[i] > out[i + 1] || out[i] > out[i + 2]) {
        int first = out[i];
        out[i] = out[i + 1];
        out[i + 1] = out[i + 2];
        out[i + 2] = first;
      }
    }
    return out;
  }

  @Test
  void decodesAttributesAndTriangles() {
    GltfAsset a = quad("", "", false);
    assertThat(a.hasMeshopt()).isTrue();
    Accessors acc = Accessors.of(a);
    assertThat(acc.floats(0)).containsExactly(POSITIONS);
    assertThat(canonical(acc.indices(1, 4))).containsExactly(canonical(TRIANGLES));
  }

  @Test
  void writerKeepsCompressionAndOutputValidates(@TempDir Path tmp) throws Exception {
    GltfAsset a = quad("", "", false);
    byte[] glb = GlbWriter.write(a);
    GltfAsset b = TestNatives.reader().read(glb, ResourceResolver.none());
    assertThat(b.buffers()).hasSize(2);
    assertThat(b.buffers().get(1)).isNull();
    assertThat(b.hasMeshopt()).isTrue();
    assertThat(Accessors.of(b).floats(0)).containsExactly(POSITIONS);
    InspectReport r = Inspect.apply(b);
    assertThat(r.triangles()).isEqualTo(2);
    assertThat(r.vertices()).isEqualTo(4);

    KhronosValidator validator = KhronosValidator.require();
    Path file = tmp.resolve("quad.glb");
    Files.write(file, glb);
    assertThat(validator.validate(file).errorCodes()).isEmpty();
  }

  @Test
  void hostileParameters() {
    assertCode(() -> Accessors.of(quad("", "", true)).floats(0), ErrorCode.DATA_ERROR);
    // stride not a multiple of 4 would make meshoptimizer assert: refused before the native call
    assertCode(
        () ->
            Accessors.of(
                    replace(
                        quad("", "", false),
                        "'byteStride':12,'count':4",
                        "'byteStride':6,'count':4"))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () -> Accessors.of(quad(",'filter':'QUATERNION'", "", false)).floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () -> Accessors.of(quad("", ",'filter':'OCTAHEDRAL'", false)).ints(1),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(replace(quad("", "", false), "'mode':'ATTRIBUTES'", "'mode':'BOGUS'"))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(replace(quad("", "", false), "'count':6,'mode'", "'count':5,'mode'"))
                .ints(1),
        ErrorCode.GLTF_INVALID);
    // count * stride larger than the bufferView
    assertCode(
        () ->
            Accessors.of(
                    replace(
                        quad("", "", false),
                        "'byteStride':12,'count':4",
                        "'byteStride':12,'count':400000000"))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    // compressed range outside its buffer
    assertCode(
        () ->
            Accessors.of(
                    replace(
                        quad("", "", false),
                        "{'buffer':0,'byteLength'",
                        "{'buffer':0,'byteOffset':100000,'byteLength'"))
                .floats(0),
        ErrorCode.GLTF_INVALID);
  }

  private static String quadJson(GltfAsset a) {
    return a.json().toString().replace('"', '\'');
  }

  private static GltfAsset replace(GltfAsset a, String from, String to) {
    String json = quadJson(a);
    assertThat(json).contains(from);
    return new GltfAsset(
        TestAssets.json(json.replace(from, to)), a.buffers(), a.images(), 0, a.meshoptDecoder());
  }

  @Test
  void pirateCorpusModelDecodes() {
    Path file = TestCorpus.root().resolve("gltf-other/pirate-meshopt/pirate.glb");
    GltfAsset a = TestNatives.reader().read(file);
    assertThat(a.hasMeshopt()).isTrue();
    Accessors acc = Accessors.of(a);
    int checked = 0;
    for (var mesh : a.json().path("meshes")) {
      for (var prim : mesh.path("primitives")) {
        int pos = prim.path("attributes").path("POSITION").asInt();
        float[] p = acc.floats(pos);
        var min = a.element("accessors", pos).path("min");
        var max = a.element("accessors", pos).path("max");
        for (int i = 0; i < p.length; i++) {
          assertThat((double) p[i])
              .isBetween(min.get(i % 3).asDouble() - 1e-6, max.get(i % 3).asDouble() + 1e-6);
        }
        int[] idx = acc.indices(prim.path("indices").asInt(), p.length / 3);
        assertThat(idx.length % 3).isZero();
        for (var attr : prim.path("attributes")) {
          acc.floats(attr.asInt()); // every stream (filters included) decodes
        }
        checked++;
      }
    }
    assertThat(checked).isPositive();
  }
}
