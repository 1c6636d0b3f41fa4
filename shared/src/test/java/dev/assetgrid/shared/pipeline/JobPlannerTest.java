package dev.assetgrid.shared.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.CompressTextureParams;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The plan {@link JobPlanner} makes for each kind of pipeline: tasks, dependencies and planner-set
 * params.
 */
class JobPlannerTest {

  /** The plan by task name, in plan order. */
  private static Map<String, PlannedTask> plan(String pipeline, ModelFormat format) {
    Map<String, PlannedTask> byName = new LinkedHashMap<>();
    for (PlannedTask t : JobPlanner.plan(PipelineSpec.parse(pipeline), format)) {
      byName.put(t.name(), t);
    }
    return byName;
  }

  private static List<UUID> ids(Map<String, PlannedTask> plan, String... names) {
    return java.util.Arrays.stream(names).map(n -> plan.get(n).id()).toList();
  }

  private static String meshOutput(Map<String, PlannedTask> plan) {
    return plan.get("optimize-mesh").params().path(OutputNames.MESH_OUTPUT_PARAM).asText(null);
  }

  @Test
  void meshOnlyPipelineHasNoAssembleAndOptimizeMeshWritesTheFinalGlb() {
    var plan = plan("optimize-mesh", ModelFormat.GLB);
    assertThat(plan.keySet()).containsExactly("inspect", "optimize-mesh");
    assertThat(plan.get("inspect").dependsOn()).isEmpty();
    assertThat(plan.get("optimize-mesh").dependsOn()).isEqualTo(ids(plan, "inspect"));
    assertThat(meshOutput(plan)).isEqualTo(OutputNames.OPTIMIZED_GLB);
  }

  @Test
  void meshOnlyPipelineKeepsTheStageOptionsBesideTheOutputParam() {
    var plan =
        plan(
            "{\"stages\":[{\"type\":\"optimize-mesh\",\"params\":{\"simplify\":{\"ratio\":0.5}}}]}",
            ModelFormat.GLB);
    assertThat(plan.get("optimize-mesh").params().toString())
        .isEqualTo(
            "{\"simplify\":{\"ratio\":0.5},\"input\":\"original\",\"output\":\"optimized.glb\"}");
  }

  @Test
  void texturesKeepAssembleAndOptimizeMeshWritesMeshGlbForIt() {
    var plan = plan("optimize-mesh,compress-texture", ModelFormat.GLB);
    assertThat(plan.keySet())
        .containsExactly("inspect", "optimize-mesh", "compress-texture", "assemble");
    assertThat(meshOutput(plan)).isEqualTo(OutputNames.MESH_GLB);
    assertThat(
            plan.get("compress-texture")
                .params()
                .path(CompressTextureParams.FAN_OUT_PARAM)
                .asBoolean())
        .isTrue();
    assertThat(plan.get("compress-texture").params().has(OutputNames.MESH_OUTPUT_PARAM)).isFalse();
    assertThat(plan.get("assemble").dependsOn())
        .containsExactlyInAnyOrderElementsOf(
            ids(plan, "optimize-mesh", "compress-texture", "inspect"));
  }

  @Test
  void texturesAloneAreAssembledIntoTheOriginalMesh() {
    var plan = plan("compress-texture", ModelFormat.GLB);
    assertThat(plan.keySet()).containsExactly("inspect", "compress-texture", "assemble");
    assertThat(plan.get("assemble").dependsOn())
        .containsExactlyInAnyOrderElementsOf(ids(plan, "compress-texture", "inspect"));
  }

  @Test
  void thumbnailWaitsForOptimizeMeshWithOrWithoutAssemble() {
    var meshOnly = plan("optimize-mesh,thumbnail", ModelFormat.GLB);
    assertThat(meshOnly.keySet()).containsExactly("inspect", "optimize-mesh", "thumbnail");
    assertThat(meshOnly.get("thumbnail").dependsOn()).isEqualTo(ids(meshOnly, "optimize-mesh"));
    assertThat(meshOutput(meshOnly)).isEqualTo(OutputNames.OPTIMIZED_GLB);

    var textured = plan("optimize-mesh,compress-texture,thumbnail", ModelFormat.GLB);
    assertThat(textured.keySet())
        .containsExactly("inspect", "optimize-mesh", "compress-texture", "assemble", "thumbnail");
    // never assemble: its KTX2 images are what the rasterizer cannot decode
    assertThat(textured.get("thumbnail").dependsOn()).isEqualTo(ids(textured, "optimize-mesh"));
    assertThat(meshOutput(textured)).isEqualTo(OutputNames.MESH_GLB);

    var thumbnailOnly = plan("thumbnail", ModelFormat.GLB);
    assertThat(thumbnailOnly.keySet()).containsExactly("inspect", "thumbnail");
    assertThat(thumbnailOnly.get("thumbnail").dependsOn()).isEqualTo(ids(thumbnailOnly, "inspect"));
  }

