package dev.assetgrid.node.processing.gltf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {

  @Test
  void png() {
    byte[] b = new byte[29]; // signature, IHDR length and type, 13 bytes of IHDR data
    ByteBuffer.wrap(b)
        .put(
            new byte[] {
              (byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'
            })
        .putInt(640)
        .putInt(480)
        .put(new byte[] {8, 6, 0, 0, 0});
    assertThat(ImageHeader.parse(b)).contains(new ImageHeader("image/png", 640, 480));
    assertThat(ImageHeader.parse(Arrays.copyOf(b, 24))).isEmpty();
    assertThat(ImageHeader.parse(Arrays.copyOf(b, 20))).isEmpty();
  }

  @Test
  void probeReadsPngAndJpegWithBoundsChecks() {
    byte[] png = {
      (byte) 0x89,
      'P',
      'N',
      'G',
      13,
      10,
      26,
      10,
      0,
      0,
      0,
      13,
      'I',
      'H',
      'D',
      'R',
      0,
      0,
      0,
      5,
      0,
      0,
      0,
      3,
      8,
      6,
      0,
      0,
      0
    };
    assertThat(ImageHeader.probe(png))
        .isEqualTo(new ImageHeader.Probe("image/png", 5, 3, null, null));
    for (int len = 0; len < png.length; len++) {
      ImageHeader.Probe p = ImageHeader.probe(Arrays.copyOf(png, len));
      assertThat(p.ok()).as("length %d", len).isFalse();
    }
    assertThat(ImageHeader.probe(Arrays.copyOf(png, 20)).defect())
        .isEqualTo(ImageHeader.Defect.TRUNCATED);
    byte[] badChunk = png.clone();
    badChunk[11] = 12;
    assertThat(ImageHeader.probe(badChunk))
        .isEqualTo(
            new ImageHeader.Probe(
                "image/png", 0, 0, ImageHeader.Defect.INVALID, "Invalid first chunk."));

    byte[] jpeg = {
      (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8, 0, 64, 0, (byte) 128, 3
    };
    assertThat(ImageHeader.probe(jpeg))
        .isEqualTo(new ImageHeader.Probe("image/jpeg", 128, 64, null, null));
    byte[] zeroWidth = jpeg.clone();
    zeroWidth[10] = 0;
    assertThat(ImageHeader.probe(zeroWidth).reason()).isEqualTo("Invalid image dimensions.");
    assertThat(ImageHeader.probe(new byte[] {1, 2, 3}).mimeType()).isNull();
  }

  @Test
  void jpegSkipsSegmentsToTheFrameHeader() {
    byte[] b = {
      (byte) 0xFF,
      (byte) 0xD8,
      (byte) 0xFF,
      (byte) 0xE0,
      0,
      4,
      1,
      2,
      (byte) 0xFF,
      (byte) 0xC2,
      0,
      11,
      8,
      0x01,
      0x00,
      0x02,
      0x00,
      3,
      0,
      0,
      0
    };
    assertThat(ImageHeader.parse(b)).contains(new ImageHeader("image/jpeg", 512, 256));
    assertThat(ImageHeader.parse(Arrays.copyOf(b, 14))).isEmpty();
    byte[] lying = b.clone();
    lying[5] = (byte) 0xFF; // APP0 length runs past the end
    assertThat(ImageHeader.parse(lying)).isEmpty();
  }

  @Test
  void ktx2AndWebp() {
    ByteBuffer k = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    k.put(new byte[] {(byte) 0xAB, 'K', 'T', 'X', ' ', '2', '0', (byte) 0xBB, 13, 10, 26, 10})
        .putInt(0)
        .putInt(1)
        .putInt(1024)
        .putInt(512);
    assertThat(ImageHeader.parse(k.array())).contains(new ImageHeader("image/ktx2", 1024, 512));

    ByteBuffer w = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
    w.put("RIFF".getBytes()).putInt(22).put("WEBPVP8X".getBytes()).putInt(10).putInt(0);
    w.put((byte) 99).put((byte) 0).put((byte) 0).put((byte) 49).put((byte) 0).put((byte) 0);
    assertThat(ImageHeader.parse(w.array())).contains(new ImageHeader("image/webp", 100, 50));
    assertThat(ImageHeader.parse(new byte[] {1, 2, 3})).isEmpty();
  }

  @Test
  void corpusImages() throws Exception {
    Path dir = TestCorpus.root().resolve("gltf-sample/Box With Spaces/glTF");
    assertThat(ImageHeader.parse(Files.readAllBytes(dir.resolve("Normal Map.png"))))
        .hasValueSatisfying(h -> assertThat(h.width()).isPositive());
    Path ktx = TestCorpus.root().resolve("gltf-sample/AnisotropyBarnLamp/glTF-KTX2-Basisu");
    try (var s = Files.list(ktx)) {
      Path first = s.filter(p -> p.toString().endsWith(".ktx2")).findFirst().orElseThrow();
      assertThat(ImageHeader.parse(Files.readAllBytes(first)))
          .hasValueSatisfying(
              h -> {
                assertThat(h.mimeType()).isEqualTo("image/ktx2");
                assertThat(h.width()).isEqualTo(2048);
              });
    }
  }
}
