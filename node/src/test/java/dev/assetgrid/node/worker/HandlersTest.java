package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.NativeProbe;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.node.processing.optimize.OptimizeMesh;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Handlers}: what a node offers with and without its natives, and what the handlers offered
 * without meshoptimizer do with a meshopt-compressed model.
 */
class HandlersTest {
  @TempDir Path tmp;

  private static List<TaskType> types(List<TaskHandler> handlers) {
    return handlers.stream().map(TaskHandler::type).toList();
  }

  private static TaskHandler handler(List<TaskHandler> handlers, TaskType type) {
    return handlers.stream().filter(h -> h.type() == type).findFirst().orElseThrow();
  }

  private TaskWork work(String name, Path input, String dir) throws Exception {
    ObjectNode params = TestAssets.json("{}");
    return new TaskWork(
        "t1",
        1,
        PlannedInputs.withPlannedInput(params, Map.of(name, input)),
        Map.of(name, input),
        input.getParent(),
        Files.createDirectories(tmp.resolve(dir)),
        p -> {},
        () -> false);
  }

  /**
   * optimize-mesh's output for one triangle (meshopt-compressed, as by default), with the POSITION
   * min/max removed so that inspect has to read the compressed positions for the bounds.
   */
  private Path meshoptGlb() throws Exception {
    GltfAsset a =
        TestNatives.reader()
            .readGlb(
                TestAssets.glb(TestAssets.TRIANGLE_JSON, TestAssets.triangleBin()),
                ResourceResolver.none());
    OptimizeMesh.apply(a, OptimizeMeshOptions.DEFAULTS, TestNatives.MESH_OPTIMIZER);
    assertThat(a.hasMeshopt()).isTrue();
    int position =
        a.json()
            .path("meshes")
            .get(0)
            .path("primitives")
            .get(0)
            .path("attributes")
            .path("POSITION")
            .asInt();
    ObjectNode accessor = (ObjectNode) a.json().path("accessors").get(position);
    accessor.remove("min");
    accessor.remove("max");
    return Files.write(tmp.resolve("mesh.glb"), GlbWriter.write(a));
  }

  @Test
  void withoutNativesOnlyTheHandlersThatNeedNoneAreOffered() {
    assertThat(types(Handlers.available(Map.of())))
        .containsExactly(TaskType.NOOP, TaskType.INSPECT, TaskType.VALIDATE, TaskType.ASSEMBLE);
    assertThat(types(Handlers.available(Map.of(NativeProbe.ASSIMP, "5.4"))))
        .containsExactly(
            TaskType.NOOP,
            TaskType.INSPECT,
            TaskType.VALIDATE,
            TaskType.ASSEMBLE,
            TaskType.CONVERT);
    assertThat(types(Handlers.available(Map.of(NativeProbe.KTX, "x", NativeProbe.STB, "x"))))
        .containsExactly(
            TaskType.NOOP,
            TaskType.INSPECT,
            TaskType.VALIDATE,
            TaskType.COMPRESS_TEXTURE,
            TaskType.ASSEMBLE);
    assertThat(types(Handlers.available(Map.of(NativeProbe.KTX, "x"))))
        .doesNotContain(TaskType.COMPRESS_TEXTURE);
  }

  @Test
  void meshoptimizerBringsOptimizeMeshAndThumbnail() {
    assertThat(types(Handlers.available(Map.of(NativeProbe.MESHOPTIMIZER, "220"))))
        .containsExactly(
            TaskType.NOOP,
            TaskType.INSPECT,
            TaskType.VALIDATE,
            TaskType.OPTIMIZE_MESH,
            TaskType.THUMBNAIL,
            TaskType.ASSEMBLE);
    assertThat(types(Handlers.available(NativeProbe.probe())))
        .containsExactlyInAnyOrder(TaskType.values());
  }

  @Test
  void withoutTheDecoderInspectFailsACompressedModelWithACodeAndANodeWithItInspectsIt()
      throws Exception {
    Path glb = meshoptGlb();
    TaskHandler without = handler(Handlers.available(Map.of()), TaskType.INSPECT);
    assertThatThrownBy(() -> without.run(work(OutputNames.ORIGINAL, glb, "without")))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NATIVE_UNAVAILABLE);
              assertThat(e.retryable()).as("another node may have it").isTrue();
              assertThat(e.getMessage()).contains("meshoptimizer", "EXT_meshopt_compression");
            });

    TaskHandler with = handler(Handlers.available(TestNatives.PORTS), TaskType.INSPECT);
    TaskResult r = with.run(work(OutputNames.ORIGINAL, glb, "with"));
    assertThat(r.result().path("triangles").asLong()).isEqualTo(1);
    // the bounds come from the decoded (quantized) positions of the unit triangle
    var max = r.result().path("boundingBox").path("max");
    assertThat(max.get(0).asDouble()).isCloseTo(1.0, within(1e-3));
    assertThat(max.get(1).asDouble()).isCloseTo(1.0, within(1e-3));
  }

  @Test
  void assembleNeedsNoDecoder() throws Exception {
    Path glb = meshoptGlb();
    TaskResult without =
        handler(Handlers.available(Map.of()), TaskType.ASSEMBLE)
            .run(work(OutputNames.MESH_GLB, glb, "without"));
    TaskResult with =
        handler(Handlers.available(TestNatives.PORTS), TaskType.ASSEMBLE)
            .run(work(OutputNames.MESH_GLB, glb, "with"));
    byte[] out = Files.readAllBytes(without.outputs().get(0).file());
    assertThat(out).isEqualTo(Files.readAllBytes(with.outputs().get(0).file()));
    assertThat(TestNatives.reader().read(without.outputs().get(0).file()).hasMeshopt()).isTrue();
  }
}