  @Test
  void nonGltfMeshPipelineIsConvertedAndStillHasNoAssemble() {
    var plan = plan("optimize-mesh,thumbnail", ModelFormat.STL);
    assertThat(plan.keySet())
        .containsExactlyInAnyOrder("convert", "inspect", "optimize-mesh", "thumbnail");
    assertThat(plan.get("convert").params().path("format").asText(null)).isEqualTo("stl");
    assertThat(plan.get("inspect").dependsOn()).isEqualTo(ids(plan, "convert"));
    assertThat(plan.get("optimize-mesh").dependsOn()).isEqualTo(ids(plan, "inspect"));
    assertThat(meshOutput(plan)).isEqualTo(OutputNames.OPTIMIZED_GLB);
  }

  @Test
  void assembleListedInTheSpecIsPlannedWithItsParamsAndGetsMeshGlb() {
    var withParams =
        plan(
            "{\"stages\":[{\"type\":\"optimize-mesh\"},"
                + "{\"type\":\"assemble\",\"params\":{\"keepFallback\":true}}]}",
            ModelFormat.GLB);
    assertThat(withParams.keySet()).containsExactly("inspect", "optimize-mesh", "assemble");
    assertThat(withParams.get("assemble").params().path("keepFallback").asBoolean()).isTrue();
    assertThat(withParams.get("assemble").dependsOn())
        .containsExactlyInAnyOrderElementsOf(ids(withParams, "optimize-mesh", "inspect"));
    assertThat(meshOutput(withParams)).isEqualTo(OutputNames.MESH_GLB);

    var byName = plan("optimize-mesh,assemble", ModelFormat.GLB);
    assertThat(byName.keySet()).containsExactly("inspect", "optimize-mesh", "assemble");
    assertThat(meshOutput(byName)).isEqualTo(OutputNames.MESH_GLB);
  }

  @Test
  void assembleAloneWaitsForTheConvertedModel() {
    var stl = plan("assemble", ModelFormat.STL);
    assertThat(stl.keySet()).containsExactlyInAnyOrder("convert", "assemble");
    assertThat(stl.get("assemble").dependsOn()).isEqualTo(ids(stl, "convert"));
    var glb = plan("assemble", ModelFormat.GLB);
    assertThat(glb.keySet()).containsExactly("assemble");
    assertThat(glb.get("assemble").dependsOn()).isEmpty();
  }

