package dev.assetgrid.node.processing.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.node.processing.inspect.InspectReport;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converts every model of {@code corpus/{obj,fbx,stl,ply,dae}}, checks the GLB with the Khronos
 * glTF-Validator (zero errors) and checks that every source triangle is kept.
 *
 * <p>Expected triangles are the MANIFEST.md counts, except the assimp spider (OBJ and FBX): the
 * manifest's "1,340 faces" comes from {@code assimp info}, whose MaxQuality preset runs
 * FindDegenerates and turns 28 of the 1,368 triangles (the file's 1,368 {@code f} lines) into
 * lines. Convert keeps all triangles (degenerate ones are optimize-mesh's business) and the file
 * has no line elements, so the expected count is 1,368 triangles and 0 lines; the binary and ASCII
 * STL of the same spider also have 1,368.
 */
class ConvertCorpusTest {
  static final Map<String, Long> EXPECTED_TRIANGLES = new LinkedHashMap<>();

  static {
    EXPECTED_TRIANGLES.put("obj/stanford-bunny/stanford-bunny.obj", 69_451L);
    EXPECTED_TRIANGLES.put("obj/ogre/ogre.obj", 124_008L);
    EXPECTED_TRIANGLES.put("obj/nefertiti/nefertiti.obj", 99_938L);
    EXPECTED_TRIANGLES.put("obj/spot/spot.obj", 5_856L);
    EXPECTED_TRIANGLES.put("obj/assimp-spider/spider.obj", 1_340L + 28);
    EXPECTED_TRIANGLES.put("stl/Spider_binary.stl", 1_368L);
    EXPECTED_TRIANGLES.put("stl/Spider_ascii.stl", 1_368L);
    EXPECTED_TRIANGLES.put("stl/sphereWithHole.stl", 285L);
    EXPECTED_TRIANGLES.put("ply/Wuson.ply", 3_732L);
    EXPECTED_TRIANGLES.put("ply/horse.ply", 96_966L);
    EXPECTED_TRIANGLES.put("fbx/spider.fbx", 1_340L + 28);
    EXPECTED_TRIANGLES.put("fbx/animation_with_skeleton.fbx", 2_112L);
    EXPECTED_TRIANGLES.put("fbx/box_embedded_ascii.FBX", 12L);
    EXPECTED_TRIANGLES.put("dae/duck/duck.dae", 4_212L);
  }

  @TempDir Path tmp;

  @Test
  void everyCorpusModelConvertsToAValidGlbWithAllItsTriangles() throws IOException {
    Path root = TestCorpus.root();
    List<Path> models = new ArrayList<>();
    for (String dir : List.of("obj", "fbx", "stl", "ply", "dae")) {
      try (Stream<Path> s = Files.walk(root.resolve(dir))) {
        s.filter(p -> isModel(p.getFileName().toString())).sorted().forEach(models::add);
      }
    }
    assertThat(models).hasSize(EXPECTED_TRIANGLES.size());
    List<Path> glbs = new ArrayList<>();
    Map<Path, ConvertReport> reports = new LinkedHashMap<>();
    for (Path model : models) {
      String rel = root.relativize(model).toString().replace('\\', '/');
      String name = model.getFileName().toString();
      String ext = name.substring(name.lastIndexOf('.') + 1);
      long t0 = System.nanoTime();
      ConvertResult r =
          TestNatives.convert()
              .apply(
                  Files.readAllBytes(model),
                  ext,
                  name,
                  ResourceResolver.directory(model.getParent()),
                  ConvertOptions.DEFAULTS);
      byte[] glb = GlbWriter.write(r.asset());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Path out = tmp.resolve(rel.replace('/', '_') + ".glb");
      Files.write(out, glb);
      glbs.add(out);
      reports.put(out, r.report());
      System.out.printf(
          Locale.ROOT,
          "convert %-42s %6d ms (import %d, build %d) %8d B -> %8d B  %s%n",
          rel,
          ms,
          r.report().importMillis(),
          r.report().buildMillis(),
          Files.size(model),
          glb.length,
          r.report().toJson());

      long expected = EXPECTED_TRIANGLES.get(rel);
      assertThat(r.report().sourceTriangles()).as(rel).isEqualTo(expected);
      assertThat(r.report().triangles()).as(rel).isEqualTo(expected);
      GltfAsset reread = TestNatives.reader().read(out);
      InspectReport inspect = Inspect.apply(reread);
      assertThat(inspect.triangles()).as(rel + " triangles in the GLB").isEqualTo(expected);
    }
    KhronosValidator validator = KhronosValidator.require();
    List<KhronosValidator.Report> results = validator.validateAll(glbs);
    for (KhronosValidator.Report rep : results) {
      System.out.println(
          "validator "
              + rep.file().getFileName()
              + " warnings="
              + rep.codes(1)
              + " infos="
              + rep.codes(2));
      assertThat(rep.numErrors())
          .as(rep.file() + " " + rep.errorCodes() + " " + rep.messages())
          .isZero();
    }
  }

  private static boolean isModel(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".obj")
        || n.endsWith(".fbx")
        || n.endsWith(".stl")
        || n.endsWith(".ply")
        || n.endsWith(".dae");
  }
}
