package dev.assetgrid.node.processing.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.LibKtxEncoder;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.texture.CompressedTexture;
import dev.assetgrid.node.processing.texture.Ktx2Info;
import dev.assetgrid.node.processing.texture.TextureRoles;
import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.TextureRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sample models through compress-texture and assemble: every KTX2 reloads and transcodes, and
 * the GLB passes the Khronos glTF-Validator with no error its input did not have.
 */
class AssembleCorpusTest {
  private static final List<String> MODELS =
      List.of(
          "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb",
          "gltf-sample/VertexColorTest/glTF-Binary/VertexColorTest.glb",
          "gltf-sample/TextureSettingsTest/glTF-Binary/TextureSettingsTest.glb",
          "gltf-sample/CesiumMan/glTF-Binary/CesiumMan.glb");
  private static final String KTX2_MODEL =
      "gltf-sample/AnisotropyBarnLamp/glTF-KTX2-Basisu/AnisotropyBarnLamp.gltf";

  /** Lowest PSNR seen on these textures at default settings is ~33 dB (ETC1S); margin kept. */
  private static final double MIN_PSNR = 28;

  private final LibKtxEncoder encoder = new LibKtxEncoder();

  @Test
  void compressedSampleModelsPassTheKhronosValidator(@TempDir Path dir) throws Exception {
    Path corpus = TestCorpus.root();
    KhronosValidator validator = KhronosValidator.require();
    List<Path> files = new ArrayList<>();
    for (String model : MODELS) {
      Path in = corpus.resolve(model);
      GltfAsset asset = TestNatives.reader().read(in);
      Map<Integer, TextureRole> roles = TextureRoles.of(asset);
      assertThat(roles).as(model).isNotEmpty();
      Map<Integer, byte[]> ktx2 = new TreeMap<>();
      for (Map.Entry<Integer, TextureRole> e : roles.entrySet()) {
        CompressedTexture c =
            TestNatives.compressTexture()
                .compress(
                    asset.imageBytes(e.getKey()).bytes(),
                    e.getValue(),
                    CompressTextureOptions.DEFAULTS);
        System.out.println(model + " image " + e.getKey() + " " + c.toJson());
        Ktx2Info info = Ktx2Info.parse(c.ktx2());
        assertThat(info.basisUniversal2d()).isTrue();
        assertThat(info.width() % 4).isZero();
        assertThat(info.height() % 4).isZero();
        assertThat(info.transferFunction())
            .isEqualTo(e.getValue().srgb() ? Ktx2Info.TRANSFER_SRGB : Ktx2Info.TRANSFER_LINEAR);
        ImageDecoder.Pixels back = encoder.transcodeRgba(c.ktx2(), 1 << 24);
        assertThat(new long[] {back.width(), back.height()})
            .containsExactly(c.widthOut(), c.heightOut());
        assertThat(c.psnr()).as(model + " image " + e.getKey()).isGreaterThan(MIN_PSNR);
        ktx2.put(e.getKey(), c.ktx2());
      }
      Assemble.Assembled a = Assemble.assemble(asset, ktx2, AssembleOptions.DEFAULTS);
      assertThat(a.replacedImages()).containsExactlyElementsOf(roles.keySet());
      Path out = dir.resolve(in.getFileName().toString().replace(".glb", ".ktx2.glb"));
      byte[] glb = GlbWriter.write(a.asset());
      Files.write(out, glb);
      System.out.println(model + ": " + Files.size(in) + " -> " + glb.length + " bytes");

      GltfAsset back = TestNatives.reader().read(out);
      for (JsonNode t : back.json().path("textures")) {
        int source = t.path("extensions").path(Assemble.EXTENSION).path("source").asInt(-1);
        assertThat(back.imageBytes(source).mimeType()).isEqualTo("image/ktx2");
      }
      files.add(in);
      files.add(out);
    }
    List<KhronosValidator.Report> reports = validator.validateAll(files);
    for (int i = 0; i < reports.size(); i += 2) {
      KhronosValidator.Report before = reports.get(i);
      KhronosValidator.Report after = reports.get(i + 1);
      System.out.println(
          after.file().getFileName()
              + ": errors "
              + after.errorCodes()
              + ", warnings "
              + after.codes(1));
      assertThat(before.errorCodes().keySet())
          .as(after.file().toString())
          .containsAll(after.errorCodes().keySet());
    }
  }

  @Test
  void ktx2InputPassesThroughUnchanged(@TempDir Path dir) throws Exception {
    Path in = TestCorpus.root().resolve(KTX2_MODEL);
    KhronosValidator validator = KhronosValidator.require();
    GltfAsset asset = TestNatives.reader().read(in);
    Map<Integer, byte[]> ktx2 = new TreeMap<>();
    for (Map.Entry<Integer, TextureRole> e : TextureRoles.of(asset).entrySet()) {
      byte[] original = asset.imageBytes(e.getKey()).bytes();
      CompressedTexture c =
          TestNatives.compressTexture()
              .compress(original, e.getValue(), CompressTextureOptions.DEFAULTS);
      assertThat(c.mode()).isEqualTo("passthrough");
      assertThat(c.ktx2()).isSameAs(original);
      Ktx2Info info = Ktx2Info.parse(original);
      assertThat(info.basisUniversal2d()).isTrue();
      assertThat(new long[] {c.widthOut(), c.heightOut(), c.levels()})
          .containsExactly(info.width(), info.height(), info.levels());
      ktx2.put(e.getKey(), c.ktx2());
    }
    assertThat(ktx2).hasSize(4);
    Assemble.Assembled a = Assemble.assemble(asset, ktx2, AssembleOptions.DEFAULTS);
    assertThat(a.changes()).allSatisfy(c -> assertThat(c.action()).isEqualTo("unchanged"));
    Path out = dir.resolve("AnisotropyBarnLamp.glb");
    GlbWriter.write(a.asset(), out);
    List<KhronosValidator.Report> reports = validator.validateAll(List.of(in, out));
    assertThat(reports.get(0).errorCodes().keySet())
        .containsAll(reports.get(1).errorCodes().keySet());
  }
}
