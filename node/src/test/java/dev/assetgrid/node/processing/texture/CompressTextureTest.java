package dev.assetgrid.node.processing.texture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.node.natives.LibKtxEncoder;
import dev.assetgrid.node.natives.StbImageDecoder;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.TextureRole;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompressTextureTest {
  private static final int N = 256;

  /**
   * Measured on a 256x256 smooth gradient: ETC1S ~ 37 dB (q128), UASTC ~ 50 dB; thresholds keep
   * margin.
   */
  private static final double ETC1S_MIN_PSNR = 32;

  private static final double UASTC_MIN_PSNR = 42;

  private final LibKtxEncoder encoder = new LibKtxEncoder();
  private final CompressTexture stage = new CompressTexture(new StbImageDecoder(), encoder);
  private final CompressTextureOptions defaults = CompressTextureOptions.DEFAULTS;

  @Test
  void colorIsEtc1sSrgbWithFullMipChainAndGoodPsnr() {
    byte[] png = TestImages.png(N, N, false, (x, y) -> TestImages.smooth(x, y, N, N));
    CompressedTexture c = stage.compress(png, TextureRole.COLOR, defaults);
    System.out.println("ETC1S " + c.toJson());

    assertThat(c.mode()).isEqualTo("etc1s");
    assertThat(c.levels()).isEqualTo(9);
    assertThat(c.hasAlpha()).isFalse();
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.colorModel()).isEqualTo(Ktx2Info.COLOR_MODEL_ETC1S);
    assertThat(info.supercompression()).isEqualTo(1);
    assertThat(info.transferFunction()).isEqualTo(Ktx2Info.TRANSFER_SRGB);
    assertThat(info.colorPrimaries()).isEqualTo(Ktx2Info.PRIMARIES_BT709);
    assertThat(info.levels()).isEqualTo(9);
    assertThat(info.hasAlpha()).isFalse();
    assertThat(info.basisUniversal2d()).isTrue();

    // independent check: reload and transcode, compare with the source pixels
    ImageDecoder.Pixels back = encoder.transcodeRgba(c.ktx2(), N * N);
    double psnr =
        CompressTexture.psnr(
            TestImages.rgba(N, N, (x, y) -> TestImages.smooth(x, y, N, N)), back.rgba(), 3);
    assertThat(psnr).isGreaterThan(ETC1S_MIN_PSNR);
    assertThat(c.psnr()).isCloseTo(psnr, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void normalMapIsUastcZstdLinearWithUnspecifiedPrimaries() {
    byte[] png = TestImages.png(N, N, false, (x, y) -> TestImages.normal(x, y, N, N));
    CompressedTexture c = stage.compress(png, TextureRole.NORMAL, defaults);
    System.out.println("UASTC normal " + c.toJson());

    assertThat(c.mode()).isEqualTo("uastc");
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.colorModel()).isEqualTo(Ktx2Info.COLOR_MODEL_UASTC);
    assertThat(info.supercompression()).isEqualTo(2);
    assertThat(info.transferFunction()).isEqualTo(Ktx2Info.TRANSFER_LINEAR);
    assertThat(info.colorPrimaries()).isEqualTo(Ktx2Info.PRIMARIES_UNSPECIFIED);
    assertThat(info.levels()).isEqualTo(9);
    assertThat(c.psnr()).isGreaterThan(UASTC_MIN_PSNR);
    ImageDecoder.Pixels back = encoder.transcodeRgba(c.ktx2(), N * N);
    assertThat(
            CompressTexture.psnr(
                TestImages.rgba(N, N, (x, y) -> TestImages.normal(x, y, N, N)), back.rgba(), 3))
        .isGreaterThan(UASTC_MIN_PSNR);
  }

  @Test
  void smoothColorForcedToUastcKeepsSrgbAndScoresHigher() {
    byte[] png = TestImages.png(N, N, false, (x, y) -> TestImages.smooth(x, y, N, N));
    CompressedTexture c =
        stage.compress(
            png, TextureRole.COLOR, defaults.withMode(CompressTextureOptions.Mode.UASTC));
    System.out.println("UASTC color " + c.toJson());
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.colorModel()).isEqualTo(Ktx2Info.COLOR_MODEL_UASTC);
    assertThat(info.transferFunction()).isEqualTo(Ktx2Info.TRANSFER_SRGB);
    assertThat(info.colorPrimaries()).isEqualTo(Ktx2Info.PRIMARIES_BT709);
    assertThat(c.psnr()).isGreaterThan(UASTC_MIN_PSNR);
  }

  @Test
  void dataMapFromJpegIsLinearUastc() {
    byte[] jpg = TestImages.jpeg(64, 64, (x, y) -> 0xff000000 | (x * 4) << 8 | (y * 4));
    CompressedTexture c = stage.compress(jpg, TextureRole.DATA, defaults.withSize(0, false, false));
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.colorModel()).isEqualTo(Ktx2Info.COLOR_MODEL_UASTC);
    assertThat(info.transferFunction()).isEqualTo(Ktx2Info.TRANSFER_LINEAR);
    assertThat(info.colorPrimaries()).isEqualTo(Ktx2Info.PRIMARIES_UNSPECIFIED);
    assertThat(info.levels()).isEqualTo(1);
    assertThat(c.levels()).isEqualTo(1);
  }

  @Test
  void translucentColorKeepsAlpha() {
    byte[] png = TestImages.png(64, 64, true, (x, y) -> (x * 4) << 24 | 0x00ff8040);
    CompressedTexture c = stage.compress(png, TextureRole.COLOR, defaults);
    assertThat(c.hasAlpha()).isTrue();
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.hasAlpha()).isTrue();
    ImageDecoder.Pixels back = encoder.transcodeRgba(c.ktx2(), 64 * 64);
    assertThat(back.rgba()[3] & 0xff).isLessThan(16); // x = 0: transparent
    assertThat(back.rgba()[(63) * 4 + 3] & 0xff).isGreaterThan(235);
    assertThat(c.psnr()).isGreaterThan(ETC1S_MIN_PSNR);
  }

  @Test
  void npotIsRoundedToMultiplesOfFourAndPowerOfTwoOnRequest() {
    byte[] png = TestImages.png(211, 98, false, (x, y) -> TestImages.smooth(x, y, 211, 98));
    CompressedTexture c = stage.compress(png, TextureRole.COLOR, defaults);
    assertThat(new int[] {c.widthOut(), c.heightOut()}).containsExactly(212, 100);
    assertThat(c.levels()).isEqualTo(8);
    Ktx2Info info = Ktx2Info.parse(c.ktx2());
    assertThat(info.width()).isEqualTo(212);
    assertThat(info.height()).isEqualTo(100);

    CompressedTexture p =
        stage.compress(png, TextureRole.COLOR, defaults.withSize(128, true, true));
    assertThat(new int[] {p.widthOut(), p.heightOut()}).containsExactly(128, 64);
    assertThat(p.levels()).isEqualTo(8);
    assertThat(p.psnr()).isGreaterThan(ETC1S_MIN_PSNR - 4);
  }

  @Test
  void decompressionBombIsRefusedFromTheHeaderWithoutDecoding() {
    ImageDecoder mustNotDecode =
        (bytes, maxPixels) -> {
          throw new AssertionError("decoder must not be called");
        };
    CompressTexture guarded = new CompressTexture(mustNotDecode, encoder);
    byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000);
    assertThatThrownBy(() -> guarded.compress(bomb, TextureRole.COLOR, defaults))
        .isInstanceOf(AssetGridException.class)
        .satisfies(
            e ->
                assertThat(((AssetGridException) e).code())
                    .isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED))
        .hasMessageContaining("100000x100000");
    // just over a configured limit is refused too, and the native adapter checks on its own
    byte[] png = TestImages.png(64, 64, false, (x, y) -> 0xff808080);
    assertThatThrownBy(
            () -> guarded.compress(png, TextureRole.COLOR, defaults.withMaxPixels(64 * 64 - 1)))
        .satisfies(
            e ->
                assertThat(((AssetGridException) e).code())
                    .isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED));
    assertThatThrownBy(
            () ->
                new StbImageDecoder().decodeRgba(TestImages.pngHeaderOnly(10_000, 10_000), 1 << 20))
        .satisfies(
            e ->
                assertThat(((AssetGridException) e).code())
                    .isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED));
  }

  @Test
  void corruptImagesAreDataErrors() {
    byte[] png = TestImages.png(64, 64, false, (x, y) -> TestImages.smooth(x, y, 64, 64));
    byte[] garbled = png.clone();
    for (int i = 60; i < garbled.length - 20; i++) {
      garbled[i] = (byte) (i * 31);
    }
    byte[] truncated = Arrays.copyOf(png, 40);
    byte[] headerCut = Arrays.copyOf(png, 20);
    for (byte[] bad :
        new byte[][] {garbled, truncated, headerCut, TestImages.pngHeaderOnly(16, 16)}) {
      assertThatThrownBy(() -> stage.compress(bad, TextureRole.COLOR, defaults))
          .isInstanceOf(AssetGridException.class)
          .satisfies(
              e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.DATA_ERROR));
    }
  }

  @Test
  void ktx2PassesThroughAndOtherFormatsAreUnsupported() {
    byte[] png = TestImages.png(32, 32, false, (x, y) -> TestImages.smooth(x, y, 32, 32));
    byte[] ktx2 = TestNatives.compressTexture().compress(png, TextureRole.COLOR, defaults).ktx2();
    CompressedTexture again = stage.compress(ktx2, TextureRole.COLOR, defaults);
    assertThat(again.mode()).isEqualTo("passthrough");
    assertThat(again.ktx2()).isSameAs(ktx2);
    assertThat(again.levels()).isEqualTo(6);

    byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
    assertThatThrownBy(() -> stage.compress(webp, TextureRole.COLOR, defaults))
        .satisfies(
            e ->
                assertThat(((AssetGridException) e).code())
                    .isEqualTo(ErrorCode.UNSUPPORTED_FORMAT));
    byte[] brokenKtx2 = Arrays.copyOf(ktx2, 60);
    assertThatThrownBy(() -> stage.compress(brokenKtx2, TextureRole.COLOR, defaults))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.DATA_ERROR));
  }

  @Test
  void threadsAndEncoderRequestsAreChecked() {
    assertThatThrownBy(() -> CompressTextureOptions.fromJson(TestJson.of("{'threads':0}")))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(
            () ->
                encoder.encode(
                    new TextureEncoder.Request(
                        java.util.List.of(new TextureEncoder.Level(4, 4, new byte[47])),
                        3,
                        true,
                        TextureEncoder.Codec.ETC1S,
                        128,
                        2,
                        2,
                        false,
                        1f,
                        0,
                        1)))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    CompressTextureOptions o =
        CompressTextureOptions.fromJson(
            TestJson.of(
                "{'mode':'uastc','maxSize':512,'powerOfTwo':true,'threads':2,'zstdLevel':0}"));
    assertThat(o.mode()).isEqualTo(CompressTextureOptions.Mode.UASTC);
    assertThat(CompressTextureOptions.fromJson(o.toJson())).isEqualTo(o);
  }
}
