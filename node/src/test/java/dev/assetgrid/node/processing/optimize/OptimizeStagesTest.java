package dev.assetgrid.node.processing.optimize;

import static dev.assetgrid.node.processing.gltf.TestAssets.asset;
import static dev.assetgrid.node.processing.gltf.TestAssets.concat;
import static dev.assetgrid.node.processing.gltf.TestAssets.floats;
import static dev.assetgrid.node.processing.gltf.TestAssets.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.stage.CompressOptions;
import dev.assetgrid.shared.stage.DedupOptions;
import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.OverdrawOptions;
import dev.assetgrid.shared.stage.QuantizeOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import dev.assetgrid.shared.stage.VertexCacheOptions;
import dev.assetgrid.shared.stage.VertexFetchOptions;
import dev.assetgrid.shared.stage.WeldOptions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tiny inline meshes with exact expectations per stage. */
class OptimizeStagesTest {

  /** Two triangles of a unit quad, not indexed: 6 vertices, 2 of them duplicated. */
  static GltfAsset quad(String extraPrim) {
    byte[] pos = floats(0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0);
    return asset(
        "{'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0,'name':'n'}],"
            + "'meshes':[{'primitives':[{'attributes':{'POSITION':0}"
            + extraPrim
            + ",'extras':{'keep':1}}]}],"
            + "'accessors':[{'bufferView':0,'componentType':5126,'count':6,'type':'VEC3','min':[0,0,0],'max':[1,1,0]}],"
            + "'bufferViews':[{'buffer':0,'byteLength':72}],'buffers':[{'byteLength':72}],'extras':{'x':'y'},"
            + "'extensionsUsed':['VENDOR_unknown'],'extensions':{'VENDOR_unknown':{'a':1}}}",
        pos);
  }

  static GltfAsset roundTrip(GltfAsset a) {
    return TestNatives.reader().readGlb(GlbWriter.write(a), ResourceResolver.none());
  }

