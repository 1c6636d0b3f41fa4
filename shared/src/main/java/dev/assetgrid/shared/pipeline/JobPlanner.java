package dev.assetgrid.shared.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.CompressTextureParams;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import dev.assetgrid.shared.util.Ids;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one recipe that turns a pipeline spec into a task DAG for one asset: the coordinator plans
 * every job with it, and the node's {@code PlanRunner} runs the same plan in one process for the
 * local {@code process} command and the benchmarks.
 *
 * <pre>
 * convert? ─▶ inspect ─┬▶ validate
 *                      ├▶ optimize-mesh ─┬──────────┬▶ assemble?
 *                      ├▶ compress-texture × k ─────┘
 *                      │                 └▶ thumbnail
 *                      └▶ noop
 * </pre>
 *
 * Ordering constraints, each for a reason:
 *
 * <ul>
 *   <li>convert comes first whenever the upload is not glTF: every other stage reads glTF.
 *   <li>inspect runs before the rest (added when a later stage needs it): it rejects unreadable
 *       files before heavier work starts, and its image list is what the texture fan-out expands.
 *   <li>compress-texture is planned as one placeholder; when inspect succeeds it is replaced by one
 *       task per image ({@link CompressTextureParams#FAN_OUT_PARAM}, {@link #expandTextures}), so
 *       textures of one model run on different nodes at once.
 *   <li>assemble waits for the mesh and every texture and writes the final GLB ({@code
 *       optimized.glb}); it is added whenever compress-texture is asked for, and planned when the
 *       spec lists it. A model that turns out to have no images keeps its assemble: the plan is
 *       made before inspect has read the model. assemble also waits for inspect (or convert), so
 *       the converted model stays among its inputs when there is no texture task to carry it.
 *   <li>Without assemble there is nothing to merge, so optimize-mesh writes the final {@code
 *       optimized.glb} itself instead of {@code mesh.glb} ({@link OutputNames#MESH_OUTPUT_PARAM},
 *       set here on every optimize-mesh task, replacing any value the spec gave). An assemble that
 *       only read {@code mesh.glb} and wrote it again cost a lease, two transfers and a GLB rewrite
 *       per job: a third of the mesh pipeline's tasks.
 *   <li>thumbnail renders the most processed model it can draw: it waits for optimize-mesh when
 *       there is one ({@code mesh.glb}, or {@code optimized.glb} when there is no assemble), never
 *       for assemble, whose KTX2 images the rasterizer cannot decode and which changes nothing else
 *       in the picture; otherwise it waits for inspect.
 * </ul>
 */
public final class JobPlanner {
  private JobPlanner() {}

  public static List<PlannedTask> plan(PipelineSpec spec, ModelFormat format) {
    Map<TaskType, ObjectNode> asked = new EnumMap<>(TaskType.class);
    for (PipelineSpec.Stage s : spec.stages()) {
      asked.put(s.type(), s.params());
    }
    boolean needsGltf = asked.keySet().stream().anyMatch(t -> t != TaskType.NOOP);
    if (!format.isGltf() && needsGltf) {
      asked.putIfAbsent(TaskType.CONVERT, JsonNodeFactory.instance.objectNode());
    }
    boolean textures = asked.containsKey(TaskType.COMPRESS_TEXTURE);
    boolean heavy = asked.containsKey(TaskType.OPTIMIZE_MESH) || textures;
    if (heavy || asked.containsKey(TaskType.THUMBNAIL) || asked.containsKey(TaskType.VALIDATE)) {
      asked.putIfAbsent(TaskType.INSPECT, JsonNodeFactory.instance.objectNode());
    }
    // assemble merges the textures into the mesh; with no texture stage (and no assemble in the
    // spec)
    // optimize-mesh writes the final GLB itself
    if (textures) {
      asked.putIfAbsent(TaskType.ASSEMBLE, JsonNodeFactory.instance.objectNode());
    }
    String meshOutput =
        asked.containsKey(TaskType.ASSEMBLE) ? OutputNames.MESH_GLB : OutputNames.OPTIMIZED_GLB;

    List<PlannedTask> out = new ArrayList<>();
    Map<TaskType, UUID> ids = new EnumMap<>(TaskType.class);
    for (TaskType t : asked.keySet()) {
      ids.put(t, Ids.newId());
    }
    // EnumMap iterates in declaration order: inspect, validate, convert, ... assemble, thumbnail
    for (Map.Entry<TaskType, ObjectNode> e : asked.entrySet()) {
      TaskType t = e.getKey();
      List<UUID> deps = new ArrayList<>();
      switch (t) {
        case CONVERT -> {}
        case INSPECT -> addIf(deps, ids, TaskType.CONVERT);
        case ASSEMBLE -> {
          addIf(deps, ids, TaskType.OPTIMIZE_MESH);
          addIf(deps, ids, TaskType.COMPRESS_TEXTURE);
          // inputs come from ancestors: without this edge an assemble alone, or one whose texture
          // placeholder was dropped (no images), would lose convert's GLB and read the original
          // upload
          if (ids.containsKey(TaskType.INSPECT)) {
            deps.add(ids.get(TaskType.INSPECT));
          } else {
            addIf(deps, ids, TaskType.CONVERT);
          }
        }
        case THUMBNAIL -> {
          if (ids.containsKey(TaskType.OPTIMIZE_MESH)) {
            deps.add(ids.get(TaskType.OPTIMIZE_MESH));
          } else {
            addIf(deps, ids, TaskType.INSPECT);
          }
        }
        default -> {
          if (ids.containsKey(TaskType.INSPECT)) {
            deps.add(ids.get(TaskType.INSPECT));
          } else {
            addIf(deps, ids, TaskType.CONVERT);
          }
        }
      }
      ObjectNode params = e.getValue().deepCopy();
      String input = inputOf(t, asked.keySet(), meshOutput);
      if (input != null) {
        params.put(OutputNames.INPUT_PARAM, input);
      }
      if (t == TaskType.CONVERT) {
        params.put("format", format.wire());
      }
      if (t == TaskType.OPTIMIZE_MESH) {
        params.put(OutputNames.MESH_OUTPUT_PARAM, meshOutput);
      }
      if (t == TaskType.COMPRESS_TEXTURE) {
        params.put(CompressTextureParams.FAN_OUT_PARAM, true);
      }
      out.add(new PlannedTask(ids.get(t), t.wire(), t, params, List.copyOf(deps)));
    }
    return out;
  }

  /**
   * The model a task of type {@code t} reads, named by the plan ({@link OutputNames#INPUT_PARAM}):
   * the converted GLB when the job converts, else the original; assemble reads optimize-mesh's
   * {@code mesh.glb}, and thumbnail optimize-mesh's output, when the job has optimize-mesh. Null
   * for tasks that read no model (noop) and for convert, which reads the original and its side
   * files.
   */
  private static String inputOf(TaskType t, java.util.Set<TaskType> planned, String meshOutput) {
    String model =
        planned.contains(TaskType.CONVERT) ? OutputNames.CONVERTED_GLB : OutputNames.ORIGINAL;
    boolean mesh = planned.contains(TaskType.OPTIMIZE_MESH);
    return switch (t) {
      case NOOP, CONVERT -> null;
      case ASSEMBLE, THUMBNAIL -> mesh ? meshOutput : model;
      default -> model;
    };
  }

  /**
   * The texture fan-out, decided when inspect succeeds: finds the job's compress-texture
   * placeholder among {@code waiting} (the job's tasks that wait for something) and expands it
   * ({@link #expandTextures(PlannedTask, UUID, JsonNode, List)}). Empty when there is none.
   *
   * @param inspectId the inspect task that succeeds
   * @param inspect its result: {@code textures[].image} lists the images
   */
  public static Optional<PlaceholderExpansion> expandTextures(
      UUID inspectId, JsonNode inspect, List<PlannedTask> waiting) {
    for (PlannedTask t : waiting) {
      if (t.type() == TaskType.COMPRESS_TEXTURE
          && t.params().path(CompressTextureParams.FAN_OUT_PARAM).asBoolean(false)) {
        return Optional.of(expandTextures(t, inspectId, inspect, waiting));
      }
    }
    return Optional.empty();
  }

  /**
   * Replaces the compress-texture {@code placeholder} with one task per distinct image the inspect
   * result lists, in image order: named {@code compress-texture-<image>}, with the placeholder's
   * params less {@link CompressTextureParams#FAN_OUT_PARAM} plus {@code image}, each waiting for
   * inspect alone. Every task of {@code jobTasks} that waited for the placeholder waits for those
   * instead. A model without images drops the placeholder: its dependents keep their other
   * dependencies (assemble still has inspect's, see {@link #plan}).
   */
  public static PlaceholderExpansion expandTextures(
      PlannedTask placeholder, UUID inspectId, JsonNode inspect, List<PlannedTask> jobTasks) {
    TreeSet<Integer> images = new TreeSet<>();
    for (JsonNode texture : inspect.path("textures")) {
      JsonNode img = texture.path("image");
      if (img.canConvertToInt() && img.isIntegralNumber() && img.asInt() >= 0) {
        images.add(img.asInt());
      }
    }
    List<PlannedTask> added = new ArrayList<>();
    List<UUID> addedIds = new ArrayList<>();
    for (int img : images) {
      ObjectNode params = placeholder.params().deepCopy();
      params.remove(CompressTextureParams.FAN_OUT_PARAM);
      params.put("image", img);
      PlannedTask t =
          new PlannedTask(
              Ids.newId(),
              TaskType.COMPRESS_TEXTURE.wire() + "-" + img,
              TaskType.COMPRESS_TEXTURE,
              params,
              List.of(inspectId));
      added.add(t);
      addedIds.add(t.id());
    }
    List<PlannedTask> rewired = new ArrayList<>();
    for (PlannedTask t : jobTasks) {
      if (t.dependsOn().contains(placeholder.id())) {
        List<UUID> deps = new ArrayList<>(t.dependsOn());
        deps.removeIf(placeholder.id()::equals);
        deps.addAll(addedIds);
        rewired.add(new PlannedTask(t.id(), t.name(), t.type(), t.params(), List.copyOf(deps)));
      }
    }
    return new PlaceholderExpansion(placeholder.id(), List.copyOf(added), List.copyOf(rewired));
  }

  private static void addIf(List<UUID> deps, Map<TaskType, UUID> ids, TaskType t) {
    if (ids.containsKey(t)) {
      deps.add(ids.get(t));
    }
  }
}
