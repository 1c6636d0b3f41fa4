package dev.assetgrid.node.processing.gltf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.shared.error.AssetGridException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** read -> GlbWriter -> read over the whole corpus, and the Khronos validator on every output. */
class GlbWriterCorpusTest {

  static List<Path> files() {
    return TestCorpus.gltfFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void roundTripKeepsDataAndJson(Path file) {
    GltfAsset in = TestNatives.reader().read(file);
    byte[] glb = GlbWriter.write(in);
    GltfAsset out = TestNatives.reader().readGlb(glb, ResourceResolver.none());

    assertThat(out.buffers())
        .as("one BIN buffer + data-less fallback buffers")
        .filteredOn(b -> b != null)
        .hasSizeLessThanOrEqualTo(1);
    assertThat(out.images()).as("every image embedded").isEmpty();
    int views = in.count("bufferViews");
    assertThat(layoutFree(out.json(), views)).isEqualTo(layoutFree(in.json(), views));

    Accessors a = Accessors.of(in);
    Accessors b = Accessors.of(out);
    int checked = 0;
    for (int i = 0; i < in.count("accessors"); i++) {
      float[] expected;
      try {
        expected = a.floats(i);
      } catch (AssetGridException e) {
        assertThat(in.hasDraco())
            .as("only Draco accessors are unreadable: " + e.getMessage())
            .isTrue();
        continue;
      }
      float[] actual = b.floats(i);
      assertThat(Arrays.equals(actual, expected)).as("accessor " + i + " data").isTrue();
      checked++;
    }
    assertThat(checked).isPositive();
    for (int i = 0; i < in.count("images"); i++) {
      assertThat(out.imageBytes(i).bytes()).as("image " + i).isEqualTo(in.imageBytes(i).bytes());
    }
    assertThat(GlbWriter.write(out)).as("writing is stable").isEqualTo(glb);
  }

  /** The JSON without the buffer/bufferView/image layout the writer is allowed to change. */
  static JsonNode layoutFree(ObjectNode json, int inputViews) {
    ObjectNode j = json.deepCopy();
    j.remove("buffers");
    JsonNode views = j.path("bufferViews");
    for (JsonNode image : j.path("images")) {
      ((ObjectNode) image).remove(List.of("uri", "bufferView", "mimeType"));
    }
    for (JsonNode t : j.path("textures")) {
      // KTX2/WebP sources may move into their extension: compare the image a renderer uses
      ObjectNode texture = (ObjectNode) t;
      JsonNode ext = texture.path("extensions");
      for (String name : List.of("KHR_texture_basisu", "EXT_texture_webp")) {
        if (ext.path(name).size() == 1 && ext.path(name).has("source") && !texture.has("source")) {
          texture.set("source", ((ObjectNode) ext.path(name)).remove("source"));
          ((ObjectNode) ext).remove(name);
        }
      }
      if (ext.isObject() && ext.isEmpty()) {
        texture.remove("extensions");
      }
    }
    if (views.isArray()) {
      // views appended for formerly external images are layout
      while (views.size() > inputViews) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) views).remove(views.size() - 1);
      }
      for (JsonNode v : views) {
        ((ObjectNode) v).remove(List.of("buffer", "byteOffset"));
        JsonNode ext = v.path("extensions").path("EXT_meshopt_compression");
        if (ext.isObject()) {
          ((ObjectNode) ext).remove(List.of("buffer", "byteOffset"));
        }
      }
    }
    return j;
  }

  @Test
  void outputsPassKhronosValidatorWithNoNewErrors(@TempDir Path tmp) throws IOException {
    KhronosValidator validator = KhronosValidator.require();
    List<Path> inputs = files();
    List<Path> outputs = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path out = tmp.resolve(i + ".glb");
      Files.write(out, GlbWriter.write(TestNatives.reader().read(inputs.get(i))));
      outputs.add(out);
    }
    List<KhronosValidator.Report> before = validator.validateAll(inputs);
    List<KhronosValidator.Report> after = validator.validateAll(outputs);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Map<String, Integer> was = before.get(i).errorCodes();
      Map<String, Integer> now = after.get(i).errorCodes();
      System.out.printf(
          "%-80s input errors %s, output errors %s, warnings %s -> %s%n",
          TestCorpus.root().relativize(inputs.get(i)),
          was,
          now,
          before.get(i).codes(1),
          after.get(i).codes(1));
      for (Map.Entry<String, Integer> e : now.entrySet()) {
        if (e.getValue() > was.getOrDefault(e.getKey(), 0)) {
          problems.add(
              inputs.get(i).getFileName()
                  + ": "
                  + e.getKey()
                  + " x"
                  + e.getValue()
                  + " (input had "
                  + was.getOrDefault(e.getKey(), 0)
                  + ")");
        }
      }
    }
    for (int i = 0; i < inputs.size(); i++) {
      // the only new warning allowed: this validator version lists only png/jpeg as image
      // mimeTypes, and embedding a KTX2 file means writing its mimeType
      Map<String, Integer> was = before.get(i).codes(1);
      for (KhronosValidator.Issue issue : after.get(i).messages()) {
        if (issue.severity() == 1
            && !was.containsKey(issue.code())
            && !(issue.code().equals("VALUE_NOT_IN_LIST")
                && issue.pointer().matches("/images/\\d+/mimeType"))) {
          problems.add(inputs.get(i).getFileName() + ": new warning " + issue);
        }
      }
    }
    // CesiumMilkTruck glTF-Draco: the validator checks its structure but cannot decode Draco, so
    // for that file the check covers JSON and layout, not the geometry.
    assertThat(problems).as("validator errors/warnings the input did not have").isEmpty();
  }
}
