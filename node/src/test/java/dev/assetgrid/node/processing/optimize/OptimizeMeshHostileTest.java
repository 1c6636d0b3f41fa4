package dev.assetgrid.node.processing.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.stage.LodOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.SimplifyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Hostile inputs never crash: every validator test case (mostly invalid glTF) and randomly
 * corrupted corpus GLBs go through the full recipe (with simplify and LODs) and either produce a
 * GLB that reads back or fail with an AssetGridException, never another exception or a native
 * abort.
 */
class OptimizeMeshHostileTest {
  private static final OptimizeMeshOptions ALL =
      OptimizeMeshOptions.DEFAULTS
          .withSimplify(SimplifyOptions.DEFAULTS.withRatio(0.5f))
          .withLods(LodOptions.DEFAULTS.withLevels(1));

  @Test
  void validatorTestCasesNeverCrash() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(TestCorpus.root().resolve("validator-tests"))) {
      files =
          s.filter(p -> p.toString().endsWith(".gltf") || p.toString().endsWith(".glb"))
              .sorted()
              .toList();
    }
    int ok = 0;
    int refused = 0;
    List<String> crashes = new ArrayList<>();
    for (Path f : files) {
      switch (attempt(() -> Files.readAllBytes(f), f, crashes)) {
        case 1 -> ok++;
        case 0 -> refused++;
        default -> {}
      }
    }
    System.out.printf(
        "validator cases: %d optimized, %d refused with a code, %d crashed%n",
        ok, refused, crashes.size());
    assertThat(crashes).isEmpty();
    assertThat(ok).isPositive();
  }

  @Test
  void corruptedGlbsNeverCrash() throws IOException {
    Random rnd = new Random(42);
    List<String> crashes = new ArrayList<>();
    for (String name :
        List.of(
            "gltf-sample/Fox/glTF-Binary/Fox.glb",
            "gltf-other/pirate-meshopt/pirate.glb",
            "gltf-sample/AnimatedMorphCube/glTF-Binary/AnimatedMorphCube.glb")) {
      Path f = TestCorpus.root().resolve(name);
      byte[] original = Files.readAllBytes(f);
      for (int i = 0; i < 40; i++) {
        byte[] b = original.clone();
        for (int k = 0; k < 8; k++) {
          int at = 20 + rnd.nextInt(b.length - 20);
          b[at] = (byte) rnd.nextInt(256);
        }
        attempt(() -> b, f, crashes);
      }
    }
    assertThat(crashes).isEmpty();
  }

  private interface Bytes {
    byte[] get() throws IOException;
  }

  /**
   * @return 1 optimized, 0 refused with an AssetGridException, -1 crashed (recorded)
   */
  private static int attempt(Bytes bytes, Path f, List<String> crashes) throws IOException {
    GltfAsset asset;
    try {
      asset =
          TestNatives.reader()
              .read(
                  bytes.get(),
                  dev.assetgrid.node.processing.gltf.ResourceResolver.directory(f.getParent()));
    } catch (AssetGridException e) {
      return 0;
    }
    try {
      OptimizeMesh.apply(asset, ALL, TestNatives.MESH_OPTIMIZER);
      byte[] glb = GlbWriter.write(asset);
      TestNatives.reader().read(glb, dev.assetgrid.node.processing.gltf.ResourceResolver.none());
      return 1;
    } catch (AssetGridException e) {
      return 0;
    } catch (RuntimeException | StackOverflowError e) {
      crashes.add(f + ": " + e);
      return -1;
    }
  }
}
