package dev.assetgrid.node.processing.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Renders a few corpus models at 128² with default options and compares them with golden PNGs in
 * {@code src/test/resources/thumbnail/} (made by this renderer and checked by eye). Small
 * differences are tolerated (JPEG decoders and floating point may differ between JDKs): a mean
 * absolute error per channel of at most {@value #MAX_MEAN_ERROR} and at most {@value
 * #MAX_BAD_FRACTION} of pixels off by more than {@value #BAD_PIXEL_DELTA} in any channel.
 *
 * <p>After an intended change of the look, regenerate with {@code -Dthumbnail.updateGolden=true},
 * look at the images, and commit them.
 */
class ThumbnailGoldenTest {
  static final double MAX_MEAN_ERROR = 2.0;
  static final int BAD_PIXEL_DELTA = 48;
  static final double MAX_BAD_FRACTION = 0.01;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "box-textured, gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb",
    "duck, gltf-sample/Duck/glTF-Embedded/Duck.gltf",
    "damaged-helmet, gltf-sample/DamagedHelmet/glTF-Binary/DamagedHelmet.glb",
    "vertex-color-test, gltf-sample/VertexColorTest/glTF-Binary/VertexColorTest.glb"
  })
  void matchesGolden(String name, String path) throws IOException {
    ThumbnailImage img =
        Thumbnail.render(
            TestNatives.reader().read(TestCorpus.root().resolve(path)),
            ThumbnailOptions.DEFAULTS.withSize(128));
    if (Boolean.getBoolean("thumbnail.updateGolden")) {
      Path dir = Path.of("src", "test", "resources", "thumbnail");
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), img.toPng());
    }
    BufferedImage golden;
    try (InputStream in = getClass().getResourceAsStream("/thumbnail/" + name + ".png")) {
      assertThat(in)
          .as("golden /thumbnail/%s.png (generate with -Dthumbnail.updateGolden=true)", name)
          .isNotNull();
      golden = ImageIO.read(in);
    }
    assertThat(golden.getWidth()).isEqualTo(img.width());
    assertThat(golden.getHeight()).isEqualTo(img.height());
    long sum = 0;
    int bad = 0;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        int a = img.pixel(x, y);
        int b = golden.getRGB(x, y);
        int worst = 0;
        for (int shift = 0; shift < 32; shift += 8) {
          int d = Math.abs(((a >>> shift) & 0xff) - ((b >>> shift) & 0xff));
          sum += d;
          worst = Math.max(worst, d);
        }
        if (worst > BAD_PIXEL_DELTA) {
          bad++;
        }
      }
    }
    int pixels = img.width() * img.height();
    double mean = (double) sum / (4.0 * pixels);
    System.out.printf("%s: mean error %.3f, %d pixels off%n", name, mean, bad);
    assertThat(mean).as("mean absolute error per channel").isLessThanOrEqualTo(MAX_MEAN_ERROR);
    assertThat((double) bad / pixels)
        .as("fraction of pixels off")
        .isLessThanOrEqualTo(MAX_BAD_FRACTION);
  }
}
