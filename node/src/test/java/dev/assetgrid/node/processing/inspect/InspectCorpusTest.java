package dev.assetgrid.node.processing.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.stage.InspectOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inspect over every glTF/GLB of the corpus, compared with the numbers of corpus/MANIFEST.md. */
class InspectCorpusTest {

  static List<TestCorpus.Entry> entries() {
    return TestCorpus.gltfEntries();
  }

  @Test
  void manifestListsEveryCorpusModel() {
    assertThat(entries()).hasSize(TestCorpus.gltfFiles().size()).hasSizeGreaterThanOrEqualTo(34);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void countsMatchManifest(TestCorpus.Entry e) {
    long t0 = System.nanoTime();
    GltfAsset asset = TestNatives.reader().read(e.file());
    InspectReport r = Inspect.apply(asset, InspectOptions.DEFAULTS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "%-90s tris=%d rendered=%d verts=%d draws=%d tex=%d gpu=%d %d ms%n",
        e.path(),
        r.triangles(),
        r.renderedTriangles(),
        r.vertices(),
        r.drawCalls(),
        r.textures().size(),
        r.estimatedGpuBytes(),
        ms);

    assertThat(r.triangles()).as("triangles").isEqualTo(e.triangles());
    assertThat(r.vertices()).as("vertices").isEqualTo(e.vertices());
    assertThat(r.renderedTriangles())
        .as("rendered triangles")
        .isEqualTo(e.renderedTriangles() != null ? e.renderedTriangles() : e.triangles());
    assertThat(r.sizeBytes()).isPositive();
    assertThat(r.boundingBox()).isNotNull();
    for (int i = 0; i < 3; i++) {
      assertThat(r.boundingBox().min()[i]).isLessThanOrEqualTo(r.boundingBox().max()[i]);
    }
    assertThat(r.textures())
        .allSatisfy(
            t -> {
              assertThat(t.width()).isPositive();
              assertThat(t.height()).isPositive();
              assertThat(t.mimeType()).startsWith("image/");
            });
    assertThat(r.toJson().path("triangles").asLong()).isEqualTo(r.triangles());
  }
}
