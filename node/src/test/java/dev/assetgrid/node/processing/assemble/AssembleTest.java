package dev.assetgrid.node.processing.assemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.TextureRole;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AssembleTest {
  private static byte[] png;
  private static byte[] ktx2;

  @BeforeAll
  static void images() throws Exception {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, x * 16 << 16 | y * 16 << 8 | 0x40);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    png = out.toByteArray();
    ktx2 =
        TestNatives.compressTexture()
            .compress(png, TextureRole.COLOR, CompressTextureOptions.DEFAULTS)
            .ktx2();
  }

  /** Image 0 in bufferView 1 (after 12 bytes of "geometry" in view 0), used by textures 0 and 1. */
  private static GltfAsset model() {
    byte[] geometry = new byte[12];
    GltfAsset asset =
        TestAssets.asset(
            """
        {'asset':{'version':'2.0'},
         'buffers':[{'byteLength':%d}],
         'bufferViews':[{'buffer':0,'byteLength':12},{'buffer':0,'byteOffset':12,'byteLength':%d}],
         'images':[{'name':'wood','bufferView':1,'mimeType':'image/png'},{'uri':'unused.png'}],
         'samplers':[{}],
         'textures':[{'source':0,'sampler':0},{'source':0}],
         'materials':[{'pbrMetallicRoughness':{'baseColorTexture':{'index':0}},'emissiveTexture':{'index':1}}]}
        """
                .formatted(12 + png.length, png.length),
            TestAssets.concat(geometry, png));
    asset.images().put(1, new ImageData(png, "image/png"));
    return asset;
  }

  @Test
  void replaceMovesSourcesIntoTheExtensionAndDropsThePng() {
    GltfAsset base = model();
    String before = base.json().toString();
    Assemble.Assembled a = Assemble.assemble(base, Map.of(0, ktx2), AssembleOptions.DEFAULTS);
    assertThat(base.json().toString()).isEqualTo(before); // input untouched

    JsonNode json = a.asset().json();
    for (JsonNode t : json.path("textures")) {
      assertThat(t.has("source")).isFalse();
      assertThat(t.path("extensions").path("KHR_texture_basisu").path("source").asInt()).isZero();
    }
    assertThat(json.path("textures").get(0).path("sampler").asInt()).isZero();
    assertThat(json.path("extensionsUsed").toString()).contains("KHR_texture_basisu");
    assertThat(json.path("extensionsRequired").toString()).contains("KHR_texture_basisu");
    assertThat(json.path("images").get(0).path("mimeType").asText()).isEqualTo("image/ktx2");
    assertThat(json.path("images").get(0).path("name").asText()).isEqualTo("wood");
    assertThat(a.replacedImages()).containsExactly(0);
    assertThat(a.changes().get(0).textures()).containsExactly(0, 1);

    byte[] glb = GlbWriter.write(a.asset());
    GltfAsset back = TestNatives.reader().readGlb(glb, ResourceResolver.none());
    ImageData image = back.imageBytes(0);
    assertThat(image.bytes()).isEqualTo(ktx2);
    assertThat(image.mimeType()).isEqualTo("image/ktx2");
    // the replaced PNG is gone: BIN = 12 bytes of geometry + KTX2 + the unused uri image, aligned
    assertThat(back.buffer(0).remaining())
        .isBetween(12 + ktx2.length + png.length, 12 + ktx2.length + png.length + 8);
  }

  @Test
  void keepFallbackAddsAnImageAndLeavesTheCoreSource() {
    Assemble.Assembled a = Assemble.assemble(model(), Map.of(0, ktx2), new AssembleOptions(true));
    JsonNode json = a.asset().json();
    assertThat(json.path("images")).hasSize(3);
    assertThat(json.path("images").get(2).path("mimeType").asText()).isEqualTo("image/ktx2");
    for (JsonNode t : json.path("textures")) {
      assertThat(t.path("source").asInt()).isZero();
      assertThat(t.path("extensions").path("KHR_texture_basisu").path("source").asInt())
          .isEqualTo(2);
    }
    assertThat(json.path("extensionsUsed").toString()).contains("KHR_texture_basisu");
    assertThat(json.has("extensionsRequired")).isFalse();
    GltfAsset back =
        TestNatives.reader().readGlb(GlbWriter.write(a.asset()), ResourceResolver.none());
    assertThat(back.imageBytes(0).bytes()).isEqualTo(png);
    assertThat(back.imageBytes(2).bytes()).isEqualTo(ktx2);
  }

  @Test
  void unusedImagesAreSkippedAndBadInputsAreDataErrors() {
    GltfAsset base = model();
    Assemble.Assembled a = Assemble.assemble(base, Map.of(1, ktx2), AssembleOptions.DEFAULTS);
    assertThat(a.changes().get(0).action()).isEqualTo("skipped");
    assertThat(a.asset().json().has("extensionsUsed")).isFalse();

    for (Map<Integer, byte[]> bad : List.of(Map.of(5, ktx2), Map.of(0, png))) {
      assertThatThrownBy(() -> Assemble.assemble(model(), bad, AssembleOptions.DEFAULTS))
          .isInstanceOf(AssetGridException.class)
          .satisfies(
              e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.DATA_ERROR));
    }
  }

  @Test
  void noTexturesLeavesTheModelAsItIs() {
    GltfAsset base = model();
    Assemble.Assembled a = Assemble.assemble(base, Map.of(), AssembleOptions.DEFAULTS);
    assertThat(a.asset().json()).isEqualTo(base.json());
    assertThat(a.changes()).isEmpty();
  }
}
