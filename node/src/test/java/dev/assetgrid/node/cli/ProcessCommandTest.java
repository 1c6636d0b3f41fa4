package dev.assetgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.NodeMain;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.node.processing.inspect.Inspect;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code process} with the grid's whole recipe (convert → optimize-mesh → textures → assemble →
 * thumbnail), run in-process on corpus files; every output GLB goes through the Khronos validator.
 */
class ProcessCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new NodeMain());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static void assertKhronosValid(Path glb) {
    KhronosValidator.Report v = KhronosValidator.require().validate(glb);
    assertThat(v.errorCodes()).as("Khronos errors in " + glb).isEmpty();
    assertThat(v.numErrors()).isZero();
  }

  @Test
  void objWithItsTextureBesideItIsConvertedAndKeepsItsTriangles() throws Exception {
    Path in = TestCorpus.root().resolve("obj/spot/spot.obj");
    Path glb = tmp.resolve("spot.glb");
    Path report = tmp.resolve("r.json");
    assertThat(run("process", in.toString(), glb.toString(), "--report", report.toString()))
        .as(err.toString())
        .isZero();

    assertKhronosValid(glb);
    GltfAsset asset = TestNatives.reader().read(glb);
    assertThat(Inspect.apply(asset).triangles()).isEqualTo(5856);
    assertThat(asset.count("images"))
        .as("spot_texture.png, the only image beside the OBJ")
        .isEqualTo(1);
    JsonNode r = GltfReader.JSON.readTree(report.toFile());
    assertThat(r.path("triangles").path("after").asLong()).isEqualTo(5856);
    assertThat(r.path("convert").path("warnings").toString()).contains("spot_texture.png");
    assertThat(fieldNames(r.path("pipelineMillis")))
        .containsExactly("convert", "inspect", "optimize-mesh", "total");
    assertThat(r.has("textures")).as("--textures keep").isFalse();
  }

  @Test
  void binaryStlIsConvertedAndKeepsItsTriangles() throws Exception {
    Path in = TestCorpus.root().resolve("stl/Spider_binary.stl");
    Path glb = tmp.resolve("out/spider.glb");
    assertThat(run("process", in.toString(), glb.toString())).as(err.toString()).isZero();
    assertKhronosValid(glb);
    assertThat(Inspect.apply(TestNatives.reader().read(glb)).triangles()).isEqualTo(1368);
    assertThat(out.toString()).contains("1368 -> 1368 triangles");
  }

  @Test
  void ktx2TexturesAndAThumbnail() throws Exception {
    Path in =
        TestCorpus.root()
            .resolve(
                "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb");
    Path glb = tmp.resolve("box.glb");
    Path png = tmp.resolve("t.png");
    Path report = tmp.resolve("r.json");
    assertThat(
            run(
                "process",
                in.toString(),
                glb.toString(),
                "--textures",
                "ktx2",
                "--thumbnail",
                png.toString(),
                "--thumbnail-size",
                "96",
                "--report",
                report.toString()))
        .as(err.toString())
        .isZero();

    KhronosValidator.Report v = KhronosValidator.require().validate(glb);
    assertThat(v.errorCodes()).isEmpty();
    assertThat(v.numErrors()).isZero();
    GltfAsset asset = TestNatives.reader().read(glb);
    assertThat(asset.json().path("extensionsUsed").toString()).contains("KHR_texture_basisu");
    assertThat(asset.json().path("extensionsRequired").toString()).contains("KHR_texture_basisu");
    assertThat(asset.imageBytes(0).mimeType()).isEqualTo("image/ktx2");
    assertThat(Inspect.apply(asset).triangles()).isEqualTo(12);

    BufferedImage thumb = ImageIO.read(png.toFile());
    assertThat(thumb.getWidth()).isEqualTo(96);
    assertThat(thumb.getHeight()).isEqualTo(96);
    assertThat(opaquePixels(thumb))
        .as("the box covers part of the frame")
        .isGreaterThan(96 * 96 / 10);
    int colored = 0;
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        int p = thumb.getRGB(x, y);
        int red = (p >> 16) & 0xff;
        int green = (p >> 8) & 0xff;
        int blue = p & 0xff;
        if ((p >>> 24) > 0 && (Math.abs(red - green) > 24 || Math.abs(green - blue) > 24)) {
          colored++;
        }
      }
    }
    assertThat(colored)
        .as("rendered with its original texture, not the plain material color")
        .isGreaterThan(96 * 96 / 50);

    JsonNode r = GltfReader.JSON.readTree(report.toFile());
    // the tasks a grid job over this model runs, in an order the plan allows
    assertThat(fieldNames(r.path("pipelineMillis")))
        .containsExactly(
            "inspect", "optimize-mesh", "compress-texture-0", "assemble", "thumbnail", "total");
    assertThat(r.path("textures")).hasSize(1);
    assertThat(r.path("textures").get(0).path("mode").asText()).isEqualTo("etc1s");
    assertThat(r.path("textures").get(0).path("role").asText()).isEqualTo("color");
    assertThat(r.path("assemble").path("images").get(0).path("action").asText())
        .isEqualTo("replaced");
    assertThat(r.path("thumbnail").path("width").asInt()).isEqualTo(96);
    assertThat(out.toString()).contains("image 0").contains("etc1s").contains("thumbnail: " + png);
  }

  @Test
  void aCorruptImageFailsNamingItOrIsKeptWithTextureErrorsKeep() throws Exception {
    byte[] corrupt = png();
    for (int i = 50; i < corrupt.length - 16; i++) {
      corrupt[i] ^= 0x5a;
    }
    GltfAsset model =
        TestAssets.asset(
            """
        {'asset':{'version':'2.0'},'buffers':[{'byteLength':%d}],
         'bufferViews':[{'buffer':0,'byteLength':%d}],
         'images':[{'name':'bricks','bufferView':0,'mimeType':'image/png'}],
         'textures':[{'source':0}],
         'materials':[{'pbrMetallicRoughness':{'baseColorTexture':{'index':0}}}]}
        """
                .formatted(corrupt.length, corrupt.length),
            corrupt);
    Path in = tmp.resolve("corrupt.glb");
    GlbWriter.write(model, in);

    assertThat(run("process", in.toString(), tmp.resolve("a.glb").toString(), "--textures", "ktx2"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("DATA_ERROR").contains("image 0 'bricks'");

    Path kept = tmp.resolve("b.glb");
    Path report = tmp.resolve("r.json");
    assertThat(
            run(
                "process",
                in.toString(),
                kept.toString(),
                "--textures",
                "ktx2",
                "--texture-errors",
                "keep",
                "--report",
                report.toString()))
        .as(err.toString())
        .isZero();
    JsonNode r = GltfReader.JSON.readTree(report.toFile());
    assertThat(r.path("textures").get(0).path("mode").asText()).isEqualTo("skipped");
    assertThat(r.path("textures").get(0).path("code").asText()).isEqualTo("DATA_ERROR");
    GltfAsset out = TestNatives.reader().read(kept);
    assertThat(out.imageBytes(0).bytes()).isEqualTo(corrupt);
    assertThat(out.json().has("extensionsUsed")).isFalse();
  }

  @Test
  void helpExplainsTheNewFlagsAndMisusedFlagsAreRejected() throws Exception {
    assertThat(run("process", "--help")).isZero();
    for (String flag :
        List.of(
            "--textures",
            "--texture-mode",
            "--texture-quality",
            "--texture-max-size",
            "--texture-errors",
            "--texture-fallback",
            "--thumbnail",
            "--thumbnail-size",
            "--default-texture",
            "convert",
            "Assimp")) {
      assertThat(out.toString()).contains(flag);
    }
    Path in =
        TestCorpus.root()
            .resolve(
                "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb");
    String o = tmp.resolve("x.glb").toString();
    assertThat(run("process", in.toString(), o, "--textures", "png")).isEqualTo(2);
    assertThat(run("process", in.toString(), o, "--texture-quality", "200"))
        .as("needs --textures ktx2")
        .isEqualTo(2);
    assertThat(run("process", in.toString(), o, "--textures", "ktx2", "--texture-quality", "0"))
        .isEqualTo(2);
    assertThat(run("process", in.toString(), o, "--textures", "ktx2", "--texture-errors", "ignore"))
        .isEqualTo(2);
    assertThat(run("process", in.toString(), o, "--thumbnail-size", "64"))
        .as("needs --thumbnail")
        .isEqualTo(2);
    assertThat(
            run(
                "process",
                in.toString(),
                o,
                "--thumbnail",
                tmp.resolve("t.png").toString(),
                "--thumbnail-size",
                "8"))
        .isEqualTo(2);
    assertThat(Files.exists(tmp.resolve("x.glb"))).as("bad flags write nothing").isFalse();
  }

  private static List<String> fieldNames(JsonNode o) {
    List<String> names = new java.util.ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static int opaquePixels(BufferedImage img) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        n += (img.getRGB(x, y) >>> 24) > 0 ? 1 : 0;
      }
    }
    return n;
  }

  private static byte[] png() throws Exception {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        img.setRGB(x, y, x * 8 << 16 | y * 8 << 8 | 0x80);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    return bytes.toByteArray();
  }
}
