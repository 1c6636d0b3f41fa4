package dev.assetgrid.node.processing.inspect;

import static dev.assetgrid.node.processing.gltf.TestAssets.asset;
import static dev.assetgrid.node.processing.gltf.TestAssets.concat;
import static dev.assetgrid.node.processing.gltf.TestAssets.floats;
import static dev.assetgrid.node.processing.gltf.TestAssets.shorts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.stage.InspectOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InspectTest {

  /**
   * 4 positions; primitives: TRIANGLES indexed (6), STRIP (4 verts), FAN (4 verts), POINTS, LINES.
   */
  static GltfAsset modes() {
    byte[] bin = concat(floats(0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0), shorts(0, 1, 2, 0, 2, 3));
    return asset(
        "{'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[0,1]}],"
            + "'nodes':[{'mesh':0,'translation':[10,0,0]},{'children':[2],'scale':[2,2,2]},{'mesh':0,'translation':[0,0,-1]}],"
            + "'meshes':[{'primitives':["
            + "{'attributes':{'POSITION':0},'indices':1},"
            + "{'attributes':{'POSITION':0},'mode':5},"
            + "{'attributes':{'POSITION':0},'mode':6},"
            + "{'attributes':{'POSITION':0},'mode':0},"
            + "{'attributes':{'POSITION':0},'mode':1,'targets':[{'POSITION':0},{'POSITION':0}]}]}],"
            + "'accessors':[{'bufferView':0,'componentType':5126,'count':4,'type':'VEC3','min':[0,0,0],'max':[1,1,0]},"
            + "{'bufferView':1,'componentType':5123,'count':6,'type':'SCALAR'}],"
            + "'bufferViews':[{'buffer':0,'byteLength':48},{'buffer':0,'byteOffset':48,'byteLength':12}],"
            + "'buffers':[{'byteLength':60}],'extensionsUsed':['EXT_x'],'extras':{'keep':1}}",
        bin);
  }

  @Test
  void countsPrimitiveModes() {
    InspectReport r = Inspect.apply(modes());
    assertThat(r.triangles()).isEqualTo(2 + 2 + 2);
    assertThat(r.vertices()).isEqualTo(4); // one unique POSITION accessor
    assertThat(r.renderedTriangles()).isEqualTo(12); // two nodes use the mesh
    assertThat(r.drawCalls()).isEqualTo(10);
    assertThat(r.primitives()).isEqualTo(5);
    assertThat(r.meshes()).isEqualTo(1);
    assertThat(r.nodes()).isEqualTo(3);
    assertThat(r.morphTargets()).isEqualTo(2);
    assertThat(r.extensionsUsed()).containsExactly("EXT_x");
    assertThat(r.draco()).isFalse();
    assertThat(r.estimatedGpuBytes()).isEqualTo(48 + 12);
  }

  @Test
  void boundingBoxIsInWorldSpace() {
    InspectReport r = Inspect.apply(modes());
    // node 0: [10..11, 0..1, 0..0]; node 2 under scale 2: translation (0,0,-1) scaled -> [0..2,
    // 0..2, -2]
    assertThat(r.boundingBox().min()).containsExactly(0, 0, -2);
    assertThat(r.boundingBox().max()).containsExactly(11, 2, 0);
    assertThat(r.toJson().path("boundingBox").path("max").toString()).isEqualTo("[11.0,2.0,0.0]");
  }

  @Test
  void boundsFromDataWhenMinMaxMissingAndInstancing() {
    byte[] bin = concat(floats(-1, 0, 0, 3, 0, 0, 0, 5, 0), floats(0, 0, 0, 100, 0, 0));
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'extensionsUsed':['EXT_mesh_gpu_instancing'],"
                + "'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0,'extensions':{'EXT_mesh_gpu_instancing':{'attributes':{'TRANSLATION':1}}}}],"
                + "'meshes':[{'primitives':[{'attributes':{'POSITION':0}}]}],"
                + "'accessors':[{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3'},"
                + "{'bufferView':1,'componentType':5126,'count':2,'type':'VEC3'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':36},{'buffer':0,'byteOffset':36,'byteLength':24}],'buffers':[{'byteLength':60}]}",
            bin);
    InspectReport r = Inspect.apply(a);
    assertThat(r.triangles()).isEqualTo(1);
    assertThat(r.renderedTriangles()).isEqualTo(2);
    assertThat(r.drawCalls()).isEqualTo(1);
    assertThat(r.boundingBox().min()).containsExactly(-1, 0, 0);
    assertThat(r.boundingBox().max()).containsExactly(103, 5, 0);
    assertThat(Inspect.apply(a, new InspectOptions(true, false, 10)).boundingBox()).isNull();
  }

  @Test
  void dracoCountsComeFromDeclarations() {
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'extensionsUsed':['KHR_draco_mesh_compression'],"
                + "'extensionsRequired':['KHR_draco_mesh_compression'],'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0}],"
                + "'meshes':[{'primitives':[{'attributes':{'POSITION':0},'indices':1,'extensions':{'KHR_draco_mesh_compression':"
                + "{'bufferView':0,'attributes':{'POSITION':0}}}}]}],"
                + "'accessors':[{'componentType':5126,'count':100,'type':'VEC3','min':[0,0,0],'max':[1,2,3]},"
                + "{'componentType':5125,'count':300,'type':'SCALAR'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':4}],'buffers':[{'byteLength':4}]}",
            new byte[4]);
    InspectReport r = Inspect.apply(a);
    assertThat(r.draco()).isTrue();
    assertThat(r.triangles()).isEqualTo(100);
    assertThat(r.vertices()).isEqualTo(100);
    assertThat(r.boundingBox().max()).containsExactly(1, 2, 3);
    assertThat(r.estimatedGpuBytes()).isEqualTo(100 * 12 + 300 * 4);
    assertThat(r.extensionsRequired()).containsExactly("KHR_draco_mesh_compression");
  }

  @Test
  void texturesReportHeaderSizes() {
    byte[] png = new byte[33];
    ByteBuffer.wrap(png)
        .put(
            new byte[] {
              (byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'
            })
        .putInt(256)
        .putInt(128);
    GltfAsset a =
        new GltfAsset(
            TestAssets.json(
                "{'asset':{'version':'2.0'},'images':[{'uri':'a.png'}],"
                    + "'textures':[{'source':0},{'source':0},{'extensions':{'KHR_texture_basisu':{'source':0}}}]}"),
            List.of(),
            Map.of(0, new ImageData(png, "image/png")),
            33);
    InspectReport r = Inspect.apply(a);
    assertThat(r.textures())
        .containsExactly(
            new InspectReport.TextureInfo(0, 0, "image/png", 256, 128),
            new InspectReport.TextureInfo(1, 0, "image/png", 256, 128),
            new InspectReport.TextureInfo(2, 0, "image/png", 256, 128));
    assertThat(r.images()).isEqualTo(1);
    assertThat(r.estimatedGpuBytes()).isEqualTo(256L * 128 * 4 * 4 / 3); // the image counts once
    assertThat(r.sizeBytes()).isEqualTo(33);
    assertThat(r.boundingBox()).isNull();
    assertThat(Inspect.apply(a, new InspectOptions(true, true, 1)).textures()).hasSize(1);
    assertThat(r.toJson().path("textures").get(0).path("width").asInt()).isEqualTo(256);
  }

  @Test
  void optionsJsonRoundTrip() {
    InspectOptions o = new InspectOptions(false, true, 7);
    assertThat(InspectOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(InspectOptions.fromJson(null)).isEqualTo(InspectOptions.DEFAULTS);
  }
}
