package dev.assetgrid.node.processing.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thumbnail of every corpus glTF/GLB: not empty, centred, plausible coverage. The PNGs are
 * written to {@code target/thumbnails/} for a look.
 */
class ThumbnailCorpusTest {
  static final Path OUT = Path.of("target", "thumbnails");

  static List<Path> files() {
    return TestCorpus.gltfFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void thumbnailIsCentredAndPlausible(Path file) throws IOException {
    GltfAsset asset = TestNatives.reader().read(file);
    ThumbnailOptions options = ThumbnailOptions.DEFAULTS.withSize(128);
    if (asset.hasDraco()) {
      assertThatThrownBy(() -> Thumbnail.render(asset, options))
          .isInstanceOfSatisfying(
              AssetGridException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
                assertThat(e.getMessage()).contains("Draco");
              });
      return;
    }
    long t0 = System.nanoTime();
    ThumbnailImage img = Thumbnail.render(asset, options);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Files.createDirectories(OUT);
    Files.write(
        OUT.resolve(file.getFileName().toString().replaceAll("\\.(gltf|glb)$", "") + ".png"),
        img.toPng());
    double[] c = centroid(img);
    System.out.printf(
        "%-60s coverage=%.3f centroid=(%.1f, %.1f) %d ms notes=%s%n",
        file.getFileName(), img.coverage(), c[0], c[1], ms, img.notes());

    assertThat(img.coverage()).as("coverage").isBetween(0.03, 0.95);
    assertThat(c[0]).as("centroid x").isBetween(128 * 0.3, 128 * 0.7);
    assertThat(c[1]).as("centroid y").isBetween(128 * 0.3, 128 * 0.7);
  }

  /** Alpha-weighted centroid of the covered pixels. */
  static double[] centroid(ThumbnailImage img) {
    double sx = 0, sy = 0, sw = 0;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        double a = (img.pixel(x, y) >>> 24) / 255.0;
        sx += a * (x + 0.5);
        sy += a * (y + 0.5);
        sw += a;
      }
    }
    return new double[] {sx / sw, sy / sw};
  }

  @Test
  void millionTrianglesRenderInAFewSeconds() throws IOException {
    Path file =
        TestCorpus.root()
            .resolve(
                "gltf-sample/MetalRoughSpheresNoTextures/glTF-Binary/MetalRoughSpheresNoTextures.glb");
    GltfAsset asset = TestNatives.reader().read(file);
    ThumbnailOptions options = ThumbnailOptions.DEFAULTS;
    Thumbnail.render(asset, options.withSize(64)); // warm-up
    long best = Long.MAX_VALUE;
    ThumbnailImage img = null;
    for (int i = 0; i < 2; i++) {
      long t0 = System.nanoTime();
      img = Thumbnail.render(asset, options);
      best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
    }
    Files.createDirectories(OUT);
    Files.write(OUT.resolve("MetalRoughSpheresNoTextures-512.png"), img.toPng());
    System.out.printf(
        "MetalRoughSpheresNoTextures 512x512 ss2: %d ms, coverage %.3f%n", best, img.coverage());
    assertThat(img.coverage()).isBetween(0.1, 0.95);
    assertThat(best).as("ms").isLessThan(5000);

    GltfAsset duck =
        TestNatives.reader()
            .read(TestCorpus.root().resolve("gltf-sample/Duck/glTF-Embedded/Duck.gltf"));
    long duckMs = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Thumbnail.render(duck, options);
      duckMs = Math.min(duckMs, (System.nanoTime() - t0) / 1_000_000);
    }
    System.out.printf("Duck 512x512 ss2: %d ms%n", duckMs);
    Files.write(
        OUT.resolve("Duck-turntable.png"),
        Thumbnail.turntablePng(duck, options.withSize(128).withTurntableViews(6)));
  }
}