  @Test
  void theOutputParamIsThePlannersWhateverTheSpecSays() {
    // a spec that asks for mesh.glb without an assemble would leave the job without its final GLB;
    // one that asks for optimized.glb beside assemble would have assemble read the unoptimized
    // model
    var meshOnly =
        plan(
            "[{\"type\":\"optimize-mesh\",\"params\":{\"output\":\"mesh.glb\"}}]", ModelFormat.GLB);
    assertThat(meshOutput(meshOnly)).isEqualTo(OutputNames.OPTIMIZED_GLB);
    var textured =
        plan(
            "[{\"type\":\"optimize-mesh\",\"params\":{\"output\":\"optimized.glb\"}},\"compress-texture\"]",
            ModelFormat.GLB);
    assertThat(meshOutput(textured)).isEqualTo(OutputNames.MESH_GLB);
    // a name the grid does not plan with never gets that far: the spec is refused when parsed
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                plan(
                    "[{\"type\":\"optimize-mesh\",\"params\":{\"output\":\"../thumbnail.png\"}}]",
                    ModelFormat.GLB))
        .hasMessageContaining("/0/params/output");
  }

  @Test
  void pipelinesWithoutMeshOrTextureStagesAreUnchanged() {
    assertThat(plan("inspect", ModelFormat.GLB).keySet()).containsExactly("inspect");
    assertThat(plan("noop", ModelFormat.STL).keySet()).containsExactly("noop");
    var validate = plan("validate", ModelFormat.GLB);
    assertThat(validate.keySet()).containsExactly("inspect", "validate");
    assertThat(validate.get("validate").dependsOn()).isEqualTo(ids(validate, "inspect"));
  }

  /** Which model each task reads is named by the plan, not guessed by the node from its inputs. */
  @Test
  void everyTaskThatReadsAModelIsToldWhichInput() {
    var full = plan("validate,optimize-mesh,compress-texture,thumbnail", ModelFormat.OBJ);
    assertThat(full.get("convert").params().has(OutputNames.INPUT_PARAM)).isFalse();
    for (String t : List.of("inspect", "validate", "optimize-mesh", "compress-texture")) {
      assertThat(full.get(t).params().path(OutputNames.INPUT_PARAM).asText(null))
          .as(t)
          .isEqualTo(OutputNames.CONVERTED_GLB);
    }
    assertThat(full.get("assemble").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.MESH_GLB);
    assertThat(full.get("thumbnail").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.MESH_GLB);

    var meshOnly = plan("optimize-mesh,thumbnail", ModelFormat.GLB);
    assertThat(meshOnly.get("optimize-mesh").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.ORIGINAL);
    assertThat(meshOnly.get("thumbnail").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.OPTIMIZED_GLB);

    var thumbOnly = plan("thumbnail", ModelFormat.STL);
    assertThat(thumbOnly.get("thumbnail").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.CONVERTED_GLB);
    var assembleOnly = plan("assemble", ModelFormat.GLB);
    assertThat(assembleOnly.get("assemble").params().path(OutputNames.INPUT_PARAM).asText(null))
        .isEqualTo(OutputNames.ORIGINAL);
    assertThat(plan("noop", ModelFormat.GLB).get("noop").params().has(OutputNames.INPUT_PARAM))
        .isFalse();
  }

  /** The job's tasks that wait when its inspect succeeds: everything but inspect. */
  private static List<PlannedTask> waiting(Map<String, PlannedTask> plan) {
    return plan.values().stream().filter(t -> !t.name().equals("inspect")).toList();
  }

  private static ObjectNode inspectResult(Integer... images) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    ArrayNode textures = result.putArray("textures");
    for (Integer img : images) {
      textures.add(
          img == null
              ? JsonNodeFactory.instance.objectNode()
              : JsonNodeFactory.instance.objectNode().put("image", img));
    }
    return result;
  }

  @Test
  void texturesFanOutToOneTaskPerDistinctImageAndAssembleWaitsForEach() {
    var plan =
        plan(
            "{\"stages\":[{\"type\":\"compress-texture\",\"params\":{\"etc1sQuality\":128}},\"optimize-mesh\"]}",
            ModelFormat.GLB);
    UUID inspect = plan.get("inspect").id();
    PlannedTask placeholder = plan.get("compress-texture");
    // two textures share image 2; a texture without an image (or a negative one) has nothing to
    // compress
    PlaceholderExpansion x =
        JobPlanner.expandTextures(inspect, inspectResult(2, 0, 2, -1, null), waiting(plan))
            .orElseThrow();
    assertThat(x.placeholder()).isEqualTo(placeholder.id());
    assertThat(x.added())
        .extracting(PlannedTask::name)
        .containsExactly("compress-texture-0", "compress-texture-2");
    assertThat(x.added())
        .allSatisfy(
            t -> {
              assertThat(t.type()).isEqualTo(TaskType.COMPRESS_TEXTURE);
              assertThat(t.dependsOn()).containsExactly(inspect);
              assertThat(t.params().has(CompressTextureParams.FAN_OUT_PARAM)).isFalse();
              assertThat(t.params().path("etc1sQuality").asInt())
                  .as("the stage's options carry over")
                  .isEqualTo(128);
            });
    assertThat(x.added()).extracting(t -> t.params().path("image").asInt()).containsExactly(0, 2);
    assertThat(x.added())
        .extracting(PlannedTask::id)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(plan.values().stream().map(PlannedTask::id).toList());
    // only assemble waited for the placeholder; it now waits for every texture instead
    assertThat(x.rewired())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.id()).isEqualTo(plan.get("assemble").id());
              assertThat(a.dependsOn())
                  .containsExactly(
                      plan.get("optimize-mesh").id(),
                      inspect,
                      x.added().get(0).id(),
                      x.added().get(1).id());
            });
    assertThat(placeholder.params().path(CompressTextureParams.FAN_OUT_PARAM).asBoolean())
        .as("the plan is not changed")
        .isTrue();
  }

  @Test
  void aModelWithoutImagesDropsThePlaceholderAndAssembleKeepsInspect() {
    var plan = plan("compress-texture", ModelFormat.GLB);
    PlaceholderExpansion x =
        JobPlanner.expandTextures(
                plan.get("inspect").id(), JsonNodeFactory.instance.objectNode(), waiting(plan))
            .orElseThrow();
    assertThat(x.added()).isEmpty();
    assertThat(x.rewired())
        .singleElement()
        .satisfies(a -> assertThat(a.dependsOn()).containsExactly(plan.get("inspect").id()));
  }

  @Test
  void noPlaceholderNoFanOut() {
    var plan = plan("validate,optimize-mesh,thumbnail", ModelFormat.GLB);
    assertThat(
            JobPlanner.expandTextures(plan.get("inspect").id(), inspectResult(0, 1), waiting(plan)))
        .isEmpty();
    // a compress-texture task that is not the placeholder (already expanded) is not expanded again
    PlannedTask expanded =
        new PlannedTask(
            UUID.randomUUID(),
            "compress-texture-0",
            TaskType.COMPRESS_TEXTURE,
            JsonNodeFactory.instance.objectNode().put("image", 0),
            List.of(plan.get("inspect").id()));
    assertThat(
            JobPlanner.expandTextures(
                plan.get("inspect").id(), inspectResult(0), List.of(expanded)))
        .isEmpty();
  }
}
