package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.node.processing.texture.Ktx2Info;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OutputNames;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compress-texture and assemble handlers over a tiny GLB, as the worker shell runs them. */
class TextureHandlersTest {
  @TempDir Path dir;

  private static byte[] png() throws Exception {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        img.setRGB(x, y, x * 8 << 16 | y * 8 << 8 | 0x80);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** A GLB with image 0 ('bricks', used as base colour) holding {@code image}. */
  private Path glb(byte[] image, String mime) throws Exception {
    GltfAsset asset =
        TestAssets.asset(
            """
        {'asset':{'version':'2.0'},'buffers':[{'byteLength':%d}],
         'bufferViews':[{'buffer':0,'byteLength':%d}],
         'images':[{'name':'bricks','bufferView':0,'mimeType':'%s'}],
         'textures':[{'source':0}],
         'materials':[{'pbrMetallicRoughness':{'baseColorTexture':{'index':0}}}]}
        """
                .formatted(image.length, image.length, mime),
            image);
    Path p = dir.resolve("converted-" + System.nanoTime() + ".glb");
    GlbWriter.write(asset, p);
    return p;
  }

  private TaskWork work(String params, Map<String, Path> inputs) throws Exception {
    Path workDir = Files.createTempDirectory(dir, "work");
    ObjectNode p = TestAssets.json(params);
    return new TaskWork(
        "t1",
        1,
        PlannedInputs.withPlannedInput(p, inputs),
        inputs,
        dir,
        workDir,
        x -> {},
        () -> false);
  }

  @Test
  void compressesOneImageWithTheRoleOfItsSlot() throws Exception {
    Path model = glb(png(), "image/png");
    TaskResult r =
        new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
            .run(work("{'image':0}", Map.of(OutputNames.CONVERTED_GLB, model)));
    assertThat(r.outputs()).hasSize(1);
    TaskResult.Output out = r.outputs().get(0);
    assertThat(out.name()).isEqualTo("texture-0.ktx2");
    assertThat(out.contentType()).isEqualTo("image/ktx2");
    Ktx2Info info = Ktx2Info.parse(Files.readAllBytes(out.file()));
    assertThat(info.codec()).isEqualTo("etc1s");
    assertThat(info.transferFunction()).isEqualTo(Ktx2Info.TRANSFER_SRGB);
    ObjectNode j = r.result();
    assertThat(j.path("image").asInt()).isZero();
    assertThat(j.path("name").asText()).isEqualTo("bricks");
    assertThat(j.path("role").asText()).isEqualTo("color");
    assertThat(j.path("mode").asText()).isEqualTo("etc1s");
    assertThat(j.path("levels").asInt()).isEqualTo(6);
    assertThat(j.path("widthOut").asInt()).isEqualTo(32);
    assertThat(j.path("psnr").asDouble()).isGreaterThan(25); // steep 32x32 gradient: ~28.7 dB
    assertThat(j.has("ms")).isTrue();

    TaskResult n =
        new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
            .run(
                work(
                    "{'image':0,'role':'normal','mipmaps':false}",
                    Map.of(OutputNames.ORIGINAL, model)));
    assertThat(n.result().path("mode").asText()).isEqualTo("uastc");
    assertThat(n.result().path("levels").asInt()).isEqualTo(1);
  }

  @Test
  void failuresNameTheImage() throws Exception {
    byte[] corrupt = png();
    for (int i = 50; i < corrupt.length - 16; i++) {
      corrupt[i] ^= 0x5a;
    }
    Path model = glb(corrupt, "image/png");
    assertThatThrownBy(
            () ->
                new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
                    .run(work("{'image':0}", Map.of(OutputNames.ORIGINAL, model))))
        .isInstanceOf(AssetGridException.class)
        .hasMessageStartingWith("image 0 'bricks': ")
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.DATA_ERROR));
    assertThatThrownBy(
            () ->
                new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
                    .run(work("{'image':3}", Map.of(OutputNames.ORIGINAL, model))))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.DATA_ERROR));
    assertThatThrownBy(
            () ->
                new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
                    .run(work("{}", Map.of(OutputNames.ORIGINAL, model))))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void onErrorKeepSkipsACorruptImageAndTheDefaultFailsNamingIt() throws Exception {
    byte[] corrupt = png();
    for (int i = 50; i < corrupt.length - 16; i++) {
      corrupt[i] ^= 0x5a;
    }
    Path model = glb(corrupt, "image/png");
    TaskResult r =
        new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
            .run(work("{'image':0,'onError':'keep'}", Map.of(OutputNames.CONVERTED_GLB, model)));
    assertThat(r.outputs()).isEmpty();
    assertThat(r.result().path("mode").asText()).isEqualTo("skipped");
    assertThat(r.result().path("code").asText()).isEqualTo("DATA_ERROR");
    assertThat(r.result().path("reason").asText()).isNotBlank();
    assertThat(r.result().path("name").asText()).isEqualTo("bricks");

    assertThatThrownBy(
            () ->
                new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
                    .run(
                        work(
                            "{'image':0,'onError':'fail'}",
                            Map.of(OutputNames.CONVERTED_GLB, model))))
        .isInstanceOf(AssetGridException.class)
        .hasMessageStartingWith("image 0 'bricks': ");
    assertThatThrownBy(
            () ->
                new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
                    .run(
                        work(
                            "{'image':0,'onError':'ignore'}",
                            Map.of(OutputNames.CONVERTED_GLB, model))))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));

    // assemble with no KTX2 for the skipped image keeps the original bytes
    TaskResult a =
        new AssembleHandler(TestNatives.reader())
            .run(work("{}", Map.of(OutputNames.CONVERTED_GLB, model)));
    GltfAsset out = TestNatives.reader().read(a.outputs().get(0).file());
    assertThat(out.imageBytes(0).bytes()).isEqualTo(corrupt);
  }

  @Test
  void unsupportedFormatsAreSkippedWithoutOutput() throws Exception {
    byte[] webp = {
      'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 0, 0, 0, 0
    };
    Path model = glb(webp, "image/webp");
    TaskResult r =
        new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
            .run(work("{'image':0}", Map.of(OutputNames.ORIGINAL, model)));
    assertThat(r.outputs()).isEmpty();
    assertThat(r.result().path("mode").asText()).isEqualTo("skipped");
    assertThat(r.result().path("reason").asText()).contains("image/webp");
    assertThat(r.result().path("code").asText()).isEqualTo("UNSUPPORTED_FORMAT");
  }

  @Test
  void assembleReplacesTexturesOrWritesTheBaseAlone() throws Exception {
    Path model = glb(png(), "image/png");
    TaskResult t =
        new CompressTextureHandler(TestNatives.reader(), TestNatives.compressTexture())
            .run(work("{'image':0}", Map.of(OutputNames.CONVERTED_GLB, model)));
    Map<String, Path> inputs = new HashMap<>();
    inputs.put(OutputNames.ORIGINAL, dir.resolve("missing.glb"));
    inputs.put(OutputNames.CONVERTED_GLB, model);
    inputs.put(OutputNames.texture(0), t.outputs().get(0).file());
    TaskResult r = new AssembleHandler(TestNatives.reader()).run(work("{}", inputs));
    assertThat(r.outputs())
        .singleElement()
        .satisfies(o -> assertThat(o.name()).isEqualTo(OutputNames.OPTIMIZED_GLB));
    assertThat(r.result().path("base").asText()).isEqualTo(OutputNames.CONVERTED_GLB);
    assertThat(r.result().path("replacedImages").toString()).isEqualTo("[0]");
    assertThat(r.result().path("bytesBefore").asLong()).isEqualTo(Files.size(model));
    assertThat(r.result().path("bytesAfter").asLong())
        .isEqualTo(Files.size(r.outputs().get(0).file()));
    GltfAsset out = TestNatives.reader().read(r.outputs().get(0).file());
    assertThat(out.json().path("extensionsRequired").toString()).contains("KHR_texture_basisu");
    assertThat(out.imageBytes(0).mimeType()).isEqualTo("image/ktx2");

    TaskResult plain =
        new AssembleHandler(TestNatives.reader())
            .run(work("{}", Map.of(OutputNames.ORIGINAL, model)));
    assertThat(plain.result().path("textures").asInt()).isZero();
    GltfAsset same = TestNatives.reader().read(plain.outputs().get(0).file());
    assertThat(same.imageBytes(0).mimeType()).isEqualTo("image/png");
  }
}
