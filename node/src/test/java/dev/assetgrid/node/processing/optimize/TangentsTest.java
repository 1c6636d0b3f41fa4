package dev.assetgrid.node.processing.optimize;

import static dev.assetgrid.node.processing.gltf.TestAssets.asset;
import static dev.assetgrid.node.processing.gltf.TestAssets.concat;
import static dev.assetgrid.node.processing.gltf.TestAssets.floats;
import static dev.assetgrid.node.processing.gltf.TestAssets.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.TangentsOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Tangents} on inline quads with exact expectations, and against authored corpus tangents.
 */
class TangentsTest {
  static final float[] Z = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};

  /** The usual glTF layout: image top-left (uv 0,0) at the quad's top-left corner (0,1). */
  static final float[] UV_ALIGNED = {0, 1, 1, 1, 1, 0, 0, 0};

  /** Mirrored in u: the image's left edge on the right of the quad. */
  static final float[] UV_MIRRORED = {1, 1, 0, 1, 0, 0, 1, 0};

  /**
   * The unit quad (0,0)-(1,1) in z = 0, indexed as two triangles, with TEXCOORD_0 = {@code uv0} and
   * TEXCOORD_1 = {@code uv1} (omitted when null), drawn with material 0 (none when {@code material}
   * is null) and, when {@code secondMaterial} is not null, by a second primitive on the same
   * accessors with material 1.
   */
  static GltfAsset quad(
      float[] normals, float[] uv0, float[] uv1, String material, String secondMaterial) {
    byte[] bin =
        concat(
            floats(0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0),
            floats(normals),
            floats(uv0),
            floats(uv1 == null ? uv0 : uv1),
            shorts(0, 1, 2, 0, 2, 3));
    String attrs =
        "{'POSITION':0,'NORMAL':1,'TEXCOORD_0':2" + (uv1 == null ? "" : ",'TEXCOORD_1':3") + "}";
    String prim =
        "{'attributes':" + attrs + ",'indices':4" + (material == null ? "" : ",'material':0") + "}";
    String prim2 =
        secondMaterial == null ? "" : ",{'attributes':" + attrs + ",'indices':4,'material':1}";
    String materials =
        material == null
            ? ""
            : ",'materials':["
                + material
                + (secondMaterial == null ? "" : "," + secondMaterial)
                + "]";
    return asset(
        "{'asset':{'version':'2.0'},'scene':0,'scenes':[{'nodes':[0]}],'nodes':[{'mesh':0}],"
            + "'meshes':[{'primitives':["
            + prim
            + prim2
            + "]}]"
            + materials
            + ","
            + "'accessors':[{'bufferView':0,'componentType':5126,'count':4,'type':'VEC3','min':[0,0,0],'max':[1,1,0]},"
            + "{'bufferView':0,'byteOffset':48,'componentType':5126,'count':4,'type':'VEC3'},"
            + "{'bufferView':0,'byteOffset':96,'componentType':5126,'count':4,'type':'VEC2'},"
            + "{'bufferView':0,'byteOffset':128,'componentType':5126,'count':4,'type':'VEC2'},"
            + "{'bufferView':1,'componentType':5123,'count':6,'type':'SCALAR'}],"
            + "'bufferViews':[{'buffer':0,'byteLength':160},{'buffer':0,'byteOffset':160,'byteLength':12}],"
            + "'buffers':[{'byteLength':172}]}",
        bin);
  }

  static final String NORMAL_MAPPED = "{'normalTexture':{'index':0}}";

  static float[] tangentsOf(MeshSet set, int part) {
    Stream t = set.parts().get(part).geometry().attributes().get("TANGENT");
    return t == null ? null : t.data();
  }

  @Test
  void uvAlignedQuadGetsTangentAlongPlusXWithPositiveHandedness() {
    MeshSet set = MeshSet.read(quad(Z, UV_ALIGNED, null, NORMAL_MAPPED, null));
    assertThat(Tangents.apply(set, TangentsOptions.DEFAULTS)).isEqualTo(1);
    assertThat(tangentsOf(set, 0)).containsExactly(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1);
    Stream t = set.parts().get(0).geometry().attributes().get("TANGENT");
    assertThat(t.type()).isEqualTo("VEC4");
    assertThat(t.sourceComponentType()).isEqualTo(AccessorInfo.FLOAT);
  }

  @Test
  void mirroredUvsGiveNegativeHandedness() {
    MeshSet set = MeshSet.read(quad(Z, UV_MIRRORED, null, NORMAL_MAPPED, null));
    Tangents.apply(set, TangentsOptions.DEFAULTS);
    assertThat(tangentsOf(set, 0))
        .containsExactly(-1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1);
  }

  @Test
  void rotatedUvsFollowTheTextureAxes() {
    // texture turned 90 degrees: u grows along +y, v grows along +x, so B = -dP/dv = -x
    float[] uv = {0, 0, 0, 1, 1, 1, 1, 0};
    MeshSet set = MeshSet.read(quad(Z, uv, null, NORMAL_MAPPED, null));
    Tangents.apply(set, TangentsOptions.DEFAULTS);
    // cross(N, T) = cross(z, y) = -x = B, so w = +1
    assertThat(tangentsOf(set, 0)).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
  }

  @Test
  void tiltedNormalsGetOrthogonalTangents() {
    float s = (float) Math.sqrt(0.5);
    float[] n = {s, 0, s, s, 0, s, s, 0, s, s, 0, s};
    MeshSet set = MeshSet.read(quad(n, UV_ALIGNED, null, NORMAL_MAPPED, null));
    Tangents.apply(set, TangentsOptions.DEFAULTS);
    float[] t = tangentsOf(set, 0);
    for (int v = 0; v < 4; v++) {
      assertThat(t[v * 4]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(t[v * 4 + 1]).isZero();
      assertThat(t[v * 4 + 2]).isCloseTo(-s, org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(t[v * 4 + 3]).isEqualTo(1f);
    }
    assertUnitOrthogonalFinite(t, n);
  }

  @Test
  void degenerateUvsAndNormalsGiveUnitOrthogonalFiniteTangents() {
    // every UV equal: no triangle has a UV direction
    MeshSet same =
        MeshSet.read(
            quad(
                Z,
                new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f},
                null,
                NORMAL_MAPPED,
                null));
    Tangents.apply(same, TangentsOptions.DEFAULTS);
    assertThat(tangentsOf(same, 0)).containsExactly(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1);

    // UVs collinear (zero UV area), a non-unit normal, a zero normal and a NaN normal
    float[] n = {0, 3, 4, 0, 0, 0, Float.NaN, 0, 1, 1, 1, 1};
    MeshSet bad =
        MeshSet.read(quad(n, new float[] {0, 0, 1, 1, 2, 2, 3, 3}, null, NORMAL_MAPPED, null));
    Tangents.apply(bad, TangentsOptions.DEFAULTS);
    float[] t = tangentsOf(bad, 0);
    assertThat(t).hasSize(16);
    assertUnitOrthogonalFinite(t, n);
    assertThat(new float[] {t[4], t[5], t[6], t[7]}).as("zero normal").containsExactly(1, 0, 0, 1);
    assertThat(new float[] {t[8], t[9], t[10], t[11]}).as("NaN normal").containsExactly(1, 0, 0, 1);

    // NaN UVs on one vertex: the other triangle still gives the direction
    float[] uv = UV_ALIGNED.clone();
    uv[2] = Float.NaN;
    MeshSet nan = MeshSet.read(quad(Z, uv, null, NORMAL_MAPPED, null));
    Tangents.apply(nan, TangentsOptions.DEFAULTS);
    float[] tn = tangentsOf(nan, 0);
    assertUnitOrthogonalFinite(tn, Z);
    assertThat(new float[] {tn[0], tn[1], tn[2], tn[3]}).containsExactly(1, 0, 0, 1);
  }

  @Test
  void zeroAreaTrianglesContributeNothing() {
    // a sliver: positions collinear, UVs fine
    float[] pos = {0, 0, 0, 1, 0, 0, 2, 0, 0};
    float[] nrm = {0, 0, 1, 0, 0, 1, 0, 0, 1};
    float[] uv = {0, 0, 0, 1, 1, 1};
    float[] t = Tangents.compute(pos, nrm, uv, new int[] {0, 1, 2}, 3);
    assertUnitOrthogonalFinite(t, nrm);
  }

  @Test
  void primitivesWithoutATangentSpaceNeedAreUntouched() {
    MeshSet none = MeshSet.read(quad(Z, UV_ALIGNED, null, null, null));
    MeshSet plain =
        MeshSet.read(
            quad(
                Z,
                UV_ALIGNED,
                null,
                "{'pbrMetallicRoughness':{'baseColorTexture':{'index':0}}}",
                null));
    MeshSet off = MeshSet.read(quad(Z, UV_ALIGNED, null, NORMAL_MAPPED, null));
    MeshSet missingUv =
        MeshSet.read(quad(Z, UV_ALIGNED, null, "{'normalTexture':{'index':0,'texCoord':1}}", null));
    assertThat(Tangents.apply(none, TangentsOptions.DEFAULTS)).isZero();
    assertThat(Tangents.apply(plain, TangentsOptions.DEFAULTS)).isZero();
    assertThat(Tangents.apply(off, TangentsOptions.OFF)).isZero();
    assertThat(Tangents.apply(missingUv, TangentsOptions.DEFAULTS)).isZero();
    for (MeshSet s : new MeshSet[] {none, plain, off, missingUv}) {
      assertThat(s.parts().get(0).geometry().attributes())
          .containsOnlyKeys("POSITION", "NORMAL", "TEXCOORD_0");
    }
    // and through the whole recipe: the written primitive has no TANGENT
    GltfAsset a =
        quad(
            Z, UV_ALIGNED, null, "{'pbrMetallicRoughness':{'baseColorTexture':{'index':0}}}", null);
    OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    assertThat(
            a.json()
                .path("meshes")
                .path(0)
                .path("primitives")
                .path(0)
                .path("attributes")
                .has("TANGENT"))
        .isFalse();
  }

  @Test
  void existingTangentsAreKeptUnlessOverwrite() {
    MeshSet set = MeshSet.read(quad(Z, UV_ALIGNED, null, NORMAL_MAPPED, null));
    Geometry g = set.parts().get(0).geometry();
    float[] authored = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    g.attributes.put(
        "TANGENT", new Stream("TANGENT", "VEC4", 4, AccessorInfo.FLOAT, false, authored.clone()));
    assertThat(Tangents.apply(set, TangentsOptions.DEFAULTS)).isZero();
    assertThat(tangentsOf(set, 0)).containsExactly(authored);
    assertThat(Tangents.apply(set, new TangentsOptions(true, true))).isEqualTo(1);
    assertThat(tangentsOf(set, 0)).containsExactly(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1);
  }

  @Test
  void clearcoatNormalTextureAndTextureTransformChooseTheUvSet() {
    String clearcoat =
        "{'extensions':{'KHR_materials_clearcoat':{'clearcoatNormalTexture':{'index':0,'texCoord':1}}}}";
    MeshSet cc = MeshSet.read(quad(Z, UV_ALIGNED, UV_MIRRORED, clearcoat, null));
    assertThat(Tangents.apply(cc, TangentsOptions.DEFAULTS)).isEqualTo(1);
    assertThat(tangentsOf(cc, 0)[3]).as("from TEXCOORD_1 (mirrored)").isEqualTo(-1f);

    String transformed =
        "{'normalTexture':{'index':0,'texCoord':0,'extensions':{'KHR_texture_transform':{'texCoord':1}}}}";
    MeshSet tt = MeshSet.read(quad(Z, UV_ALIGNED, UV_MIRRORED, transformed, null));
    Tangents.apply(tt, TangentsOptions.DEFAULTS);
    assertThat(tangentsOf(tt, 0)[3]).as("the transform's texCoord override wins").isEqualTo(-1f);

    assertThat(Tangents.uvSet(TestAssets.json("{'extensions':{'KHR_materials_anisotropy':{}}}")))
        .isZero();
    assertThat(Tangents.uvSet(TestAssets.json("{'emissiveTexture':{'index':0}}"))).isEqualTo(-1);
  }

  @Test
  void sharedGeometryReadingTwoUvSetsIsSplit() {
    MeshSet set =
        MeshSet.read(
            quad(
                Z,
                UV_ALIGNED,
                UV_MIRRORED,
                NORMAL_MAPPED,
                "{'normalTexture':{'index':0,'texCoord':1}}"));
    assertThat(set.geometries()).as("same accessors: one geometry when read").hasSize(1);
    assertThat(Tangents.apply(set, TangentsOptions.DEFAULTS)).isEqualTo(2);
    assertThat(set.geometries()).hasSize(2);
    assertThat(tangentsOf(set, 0)[3]).isEqualTo(1f);
    assertThat(tangentsOf(set, 1)[3]).isEqualTo(-1f);
  }

  @Test
  void recipeWritesQuantizedTangents() {
    GltfAsset a = quad(Z, UV_ALIGNED, null, NORMAL_MAPPED, null);
    OptimizeMeshReport r =
        OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    assertThat(r.tangentGeometries()).isEqualTo(1);
    assertThat(r.stageMillis()).containsKey("tangents");
    GltfAsset out = TestNatives.reader().readGlb(GlbWriter.write(a), ResourceResolver.none());
    JsonNode attrs =
        out.json().path("meshes").path(0).path("primitives").path(0).path("attributes");
    assertThat(attrs.has("TANGENT")).isTrue();
    JsonNode acc = out.json().path("accessors").path(attrs.path("TANGENT").asInt());
    assertThat(acc.path("componentType").asInt()).isEqualTo(AccessorInfo.BYTE);
    assertThat(acc.path("normalized").asBoolean()).isTrue();
    assertThat(Accessors.readFloats(out, attrs.path("TANGENT").asInt()))
        .containsExactly(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1);
  }

  @Test
  void optionsRoundTripThroughJson() {
    TangentsOptions o = new TangentsOptions(false, true);
    assertThat(TangentsOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(TangentsOptions.fromJson(null)).isEqualTo(TangentsOptions.DEFAULTS);
    assertThat(TangentsOptions.DEFAULTS.enabled()).isTrue();
    assertThat(TangentsOptions.DEFAULTS.overwrite()).isFalse();
    OptimizeMeshOptions m =
        OptimizeMeshOptions.fromJson(TestAssets.json("{'tangents':{'enabled':false}}"));
    assertThat(m.tangents()).isEqualTo(TangentsOptions.OFF);
    assertThat(OptimizeMeshOptions.fromJson(m.toJson())).isEqualTo(m);
    assertThatThrownBy(() -> TangentsOptions.fromJson(TestAssets.json("{'overwrite':'yes'}")))
        .isInstanceOf(AssetGridException.class)
        .hasMessageContaining("overwrite");
  }

  /**
   * Against tangents authored by the models' exporters (MikkTSpace, as far as we know): with
   * overwrite, our tangents must point the same way and agree on handedness, except on mirror seams
   * (vertices shared by triangles of both handedness), which we do not split (see {@link
   * Tangents}): AnisotropyBarnLamp has 412 of 6807 vertices on such seams.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "gltf-sample/SheenCloth/glTF/SheenCloth.gltf",
        "gltf-sample/SpecGlossVsMetalRough/glTF/SpecGlossVsMetalRough.gltf",
        "gltf-sample/AnisotropyBarnLamp/glTF-KTX2-Basisu/AnisotropyBarnLamp.gltf"
      })
  void agreesWithAuthoredTangentsOffMirrorSeams(String model) {
    Path file = TestCorpus.root().resolve(model);
    MeshSet set = MeshSet.read(TestNatives.reader().read(file));
    long vertices = 0;
    long seams = 0;
    long sameSign = 0;
    double cosSum = 0;
    for (MeshPart p : set.parts()) {
      Geometry g = p.geometry();
      if (g == null || !g.attributes().containsKey("TANGENT")) {
        continue;
      }
      int uvSet =
          Tangents.uvSet(
              set.asset().json().path("materials").path(p.json.path("material").asInt(-1)));
      if (uvSet < 0) {
        continue;
      }
      float[] authored = g.attributes().get("TANGENT").data().clone();
      boolean[] seam = mirrorSeams(g, uvSet);
      assertThat(Tangents.primitive(g, uvSet, true)).isTrue();
      float[] ours = g.attributes().get("TANGENT").data();
      assertUnitOrthogonalFinite(ours, g.attributes().get("NORMAL").data());
      for (int v = 0; v < g.vertexCount(); v++) {
        if (seam[v]) {
          seams++;
          continue;
        }
        double d = 0;
        double la = 0;
        for (int c = 0; c < 3; c++) {
          d += authored[v * 4 + c] * ours[v * 4 + c];
          la += authored[v * 4 + c] * authored[v * 4 + c];
        }
        vertices++;
        cosSum += d / Math.sqrt(Math.max(la, 1e-30));
        sameSign += Math.signum(authored[v * 4 + 3]) == ours[v * 4 + 3] ? 1 : 0;
      }
    }
    System.out.printf(
        "%-40s vertices %d (+%d on mirror seams), same handedness %.4f, mean cos %.4f%n",
        file.getFileName(), vertices, seams, sameSign / (double) vertices, cosSum / vertices);
    assertThat(vertices).isPositive();
    assertThat(sameSign / (double) vertices).as("same handedness").isGreaterThan(0.995);
    assertThat(cosSum / vertices).as("mean cosine to the authored tangent").isGreaterThan(0.98);
  }

  /**
   * Vertices used by triangles of both UV handedness (sign of dot(cross(face normal, dP/du),
   * -dP/dv)).
   */
  static boolean[] mirrorSeams(Geometry g, int uvSet) {
    float[] p = g.position().data();
    float[] uv = g.attributes().get("TEXCOORD_" + uvSet).data();
    int[] idx = g.indices();
    int[] seen = new int[g.vertexCount()]; // bit 1: a right-handed face, bit 2: a left-handed one
    for (int f = 0; f < idx.length; f += 3) {
      int a = idx[f];
      int b = idx[f + 1];
      int c = idx[f + 2];
      double[] e1 = new double[3];
      double[] e2 = new double[3];
      for (int k = 0; k < 3; k++) {
        e1[k] = p[b * 3 + k] - p[a * 3 + k];
        e2[k] = p[c * 3 + k] - p[a * 3 + k];
      }
      double du1 = uv[b * 2] - uv[a * 2];
      double dv1 = uv[b * 2 + 1] - uv[a * 2 + 1];
      double du2 = uv[c * 2] - uv[a * 2];
      double dv2 = uv[c * 2 + 1] - uv[a * 2 + 1];
      double[] t = new double[3];
      double[] bt = new double[3];
      for (int k = 0; k < 3; k++) {
        t[k] = e1[k] * dv2 - e2[k] * dv1;
        bt[k] = e1[k] * du2 - e2[k] * du1;
      }
      double[] n = {
        e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]
      };
      double[] nt = {
        n[1] * t[2] - n[2] * t[1], n[2] * t[0] - n[0] * t[2], n[0] * t[1] - n[1] * t[0]
      };
      double h = nt[0] * bt[0] + nt[1] * bt[1] + nt[2] * bt[2];
      int bit = h > 0 ? 1 : h < 0 ? 2 : 0;
      seen[a] |= bit;
      seen[b] |= bit;
      seen[c] |= bit;
    }
    boolean[] out = new boolean[seen.length];
    for (int v = 0; v < seen.length; v++) {
      out[v] = seen[v] == 3;
    }
    return out;
  }

  static void assertUnitOrthogonalFinite(float[] t, float[] normals) {
    for (int v = 0; v < t.length / 4; v++) {
      double x = t[v * 4];
      double y = t[v * 4 + 1];
      double z = t[v * 4 + 2];
      assertThat(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z))
          .as("finite at %d", v)
          .isTrue();
      assertThat(Math.sqrt(x * x + y * y + z * z))
          .as("unit at %d", v)
          .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(Math.abs(t[v * 4 + 3])).as("w at %d", v).isEqualTo(1f);
      double nx = normals[v * 3];
      double ny = normals[v * 3 + 1];
      double nz = normals[v * 3 + 2];
      double nl = Math.sqrt(nx * nx + ny * ny + nz * nz);
      if (nl > 1e-6 && Double.isFinite(nl)) {
        assertThat(Math.abs((x * nx + y * ny + z * nz) / nl))
            .as("orthogonal at %d", v)
            .isLessThan(1e-6);
      }
    }
  }
}
