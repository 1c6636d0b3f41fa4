package dev.assetgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.NodeMain;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The process and validate subcommands, run in-process through NodeMain on corpus files. */
class CliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new NodeMain());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void processWritesAGlbAndAReport(@TempDir Path tmp) throws Exception {
    Path in = TestCorpus.root().resolve("gltf-sample/Duck/glTF-Embedded/Duck.gltf");
    Path glb = tmp.resolve("sub/duck.glb");
    Path report = tmp.resolve("r.json");
    assertThat(run("process", in.toString(), glb.toString(), "--report", report.toString()))
        .isZero();
    assertThat(GltfReader.isGlb(Files.readAllBytes(glb))).isTrue();
    JsonNode r = GltfReader.JSON.readTree(report.toFile());
    assertThat(r.path("triangles").path("before").asLong()).isEqualTo(4212);
    assertThat(r.path("triangles").path("after").asLong()).isEqualTo(4212);
    assertThat(r.path("size").path("after").asLong())
        .isEqualTo(Files.size(glb))
        .isLessThan(r.path("size").path("before").asLong());
    assertThat(r.path("stageMillis").has("weld")).isTrue();
    assertThat(out.toString()).contains("4212 -> 4212 triangles");
  }

  @Test
  void processSimplifiesWithoutCompressionOrQuantization(@TempDir Path tmp) throws Exception {
    Path in = TestCorpus.root().resolve("gltf-sample/SheenCloth/glTF/SheenCloth.gltf");
    Path glb = tmp.resolve("s.glb");
    Path report = tmp.resolve("r.json");
    assertThat(
            run(
                "process",
                in.toString(),
                glb.toString(),
                "--simplify",
                "0.5",
                "--simplify-error",
                "0.05",
                "--compress",
                "none",
                "--no-quantize",
                "--lods",
                "1",
                "--report",
                report.toString()))
        .isZero();
    JsonNode r = GltfReader.JSON.readTree(report.toFile());
    assertThat(r.path("triangles").path("after").asLong()).isLessThan(115200 * 3 / 4);
    assertThat(r.path("lodMeshes").asInt()).isPositive();
    String json = GltfReader.JSON.writeValueAsString(TestNatives.reader().read(glb).json());
    assertThat(json)
        .doesNotContain("EXT_meshopt_compression")
        .doesNotContain("KHR_mesh_quantization")
        .contains("MSFT_lod");
  }

  @Test
  void processRejectsBadFlagsAndReportsBadInput(@TempDir Path tmp) throws Exception {
    Path in = TestCorpus.root().resolve("gltf-sample/Duck/glTF-Embedded/Duck.gltf");
    assertThat(run("process", in.toString(), tmp.resolve("x.glb").toString(), "--compress", "zip"))
        .isEqualTo(2);
    assertThat(run("process", in.toString(), tmp.resolve("x.glb").toString(), "--simplify", "3"))
        .isEqualTo(2);
    Path junk = tmp.resolve("junk.glb");
    Files.write(junk, new byte[] {'g', 'l', 'T', 'F', 2, 0, 0, 0});
    assertThat(run("process", junk.toString(), tmp.resolve("y.glb").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("GLB_");
  }

  @Test
  void processGeneratesTangentsUnlessNoTangents(@TempDir Path tmp) throws Exception {
    Path in =
        TestCorpus.root()
            .resolve(
                "gltf-sample/TextureTransformMultiTest/glTF-Binary/TextureTransformMultiTest.glb");
    Path with = tmp.resolve("with.glb");
    Path without = tmp.resolve("without.glb");
    Path report = tmp.resolve("r.json");
    assertThat(run("process", in.toString(), with.toString(), "--report", report.toString()))
        .isZero();
    assertThat(run("process", in.toString(), without.toString(), "--no-tangents")).isZero();
    // 6 normal-mapped primitives (3 normalTexture, 3 clearcoatNormalTexture) on 3 distinct
    // geometries after dedup
    assertThat(GltfReader.JSON.readTree(report.toFile()).path("tangentGeometries").asInt())
        .isEqualTo(3);
    assertThat(tangentPrimitives(with)).isEqualTo(6);
    assertThat(tangentPrimitives(without)).isZero();
  }

  /**
   * Normal-mapped primitives that have a TANGENT (plain primitives sharing their geometry get one
   * too).
   */
  private static int tangentPrimitives(Path glb) {
    JsonNode json = TestNatives.reader().read(glb).json();
    int n = 0;
    for (JsonNode mesh : json.path("meshes")) {
      for (JsonNode prim : mesh.path("primitives")) {
        JsonNode material = json.path("materials").path(prim.path("material").asInt(-1));
        boolean normalMapped =
            material.has("normalTexture")
                || material
                    .path("extensions")
                    .path("KHR_materials_clearcoat")
                    .has("clearcoatNormalTexture");
        n += normalMapped && prim.path("attributes").has("TANGENT") ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void validateSingleFilePrintsKhronosShapedReport() throws Exception {
    Path in = TestCorpus.root().resolve("gltf-sample/Duck/glTF-Embedded/Duck.gltf");
    assertThat(run("validate", in.toString())).isZero();
    JsonNode r = GltfReader.JSON.readTree(out.toString());
    assertThat(r.path("issues").path("numErrors").asInt()).isZero();
    assertThat(r.path("issues").has("messages")).isTrue();
  }

  @Test
  void validateFolderMirrorsTheTreeAndFailsOnErrors(@TempDir Path tmp) throws Exception {
    Path folder = TestCorpus.root().resolve("validator-tests/base/data/buffer");
    Path reports = tmp.resolve("reports");
    int code = run("validate", folder.toString(), "--out", reports.toString(), "--quiet");
    assertThat(code).as("the folder holds invalid cases").isEqualTo(1);
    try (var s = Files.list(folder)) {
      long models =
          s.filter(p -> p.toString().endsWith(".gltf") || p.toString().endsWith(".glb")).count();
      try (var r = Files.list(reports)) {
        assertThat(r.filter(p -> p.toString().endsWith(".report.json")).count()).isEqualTo(models);
      }
    }
    JsonNode one = GltfReader.JSON.readTree(reports.resolve("data_uri.glb.report.json").toFile());
    assertThat(one.path("issues").has("numErrors")).isTrue();
    Path sample = TestCorpus.root().resolve("gltf-sample/Duck");
    assertThat(run("validate", sample.toString(), "--out", tmp.resolve("duck").toString()))
        .isZero();
    assertThat(tmp.resolve("duck/glTF-Embedded/Duck.gltf.report.json")).exists();
    assertThat(tmp.resolve("duck/glTF-Quantized/Duck.gltf.report.json")).exists();
  }

  @Test
  void helpExplainsEveryFlag() {
    assertThat(run("process", "--help")).isZero();
    for (String flag :
        new String[] {
          "--simplify",
          "--simplify-error",
          "--compress",
          "--[no-]quantize",
          "--lods",
          "--report",
          "--lock-border",
          "--position-bits",
          "--texcoord-bits",
          "--[no-]tangents"
        }) {
      assertThat(out.toString()).contains(flag);
    }
    out.getBuffer().setLength(0);
    assertThat(run("validate", "--help")).isZero();
    assertThat(out.toString()).contains("--out").contains("--max-issues").contains("Exit code");
    out.getBuffer().setLength(0);
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("process").contains("validate").contains("--join");
  }
}
