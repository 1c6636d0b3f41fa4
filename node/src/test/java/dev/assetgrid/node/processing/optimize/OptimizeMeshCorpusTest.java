package dev.assetgrid.node.processing.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.stage.CompressOptions;
import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The default optimize recipe over every corpus glTF model. */
class OptimizeMeshCorpusTest {

  static List<Path> files() {
    return TestCorpus.gltfFiles();
  }

  static GltfAsset optimized(GltfAsset in, OptimizeMeshOptions options) {
    GltfAsset copy =
        new GltfAsset(
            in.json().deepCopy(), in.buffers(), in.images(), in.sourceBytes(), in.meshoptDecoder());
    OptimizeMesh.apply(copy, options, TestNatives.MESH_OPTIMIZER);
    return TestNatives.reader().readGlb(GlbWriter.write(copy), ResourceResolver.none());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void sameTrianglesWithoutSimplify(Path file) {
    GltfAsset in = TestNatives.reader().read(file);
    GltfAsset out = optimized(in, OptimizeMeshOptions.DEFAULTS);
    float[] before = Triangles.world(in, Map.of());
    float[] after = Triangles.world(out, skinDequantization(in, out));
    double tol = Math.max(Triangles.extent(before) * 2e-4, 1e-6);
    int missing = Triangles.unmatched(before, after, tol);
    int extra = Triangles.unmatched(after, before, tol);
    System.out.printf(
        "%-70s tris %d -> %d, missing %d, extra %d%n",
        file.getFileName(), before.length / 9, after.length / 9, missing, extra);
    assertThat(missing).as("input triangles absent from the output").isZero();
    assertThat(extra).as("output triangles absent from the input").isZero();
  }

  /** Per skin: D = inverse(IBM_in[0]) x IBM_out[0], the dequantization folded into the skin. */
  static Map<Integer, double[]> skinDequantization(GltfAsset in, GltfAsset out) {
    Map<Integer, double[]> m = new HashMap<>();
    JsonNode skins = out.json().path("skins");
    for (int s = 0; s < skins.size(); s++) {
      double[] a = firstIbm(in, in.json().path("skins").path(s));
      double[] b = firstIbm(out, skins.get(s));
      m.put(s, Triangles.mul(Triangles.inverseAffine(a), b));
    }
    return m;
  }

  private static double[] firstIbm(GltfAsset asset, JsonNode skin) {
    if (!skin.path("inverseBindMatrices").canConvertToInt()) {
      return Triangles.identity();
    }
    float[] f = Accessors.readFloats(asset, skin.path("inverseBindMatrices").asInt());
    double[] d = new double[16];
    for (int i = 0; i < 16; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void simplifyHalvesPlausibly(Path file) {
    GltfAsset in = TestNatives.reader().read(file);
    GltfAsset copy =
        new GltfAsset(
            in.json().deepCopy(), in.buffers(), in.images(), in.sourceBytes(), in.meshoptDecoder());
    OptimizeMeshReport r =
        OptimizeMesh.apply(
            copy,
            OptimizeMeshOptions.DEFAULTS.withSimplify(
                SimplifyOptions.DEFAULTS.withRatio(0.5f).withMaxError(0.05f)),
            TestNatives.MESH_OPTIMIZER);
    System.out.printf(
        "%-70s simplify 0.5: %d -> %d (error %.4f)%n",
        file.getFileName(), r.trianglesBefore(), r.trianglesAfter(), r.simplifyError());
    assertThat(r.trianglesAfter()).isLessThanOrEqualTo(r.trianglesBefore());
    if (r.trianglesBefore() >= 2000) {
      assertThat(r.trianglesAfter())
          .as("not below the target")
          .isGreaterThanOrEqualTo((long) (r.trianglesBefore() * 0.3));
      // either about half, or stopped by the error bound (many small separate parts, e.g. VC)
      if (r.trianglesAfter() > r.trianglesBefore() * 0.75) {
        assertThat(r.simplifyError())
            .as("stopped early only at the error bound")
            .isGreaterThan(0.05f * 0.8f);
      }
    }
    GltfAsset back = TestNatives.reader().readGlb(GlbWriter.write(copy), ResourceResolver.none());
    assertThat(MeshSet.read(back).triangles()).isEqualTo(r.trianglesAfter());
  }

  /**
   * Every output of the default recipe, and of simplify + LODs without compression, has zero
   * Khronos validator errors. The inputs are valid too except TextureTransformMultiTest, whose
   * clearcoat-normal-mapped primitives lack tangents (3x MESH_PRIMITIVE_NO_TANGENT_SPACE): the
   * {@link Tangents} stage repairs them.
   */
  @Test
  void outputsPassKhronosValidatorWithZeroErrors(@TempDir Path tmp) throws IOException {
    KhronosValidator validator = KhronosValidator.require();
    List<Path> inputs = files();
    List<Path> outputs = new ArrayList<>();
    List<Path> simplified = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      GltfAsset in = TestNatives.reader().read(inputs.get(i));
      Path out = tmp.resolve(i + ".glb");
      GltfAsset a =
          new GltfAsset(
              in.json().deepCopy(),
              in.buffers(),
              in.images(),
              in.sourceBytes(),
              in.meshoptDecoder());
      OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
      Files.write(out, GlbWriter.write(a));
      outputs.add(out);
      Path out2 = tmp.resolve(i + "-s.glb");
      GltfAsset b =
          new GltfAsset(
              in.json().deepCopy(),
              in.buffers(),
              in.images(),
              in.sourceBytes(),
              in.meshoptDecoder());
      OptimizeMesh.apply(
          b,
          OptimizeMeshOptions.DEFAULTS
              .withSimplify(SimplifyOptions.DEFAULTS.withRatio(0.5f))
              .withLods(LodOptions.DEFAULTS.withLevels(2))
              .withCompress(CompressOptions.NONE),
          TestNatives.MESH_OPTIMIZER);
      Files.write(out2, GlbWriter.write(b));
      simplified.add(out2);
    }
    List<KhronosValidator.Report> before = validator.validateAll(inputs);
    List<KhronosValidator.Report> after = validator.validateAll(outputs);
    List<KhronosValidator.Report> after2 = validator.validateAll(simplified);
    List<String> problems = new ArrayList<>();
    boolean sawTangentRepair = false;
    for (int i = 0; i < inputs.size(); i++) {
      Map<String, Integer> was = before.get(i).errorCodes();
      for (List<KhronosValidator.Report> reports : List.of(after, after2)) {
        KhronosValidator.Report r = reports.get(i);
        System.out.printf(
            "%-60s in errors %s -> out errors %s; warnings %s%n",
            inputs.get(i).getFileName(), was, r.errorCodes(), r.codes(1));
        for (Map.Entry<String, Integer> e : r.errorCodes().entrySet()) {
          problems.add(
              inputs.get(i).getFileName()
                  + " ("
                  + r.file().getFileName()
                  + "): "
                  + e.getKey()
                  + " x"
                  + e.getValue()
                  + " "
                  + r.messages().stream()
                      .filter(m -> m.code().equals(e.getKey()))
                      .limit(2)
                      .toList());
        }
        if (r.codes(1).containsKey("MESH_PRIMITIVE_GENERATED_TANGENT_SPACE")) {
          problems.add(
              inputs.get(i).getFileName()
                  + " ("
                  + r.file().getFileName()
                  + "): normal-mapped primitive without tangents");
        }
      }
      if (inputs.get(i).getFileName().toString().equals("TextureTransformMultiTest.glb")) {
        assertThat(was)
            .as("the input's pre-existing errors")
            .containsExactly(Map.entry("MESH_PRIMITIVE_NO_TANGENT_SPACE", 3));
        sawTangentRepair = true;
      }
    }
    assertThat(problems).isEmpty();
    assertThat(sawTangentRepair).as("TextureTransformMultiTest is in the corpus").isTrue();
  }
}