  @Test
  void weldMergesEqualVerticesAndKeepsTriangles() {
    MeshSet set = MeshSet.read(quad(""));
    Geometry g = set.parts().get(0).geometry();
    assertThat(g.vertexCount()).isEqualTo(6);
    assertThat(g.indices()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(Weld.apply(set, WeldOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER)).isEqualTo(2);
    assertThat(g.vertexCount()).isEqualTo(4);
    assertThat(g.indices()).containsExactly(0, 1, 2, 0, 2, 3);
    assertThat(g.position().data()).containsExactly(0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0);
  }

  @Test
  void weldKeepsVerticesWhoseMorphTargetsDiffer() {
    // target moves vertex 3 but not vertex 0: they must stay apart even though the bases are equal
    byte[] pos = floats(0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0);
    byte[] delta = floats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'meshes':[{'primitives':[{'attributes':{'POSITION':0},'targets':[{'POSITION':1}]}]}],"
                + "'accessors':[{'bufferView':0,'componentType':5126,'count':6,'type':'VEC3'},"
                + "{'bufferView':0,'byteOffset':72,'componentType':5126,'count':6,'type':'VEC3'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':144}],'buffers':[{'byteLength':144}]}",
            concat(pos, delta));
    MeshSet set = MeshSet.read(a);
    Weld.apply(set, WeldOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    Geometry g = set.parts().get(0).geometry();
    assertThat(g.vertexCount()).isEqualTo(5);
    float[] d = g.targets().get(0).get("POSITION").data();
    int[] idx = g.indices();
    assertThat(d[idx[3] * 3 + 2]).as("moved vertex keeps its delta").isEqualTo(1f);
    assertThat(d[idx[0] * 3 + 2]).isEqualTo(0f);
  }

  @Test
  void dedupSharesEqualGeometryAcrossPrimitives() {
    byte[] pos = floats(0, 0, 0, 1, 0, 0, 0, 1, 0);
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'meshes':[{'primitives':[{'attributes':{'POSITION':0}},"
                + "{'attributes':{'POSITION':1}},{'attributes':{'POSITION':0}}]}],"
                + "'accessors':[{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3'},"
                + "{'bufferView':0,'byteOffset':36,'componentType':5126,'count':3,'type':'VEC3'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':72}],'buffers':[{'byteLength':72}]}",
            concat(pos, pos));
    MeshSet set = MeshSet.read(a);
    assertThat(set.geometries()).as("same accessors share when read").hasSize(2);
    assertThat(Dedup.apply(set, DedupOptions.DEFAULTS)).isEqualTo(1);
    assertThat(set.geometries()).hasSize(1);
    MeshWriter.write(set, CompressOptions.NONE, DedupOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    JsonNode prims = a.json().path("meshes").path(0).path("primitives");
    assertThat(prims.get(1).path("attributes")).isEqualTo(prims.get(0).path("attributes"));
    assertThat(a.json().path("accessors").size())
        .as("one POSITION + one index accessor")
        .isEqualTo(2);
  }

  @Test
  void vertexFetchOrdersByFirstUseAndDropsUnused() {
    byte[] pos = floats(9, 9, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0);
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'meshes':[{'primitives':[{'attributes':{'POSITION':0},'indices':1}]}],"
                + "'accessors':[{'bufferView':0,'componentType':5126,'count':4,'type':'VEC3'},"
                + "{'bufferView':1,'componentType':5123,'count':3,'type':'SCALAR'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':48},{'buffer':0,'byteOffset':48,'byteLength':6}],'buffers':[{'byteLength':54}]}",
            concat(pos, shorts(3, 1, 2)));
    MeshSet set = MeshSet.read(a);
    VertexFetch.apply(set, VertexFetchOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    Geometry g = set.parts().get(0).geometry();
    assertThat(g.indices()).containsExactly(0, 1, 2);
    assertThat(g.position().data()).containsExactly(0, 1, 0, 0, 0, 0, 1, 0, 0);
  }

  @Test
  void vertexCacheAndOverdrawKeepTheTriangleSet() {
    GltfAsset a = grid(20);
    MeshSet set = MeshSet.read(a);
    Geometry g = set.parts().get(0).geometry();
    int[] before = canonical(g.indices());
    VertexCache.apply(set, VertexCacheOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    Overdraw.apply(set, OverdrawOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    assertThat(canonical(g.indices())).isEqualTo(before);
  }

  @Test
  void simplifyReducesAFlatGridAndNeverGrows() {
    GltfAsset a = grid(20);
    MeshSet set = MeshSet.read(a);
    int before = set.parts().get(0).geometry().triangleCount();
    assertThat(before).isEqualTo(800);
    float err =
        Simplify.apply(
            set, new SimplifyOptions(0.25f, 0.01f, false, 0f), TestNatives.MESH_OPTIMIZER);
    int after = set.parts().get(0).geometry().triangleCount();
    assertThat(after).isLessThanOrEqualTo(200).isPositive();
    assertThat(err).isLessThanOrEqualTo(0.01f);
    // with the border locked a flat grid keeps its 80 border vertices, so more triangles survive
    MeshSet locked = MeshSet.read(grid(20));
    Simplify.apply(locked, new SimplifyOptions(0.25f, 0.01f, true, 0f), TestNatives.MESH_OPTIMIZER);
    assertThat(locked.parts().get(0).geometry().triangleCount()).isGreaterThan(after);
  }

  @Test
  void lodsBecomeMeshesLinkedWithMsftLod() {
    GltfAsset a = grid(20);
    OptimizeMesh.apply(
        a,
        OptimizeMeshOptions.DEFAULTS.withLods(LodOptions.DEFAULTS.withLevels(2)),
        TestNatives.MESH_OPTIMIZER);
    GltfAsset out = roundTrip(a);
    assertThat(out.count("meshes")).isEqualTo(3);
    JsonNode lodNode = null;
    for (JsonNode n : out.json().path("nodes")) {
      if (n.path("extensions").has("MSFT_lod")) {
        lodNode = n;
      }
    }
    assertThat(lodNode).isNotNull();
    assertThat(lodNode.path("extensions").path("MSFT_lod").path("ids")).hasSize(2);
    assertThat(lodNode.path("extras").path("MSFT_screencoverage")).hasSize(3);
    long t1 = triangles(out, 1);
    long t2 = triangles(out, 2);
    assertThat(t1).isLessThan(800).isGreaterThan(t2);
    assertThat(out.usesExtension("MSFT_lod")).isTrue();
  }

  @Test
  void quantizeAndCompressRoundTripWithinHalfAStep() {
    GltfAsset in = grid(10);
    float[] src = Accessors.readFloats(in, 0);
    GltfAsset a = grid(10);
    OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    GltfAsset out = roundTrip(a);
    assertThat(out.json().path("extensionsRequired").toString())
        .contains("KHR_mesh_quantization")
        .contains("EXT_meshopt_compression");
    JsonNode node0 = out.json().path("nodes").path(0);
    assertThat(node0.has("mesh")).as("mesh moved to a dequantization child").isFalse();
    JsonNode child = out.json().path("nodes").path(node0.path("children").path(0).asInt());
    double step = child.path("scale").path(0).asDouble();
    assertThat(step).isCloseTo(10.0 / 16383, org.assertj.core.data.Offset.offset(1e-7));
    int posAcc =
        out.json()
            .path("meshes")
            .path(0)
            .path("primitives")
            .path(0)
            .path("attributes")
            .path("POSITION")
            .asInt();
    assertThat(out.json().path("accessors").path(posAcc).path("componentType").asInt())
        .isEqualTo(5123);
    JsonNode view =
        out.json()
            .path("bufferViews")
            .path(out.json().path("accessors").path(posAcc).path("bufferView").asInt());
    assertThat(view.path("extensions").path("EXT_meshopt_compression").path("mode").asText())
        .isEqualTo("ATTRIBUTES");
    float[] q = Accessors.readFloats(out, posAcc);
    float[] deq = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      deq[i] = (float) (child.path("translation").path(i % 3).asDouble() + q[i] * step);
    }
    // vertex order changed: compare the sets of points
    assertThat(sortedPoints(deq, step)).isEqualTo(sortedPoints(src, step));
    assertThat(out.json().path("extras").path("x").asText()).as("root extras kept").isEqualTo("y");
    assertThat(out.json().path("extensions").has("VENDOR_unknown")).isTrue();
  }

  @Test
  void noQuantizeNoCompressKeepsFloatsExactly() {
    GltfAsset a = quad("");
    OptimizeMesh.apply(
        a,
        OptimizeMeshOptions.DEFAULTS
            .withQuantize(QuantizeOptions.DEFAULTS.withEnabled(false))
            .withCompress(CompressOptions.NONE),
        TestNatives.MESH_OPTIMIZER);
    GltfAsset out = roundTrip(a);
    assertThat(out.usesExtension("KHR_mesh_quantization")).isFalse();
    assertThat(out.usesExtension("EXT_meshopt_compression")).isFalse();
    assertThat(out.json().path("nodes").path(0).path("mesh").asInt()).isZero();
    JsonNode prim = out.json().path("meshes").path(0).path("primitives").path(0);
    assertThat(prim.path("extras").path("keep").asInt()).isEqualTo(1);
    float[] p = Accessors.readFloats(out, prim.path("attributes").path("POSITION").asInt());
    assertThat(p).hasSize(12);
    assertThat(
            out.json()
                .path("accessors")
                .path(prim.path("attributes").path("POSITION").asInt())
                .path("max")
                .toString())
        .isEqualTo("[1.0,1.0,0.0]");
  }

  @Test
  void pointsAndLinesAreKeptNotTriangulated() {
    byte[] pos = floats(0, 0, 0, 1, 0, 0, 1, 1, 0);
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'nodes':[{'mesh':0}],'meshes':[{'primitives':[{'attributes':{'POSITION':0},'mode':0},"
                + "{'attributes':{'POSITION':0},'mode':3}]}],"
                + "'accessors':[{'bufferView':0,'componentType':5126,'count':3,'type':'VEC3'}],"
                + "'bufferViews':[{'buffer':0,'byteLength':36}],'buffers':[{'byteLength':36}]}",
            pos);
    OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    GltfAsset out = roundTrip(a);
    JsonNode prims = out.json().path("meshes").path(0).path("primitives");
    assertThat(prims.get(0).path("mode").asInt()).isZero();
    assertThat(prims.get(0).has("indices")).isFalse();
    assertThat(prims.get(1).path("mode").asInt()).as("line strip becomes a line list").isEqualTo(1);
    assertThat(Accessors.of(out).indices(prims.get(1).path("indices").asInt(), 3)).hasSize(4);
  }

  @Test
  void dracoPrimitivesArePassedThroughUntouched() {
    GltfAsset a =
        asset(
            "{'asset':{'version':'2.0'},'extensionsUsed':['KHR_draco_mesh_compression'],"
                + "'extensionsRequired':['KHR_draco_mesh_compression'],'nodes':[{'mesh':0}],"
                + "'meshes':[{'primitives':[{'attributes':{'POSITION':0},'extensions':{'KHR_draco_mesh_compression':{'bufferView':0,'attributes':{'POSITION':0}}}}]}],"
                + "'accessors':[{'componentType':5126,'count':3,'type':'VEC3','min':[0,0,0],'max':[1,1,0]}],"
                + "'bufferViews':[{'buffer':0,'byteLength':8}],'buffers':[{'byteLength':8}]}",
            new byte[8]);
    OptimizeMeshReport r =
        OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    assertThat(r.skipped()).hasSize(1).first().asString().contains("Draco");
    JsonNode prim = a.json().path("meshes").path(0).path("primitives").path(0);
    assertThat(
            prim.path("extensions").path("KHR_draco_mesh_compression").path("bufferView").asInt())
        .isZero();
    assertThat(a.json().path("nodes").path(0).path("mesh").asInt())
        .as("float mesh keeps its node")
        .isZero();
  }

  @Test
  void optionsRoundTripThroughJsonAndRejectBadValues() {
    OptimizeMeshOptions o =
        OptimizeMeshOptions.DEFAULTS
            .withSimplify(SimplifyOptions.DEFAULTS.withRatio(0.3f))
            .withLods(LodOptions.DEFAULTS.withLevels(3))
            .withCompress(CompressOptions.NONE);
    assertThat(OptimizeMeshOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(OptimizeMeshOptions.fromJson(null)).isEqualTo(OptimizeMeshOptions.DEFAULTS);
    assertThatThrownBy(
            () ->
                OptimizeMeshOptions.fromJson(
                    dev.assetgrid.node.processing.gltf.TestAssets.json("{'simplify':{'ratio':2}}")))
        .isInstanceOf(AssetGridException.class)
        .hasMessageContaining("ratio");
    assertThatThrownBy(
            () ->
                OptimizeMeshOptions.fromJson(
                    dev.assetgrid.node.processing.gltf.TestAssets.json(
                        "{'compress':{'mode':'zip'}}")))
        .isInstanceOf(AssetGridException.class);
  }

  @Test
  void skinWeightsSumExactly() {
    long[] q = {128, 64, 64, 0};
    MeshWriter.fixWeights(q, 255);
    assertThat(q[0] + q[1] + q[2] + q[3]).isEqualTo(255);
    assertThat(q[0]).isEqualTo(127);
  }

  // ------------------------------------------------------------------ helpers

  /** An n x n grid of quads on [0, 10]^2 (z = 0), indexed, drawn by node 0. */
  static GltfAsset grid(int n) {
    int verts = (n + 1) * (n + 1);
    float[] p = new float[verts * 3];
    for (int y = 0; y <= n; y++) {
      for (int x = 0; x <= n; x++) {
        int v = y * (n + 1) + x;
        p[v * 3] = x * 10f / n;
        p[v * 3 + 1] = y * 10f / n;
      }
    }
    int[] idx = new int[n * n * 6];
    int k = 0;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        int v = y * (n + 1) + x;
        int[] q = {v, v + 1, v + n + 2, v, v + n + 2, v + n + 1};
        for (int i : q) {
          idx[k++] = i;
        }
      }
    }
    byte[] pos = floats(p);
    byte[] ind = shorts(idx);
    int padded = (ind.length + 3) & ~3;
    return asset(
        "{'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0}],"
            + "'meshes':[{'primitives':[{'attributes':{'POSITION':0},'indices':1}]}],"
            + "'accessors':[{'bufferView':0,'componentType':5126,'count':"
            + verts
            + ",'type':'VEC3','min':[0,0,0],'max':[10,10,0]},"
            + "{'bufferView':1,'componentType':5123,'count':"
            + idx.length
            + ",'type':'SCALAR'}],"
            + "'bufferViews':[{'buffer':0,'byteLength':"
            + pos.length
            + "},{'buffer':0,'byteOffset':"
            + pos.length
            + ",'byteLength':"
            + ind.length
            + "}],'buffers':[{'byteLength':"
            + (pos.length + padded)
            + "}],'extras':{'x':'y'},"
            + "'extensionsUsed':['VENDOR_unknown'],'extensions':{'VENDOR_unknown':{'a':1}}}",
        concat(pos, new byte[0], Arrays.copyOf(ind, padded)));
  }

  private static long triangles(GltfAsset a, int mesh) {
    JsonNode prim = a.json().path("meshes").path(mesh).path("primitives").path(0);
    return a.json().path("accessors").path(prim.path("indices").asInt()).path("count").asLong() / 3;
  }

  /** Triangles as sorted canonical (rotation-normalized) triples. */
  private static int[] canonical(int[] idx) {
    long[] t = new long[idx.length / 3];
    for (int i = 0; i < t.length; i++) {
      int a = idx[i * 3];
      int b = idx[i * 3 + 1];
      int c = idx[i * 3 + 2];
      while (a > b || a > c) {
        int x = a;
        a = b;
        b = c;
        c = x;
      }
      t[i] = ((long) a << 42) | ((long) b << 21) | c;
    }
    Arrays.sort(t);
    return Arrays.stream(t).mapToInt(Long::hashCode).toArray();
  }

  private static java.util.List<String> sortedPoints(float[] p, double step) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < p.length; i += 3) {
      out.add(
          Math.round(p[i] / step)
              + ","
              + Math.round(p[i + 1] / step)
              + ","
              + Math.round(p[i + 2] / step));
    }
    java.util.Collections.sort(out);
    return out;
  }
}
