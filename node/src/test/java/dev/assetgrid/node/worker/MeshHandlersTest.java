package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OptimizeMeshHandler and ValidateHandler on corpus files. */
class MeshHandlersTest {

  private static TaskWork work(Path input, String name, ObjectNode params, Path tmp) {
    return new TaskWork(
        "t1",
        1,
        PlannedInputs.withPlannedInput(params, Map.of(name, input)),
        Map.of(name, input),
        input.getParent(),
        tmp,
        p -> {},
        () -> false);
  }

  @Test
  void optimizeMeshWritesMeshGlbAndCounts(@TempDir Path tmp) throws Exception {
    Path in = TestCorpus.root().resolve("gltf-sample/BrainStem/glTF-Binary/BrainStem.glb");
    TaskResult r =
        new OptimizeMeshHandler(TestNatives.reader(), TestNatives.MESH_OPTIMIZER)
            .run(
                work(
                    in,
                    OutputNames.CONVERTED_GLB,
                    TestAssets.json("{'simplify':{'ratio':0.5,'maxError':0.05}}"),
                    tmp));
    assertThat(r.outputs())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo(OutputNames.MESH_GLB);
              assertThat(Files.size(o.file())).isPositive();
            });
    assertThat(r.result().path("triangles").path("before").asLong()).isEqualTo(61666);
    assertThat(r.result().path("triangles").path("after").asLong()).isLessThan(61666 * 3 / 4);
    assertThat(r.result().path("vertices").path("after").asLong()).isPositive();
    assertThat(r.result().path("size").path("after").asLong())
        .isEqualTo(Files.size(r.outputs().get(0).file()));
    assertThat(r.result().path("stageMillis").has("simplify")).isTrue();
    assertThat(r.result().path("options").path("simplify").path("ratio").asDouble()).isEqualTo(0.5);
    assertThat(TestNatives.reader().read(r.outputs().get(0).file()).count("meshes")).isPositive();
  }

  @Test
  void optimizeMeshWritesTheFinalOptimizedGlbWhenThePlannerSaysSo(@TempDir Path tmp)
      throws Exception {
    Path in =
        Files.write(
            tmp.resolve("triangle.glb"),
            TestAssets.glb(TestAssets.TRIANGLE_JSON, TestAssets.triangleBin()));
    TaskResult r =
        new OptimizeMeshHandler(TestNatives.reader(), TestNatives.MESH_OPTIMIZER)
            .run(
                work(
                    in,
                    OutputNames.ORIGINAL,
                    TestAssets.json("{'output':'optimized.glb','simplify':{'ratio':1.0}}"),
                    tmp));
    assertThat(r.outputs())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo(OutputNames.OPTIMIZED_GLB);
              assertThat(o.file().getFileName().toString()).isEqualTo(OutputNames.OPTIMIZED_GLB);
              assertThat(o.contentType()).isEqualTo("model/gltf-binary");
            });
    assertThat(TestNatives.reader().read(r.outputs().get(0).file()).count("meshes")).isEqualTo(1);
    assertThat(r.result().path("triangles").path("after").asLong()).isEqualTo(1);
    // the param sits beside the mesh options without disturbing them
    assertThat(r.result().path("options").path("simplify").path("ratio").asDouble()).isEqualTo(1.0);

    Path meshTmp = Files.createDirectories(tmp.resolve("mesh"));
    TaskResult mesh =
        new OptimizeMeshHandler(TestNatives.reader(), TestNatives.MESH_OPTIMIZER)
            .run(work(in, OutputNames.ORIGINAL, TestAssets.json("{'output':'mesh.glb'}"), meshTmp));
    assertThat(mesh.outputs())
        .singleElement()
        .extracting(TaskResult.Output::name)
        .isEqualTo(OutputNames.MESH_GLB);
    TaskResult dflt =
        new OptimizeMeshHandler(TestNatives.reader(), TestNatives.MESH_OPTIMIZER)
            .run(
                work(
                    in,
                    OutputNames.ORIGINAL,
                    TestAssets.json("{'output':null}"),
                    Files.createDirectories(tmp.resolve("default"))));
    assertThat(dflt.outputs())
        .singleElement()
        .extracting(TaskResult.Output::name)
        .isEqualTo(OutputNames.MESH_GLB);
  }

  @Test
  void optimizeMeshRejectsAnyOtherOutputName(@TempDir Path tmp) throws Exception {
    Path in =
        Files.write(
            tmp.resolve("triangle.glb"),
            TestAssets.glb(TestAssets.TRIANGLE_JSON, TestAssets.triangleBin()));
    Path work = Files.createDirectories(tmp.resolve("work"));
    for (String bad :
        new String[] {
          "'thumbnail.png'", "'../optimized.glb'", "'OPTIMIZED.GLB'", "''", "true", "{}"
        }) {
      assertThatThrownBy(
              () ->
                  new OptimizeMeshHandler(TestNatives.reader(), TestNatives.MESH_OPTIMIZER)
                      .run(
                          work(
                              in,
                              OutputNames.ORIGINAL,
                              TestAssets.json("{'output':" + bad + "}"),
                              work)))
          .as(bad)
          .isInstanceOfSatisfying(
              AssetGridException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(e.retryable()).isFalse();
                assertThat(e.details()).containsEntry("pointer", "/output");
                assertThat(e.getMessage()).contains("/output");
                if (bad.startsWith("'")) {
                  assertThat(e.getMessage()).contains("mesh.glb", "optimized.glb");
                }
              });
    }
    try (var files = Files.list(work)) {
      assertThat(files).as("nothing written").isEmpty();
    }
  }

  @Test
  void validateReportsErrorsWithoutFailing(@TempDir Path tmp) throws Exception {
    Path in = TestCorpus.root().resolve("validator-tests/base/data/buffer/empty_array.gltf");
    TaskResult r = new ValidateHandler().run(work(in, OutputNames.ORIGINAL, null, tmp));
    assertThat(r.result().path("numErrors").asInt()).isPositive();
    assertThat(r.result().path("valid").asBoolean()).isFalse();
    assertThat(r.result().path("issues").size()).isBetween(1, ValidateHandler.RESULT_ISSUES);
    assertThat(r.outputs())
        .singleElement()
        .extracting(TaskResult.Output::name)
        .isEqualTo(OutputNames.VALIDATION_JSON);
    assertThat(
            GltfReader.JSON
                .readTree(r.outputs().get(0).file().toFile())
                .path("issues")
                .path("numErrors")
                .asInt())
        .isEqualTo(r.result().path("numErrors").asInt());
  }

  @Test
  void bothAreRegistered() {
    var types =
        Handlers.available(Map.of("meshoptimizer", "220")).stream().map(TaskHandler::type).toList();
    assertThat(types).contains(TaskType.OPTIMIZE_MESH, TaskType.VALIDATE);
    assertThat(Handlers.available(Map.of()).stream().map(TaskHandler::type).toList())
        .doesNotContain(TaskType.OPTIMIZE_MESH);
  }
}
