package dev.assetgrid.node.processing.texture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.shared.stage.TextureRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResamplerTest {

  @Test
  void srgbBoxFilterAveragesInLinearLight() {
    // black and white columns: the linear mean is 0.5, which is sRGB code 188, not 128
    byte[] src = {0, 0, 0, -1, -1, -1, -1, -1, 0, 0, 0, -1, -1, -1, -1, -1};
    byte[] color = Resampler.resize(src, 2, 2, 1, 1, TextureRole.COLOR, false);
    assertThat(color[0] & 0xff).isEqualTo(188);
    assertThat(color[3] & 0xff).isEqualTo(255);
    byte[] data = Resampler.resize(src, 2, 2, 1, 1, TextureRole.DATA, false);
    assertThat(data[0] & 0xff).isEqualTo(128);
  }

  @Test
  void srgbRoundTripIsExactForEveryCode() {
    for (int i = 0; i < 256; i++) {
      assertThat(Resampler.linearToSrgb8((float) Resampler.srgbToLinear(i / 255.0))).isEqualTo(i);
    }
  }

  @Test
  void alphaWeightingKeepsTransparentColourOut() {
    // opaque red beside fully transparent green: the average colour stays red, alpha halves
    byte[] src = {-1, 0, 0, -1, 0, -1, 0, 0};
    byte[] out = Resampler.resize(src, 2, 1, 1, 1, TextureRole.COLOR, true);
    assertThat(new int[] {out[0] & 0xff, out[1] & 0xff, out[2] & 0xff, out[3] & 0xff})
        .containsExactly(255, 0, 0, 128);
    byte[] plain = Resampler.resize(src, 2, 1, 1, 1, TextureRole.COLOR, false);
    assertThat(plain[1] & 0xff).isEqualTo(188);
  }

  @Test
  void normalsAreRenormalised() {
    // +X and +Y unit normals average to a unit vector along (1,1,0)/sqrt2, not to length 0.707
    byte[] src = {-1, (byte) 128, (byte) 128, -1, (byte) 128, -1, (byte) 128, -1};
    byte[] out = Resampler.resize(src, 2, 1, 1, 1, TextureRole.NORMAL, false);
    double x = (out[0] & 0xff) / 255.0 * 2 - 1;
    double y = (out[1] & 0xff) / 255.0 * 2 - 1;
    double z = (out[2] & 0xff) / 255.0 * 2 - 1;
    assertThat(Math.sqrt(x * x + y * y + z * z)).isBetween(0.98, 1.02);
    assertThat(x).isBetween(0.69, 0.73);
  }

  @Test
  void oddSizesUseEveryTexelAndChainsEndAtOneByOne() {
    byte[] src = new byte[3 * 4];
    for (int i = 0; i < 3; i++) {
      src[i * 4] = (byte) (i * 90);
      src[i * 4 + 3] = -1;
    }
    byte[] out = Resampler.resize(src, 3, 1, 1, 1, TextureRole.DATA, false);
    assertThat(out[0] & 0xff).isEqualTo(90); // (0 + 90 + 180) / 3
    List<byte[]> chain = Resampler.mipChain(new byte[12 * 5 * 4], 12, 5, TextureRole.COLOR, false);
    assertThat(chain).hasSize(4); // 12x5, 6x2, 3x1, 1x1
    assertThat(chain.get(3)).hasSize(4);
    assertThat(Resampler.levelCount(1, 1)).isEqualTo(1);
    assertThat(Resampler.levelCount(1024, 1)).isEqualTo(11);
  }

  @Test
  void targetSizesAreMultiplesOfFourAndRespectLimits() {
    assertThat(Resampler.targetSize(211, 98, 0, false)).containsExactly(212, 100);
    assertThat(Resampler.targetSize(1, 1, 0, false)).containsExactly(4, 4);
    assertThat(Resampler.targetSize(4096, 1024, 1024, false)).containsExactly(1024, 256);
    assertThat(Resampler.targetSize(300, 120, 0, true)).containsExactly(256, 128);
    assertThat(Resampler.targetSize(3000, 100, 1024, true)).containsExactly(1024, 32);
    assertThat(Resampler.targetSize(1023, 1023, 1022, false)).containsExactly(1020, 1020);
  }

  @Test
  void upscalingIsBilinearAndIdentityIsFree() {
    byte[] src = {0, 0, 0, -1, (byte) 200, (byte) 200, (byte) 200, -1};
    assertThat(Resampler.resize(src, 2, 1, 2, 1, TextureRole.DATA, false)).isSameAs(src);
    byte[] up = Resampler.resize(src, 2, 1, 4, 1, TextureRole.DATA, false);
    assertThat(new int[] {up[0] & 0xff, up[4] & 0xff, up[8] & 0xff, up[12] & 0xff})
        .containsExactly(0, 50, 150, 200);
  }
}
