package dev.assetgrid.node.processing.gltf;

import static dev.assetgrid.node.processing.gltf.TestAssets.TRIANGLE_JSON;
import static dev.assetgrid.node.processing.gltf.TestAssets.asset;
import static dev.assetgrid.node.processing.gltf.TestAssets.concat;
import static dev.assetgrid.node.processing.gltf.TestAssets.floats;
import static dev.assetgrid.node.processing.gltf.TestAssets.shorts;
import static dev.assetgrid.node.processing.gltf.TestAssets.triangleBin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AccessorsTest {

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  private static String oneAccessor(String accessor, String views, int bufferLength) {
    return "{'asset':{'version':'2.0'},'accessors':["
        + accessor
        + "],'bufferViews':["
        + views
        + "],'buffers':[{'byteLength':"
        + bufferLength
        + "}]}";
  }

  @Test
  void interleavedView() {
    // pos(3 floats) + uv(2 floats) per vertex: stride 20
    byte[] bin = floats(1, 2, 3, 0.25f, 0.5f, 4, 5, 6, 0.75f, 1);
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'accessors':["
                + "{'bufferView':0,'componentType':5126,'count':2,'type':'VEC3'},"
                + "{'bufferView':0,'byteOffset':12,'componentType':5126,'count':2,'type':'VEC2'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':40,'byteStride':20}],'buffers':[{'byteLength':40}]}",
            bin);
    Accessors acc = Accessors.of(a);
    assertThat(acc.floats(0)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(acc.floats(1)).containsExactly(0.25f, 0.5f, 0.75f, 1);
  }

  @Test
  void normalizedIntegers() {
    byte[] bin =
        new byte[] {
          (byte) 255,
          0,
          (byte) 128,
          0, /* shorts: */
          (byte) 0xFF,
          0x7F,
          0x00,
          (byte) 0x80,
          0,
          0,
          0,
          0
        };
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'accessors':["
                + "{'bufferView':0,'componentType':5121,'normalized':true,'count':1,'type':'VEC3'},"
                + "{'bufferView':0,'byteOffset':4,'componentType':5122,'normalized':true,'count':1,'type':'VEC2'},"
                + "{'bufferView':0,'byteOffset':4,'componentType':5122,'count':1,'type':'VEC2'},"
                + "{'bufferView':0,'componentType':5121,'count':1,'type':'VEC3'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':12}],'buffers':[{'byteLength':12}]}",
            bin);
    Accessors acc = Accessors.of(a);
    assertThat(acc.floats(0)).containsExactly(1f, 0f, 128 / 255f);
    assertThat(acc.floats(1)).containsExactly(1f, -1f); // -32768 clamps to -1
    assertThat(acc.floats(2)).containsExactly(32767f, -32768f);
    assertThat(acc.ints(3)).containsExactly(255, 0, 128);
  }

  @Test
  void matrixColumnsArePadded() {
    // MAT2 of bytes: each 2-byte column padded to 4 bytes
    byte[] bin = new byte[] {1, 2, 0, 0, 3, 4, 0, 0};
    GltfAsset a =
        asset(
            oneAccessor(
                "{'bufferView':0,'componentType':5120,'count':1,'type':'MAT2'}",
                "{'buffer':0,'byteLength':8}",
                8),
            bin);
    assertThat(Accessors.of(a).floats(0)).containsExactly(1, 2, 3, 4);
    assertThat(AccessorInfo.elementSize(5122, "MAT3")).isEqualTo(24);
  }

  @Test
  void sparseWithoutBufferView() {
    byte[] bin = concat(shorts(1, 3), floats(7, 8, 9, 10, 11, 12));
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'accessors':[{'componentType':5126,'count':4,'type':'VEC3',"
                + "'sparse':{'count':2,'indices':{'bufferView':0,'componentType':5123},'values':{'bufferView':1}}}],"
                + "'bufferViews':[{'buffer':0,'byteLength':4},{'buffer':0,'byteOffset':4,'byteLength':24}],"
                + "'buffers':[{'byteLength':28}]}",
            bin);
    assertThat(Accessors.of(a).floats(0)).containsExactly(0, 0, 0, 7, 8, 9, 0, 0, 0, 10, 11, 12);
  }

  @Test
  void sparseOverBufferView() {
    byte[] bin = concat(floats(1, 2, 3), shorts(2, 0), floats(9));
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'accessors':[{'bufferView':0,'componentType':5126,'count':3,'type':'SCALAR',"
                + "'sparse':{'count':1,'indices':{'bufferView':1,'componentType':5123},'values':{'bufferView':2}}}],"
                + "'bufferViews':[{'buffer':0,'byteLength':12},{'buffer':0,'byteOffset':12,'byteLength':2},"
                + "{'buffer':0,'byteOffset':16,'byteLength':4}],'buffers':[{'byteLength':20}]}",
            bin);
    assertThat(Accessors.of(a).floats(0)).containsExactly(1, 2, 9);
  }

  @Test
  void sparseErrors() {
    String base =
        "{'asset':{'version':'2.0'},'accessors':[{'componentType':5126,'count':4,'type':'SCALAR',"
            + "'sparse':{'count':COUNT,'indices':{'bufferView':0,'componentType':5123},'values':{'bufferView':1}}}],"
            + "'bufferViews':[{'buffer':0,'byteLength':4},{'buffer':0,'byteOffset':4,'byteLength':8}],"
            + "'buffers':[{'byteLength':12}]}";
    byte[] outOfRange = concat(shorts(1, 4), floats(1, 2));
    assertCode(
        () -> Accessors.of(asset(base.replace("COUNT", "2"), outOfRange)).floats(0),
        ErrorCode.DATA_ERROR);
    byte[] ok = concat(shorts(1, 2), floats(1, 2));
    assertCode(
        () -> Accessors.of(asset(base.replace("COUNT", "3"), ok)).floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () -> Accessors.of(asset(base.replace("COUNT", "9"), ok)).floats(0),
        ErrorCode.GLTF_INVALID);
  }

  @Test
  void noBufferViewIsZeros() {
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'accessors':[{'componentType':5126,'count':2,'type':'VEC2'}]}");
    assertThat(Accessors.of(a).floats(0)).containsExactly(0, 0, 0, 0);
  }

  @Test
  void rangeErrors() {
    byte[] bin = new byte[48];
    // bufferView beyond its buffer
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3'}",
                            "{'buffer':0,'byteOffset':40,'byteLength':36}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    // accessor offset beyond the view
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'byteOffset':2000000000,'componentType':5126,'count':1,'type':'SCALAR'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    // huge count on a small view
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':2147483647,'type':'SCALAR'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':1000000000000,'type':'MAT4'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.INPUT_LIMIT_EXCEEDED);
    // huge count without data
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        "{'asset':{'version':'2.0'},'accessors':[{'componentType':5126,'count':100000000,'type':'MAT4'}]}"))
                .floats(0),
        ErrorCode.INPUT_LIMIT_EXCEEDED);
    // stride smaller than the element
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':2,'type':'VEC3'}",
                            "{'buffer':0,'byteLength':48,'byteStride':8}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    // stride * (count - 1) + element beyond the view
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3'}",
                            "{'buffer':0,'byteLength':48,'byteStride':20}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    // invalid component type / type / missing view
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5124,'count':1,'type':'SCALAR'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':1,'type':'VEC5'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':7,'componentType':5126,'count':1,'type':'SCALAR'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':1,'type':'SCALAR'}",
                            "{'buffer':3,'byteLength':48}",
                            48),
                        bin))
                .floats(0),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            Accessors.of(
                    asset(
                        oneAccessor(
                            "{'bufferView':0,'componentType':5126,'count':1,'type':'SCALAR'}",
                            "{'buffer':0,'byteLength':48}",
                            48),
                        bin))
                .floats(3),
        ErrorCode.GLTF_INVALID);
  }

  @Test
  void indexValuesAreChecked() {
    GltfAsset a =
        asset(TRIANGLE_JSON, concat(floats(0, 0, 0, 1, 0, 0, 0, 1, 0), shorts(0, 1, 7, 0)));
    Accessors acc = Accessors.of(a);
    assertThat(acc.ints(1)).containsExactly(0, 1, 7);
    assertCode(() -> acc.indices(1, 3), ErrorCode.DATA_ERROR);
    assertCode(() -> acc.indices(0, 3), ErrorCode.GLTF_INVALID); // not an index accessor
    assertCode(() -> acc.ints(0), ErrorCode.GLTF_INVALID);
    assertThat(Accessors.of(asset(TRIANGLE_JSON, triangleBin())).indices(1, 3))
        .containsExactly(0, 1, 2);
  }

  @Test
  void dracoAccessorsAreNotReadAsZeros() {
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'extensionsUsed':['KHR_draco_mesh_compression'],"
                + "'meshes':[{'primitives':[{'attributes':{'POSITION':0},'extensions':{'KHR_draco_mesh_compression':"
                + "{'bufferView':0,'attributes':{'POSITION':0}}}}]}],"
                + "'accessors':[{'componentType':5126,'count':3,'type':'VEC3'}]}");
    assertThat(a.hasDraco()).isTrue();
    assertCode(() -> Accessors.of(a).floats(0), ErrorCode.DATA_ERROR);
  }
}
