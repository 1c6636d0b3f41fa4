package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConvertHandler} with inputs laid out as the worker shell lays them out. */
class ConvertHandlerTest {
  @TempDir Path tmp;

  @Test
  void objWithMtlAndTexturesBecomesConvertedGlb() throws Exception {
    Path src = TestCorpus.root().resolve("obj/assimp-spider");
    ObjectNode params =
        JsonNodeFactory.instance.objectNode().put("format", "obj").put("filename", "spider.obj");
    TaskResult r = run(src, "spider.obj", params);

    assertThat(r.outputs())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo(OutputNames.CONVERTED_GLB);
              assertThat(o.contentType()).isEqualTo("model/gltf-binary");
            });
    GltfAsset glb = TestNatives.reader().read(r.outputs().get(0).file());
    assertThat(Inspect.apply(glb).triangles()).isEqualTo(1368);
    assertThat(glb.count("images")).isEqualTo(4); // the MTL names 5 maps; one material is unused
    assertThat(r.result().path("output").path("triangles").asLong()).isEqualTo(1368);
    assertThat(r.result().path("format").asText()).isEqualTo("obj");
  }

  @Test
  void withoutFormatTheContentDecidesAndALoneImageBecomesTheTexture() throws Exception {
    Path src = TestCorpus.root().resolve("obj/spot");
    TaskResult r = run(src, "spot.obj", JsonNodeFactory.instance.objectNode());
    GltfAsset glb = TestNatives.reader().read(r.outputs().get(0).file());
    assertThat(Inspect.apply(glb).triangles()).isEqualTo(5856);
    assertThat(glb.count("images")).isEqualTo(1);
    assertThat(r.result().path("format").asText()).isEqualTo("auto");
    assertThat(r.result().path("warnings").toString())
        .contains("guessed")
        .contains("spot_texture.png");
  }

  @Test
  void handlerTypeAndGarbageInput() throws Exception {
    assertThat(new ConvertHandler(TestNatives.convert()).type()).isEqualTo(TaskType.CONVERT);
    Path in = Files.createDirectories(tmp.resolve("garbage-in"));
    Files.write(in.resolve("original"), "this is not a model at all\n".getBytes());
    TaskWork work =
        new TaskWork(
            "t",
            1,
            JsonNodeFactory.instance.objectNode(),
            Map.of("original", in.resolve("original")),
            in,
            Files.createDirectories(tmp.resolve("garbage-work")),
            p -> {},
            () -> false);
    assertThatThrownBy(() -> new ConvertHandler(TestNatives.convert()).run(work))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> assertThat(e.code()).isIn(ErrorCode.DATA_ERROR, ErrorCode.UNSUPPORTED_FORMAT));
  }

  /**
   * Copies the model as {@code original} and every other file of {@code src} under its own name.
   */
  private TaskResult run(Path src, String model, ObjectNode params) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    Map<String, Path> inputs = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(src)) {
      for (Path p : s.toList()) {
        String name =
            p.getFileName().toString().equals(model)
                ? OutputNames.ORIGINAL
                : p.getFileName().toString();
        inputs.put(name, Files.copy(p, in.resolve(name)));
      }
    }
    return new ConvertHandler(TestNatives.convert())
        .run(new TaskWork("task-1", 1, params, inputs, in, work, p -> {}, () -> false));
  }
}
