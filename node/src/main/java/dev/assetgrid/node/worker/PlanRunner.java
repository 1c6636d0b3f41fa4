package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.pipeline.PlaceholderExpansion;
import dev.assetgrid.shared.pipeline.PlannedTask;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs a job's plan in this process: the tasks {@link JobPlanner} plans, through the handlers the
 * grid's nodes run, one after another in dependency order. The local {@code process} command and
 * the benchmarks use it, so a file processed locally goes through exactly the stages, params and
 * inputs a job on the grid would.
 *
 * <p>Each task gets what a lease would give it: the original and its side files, and the outputs of
 * every task it depends on, directly or not (a nearer ancestor's output shadows a farther one's of
 * the same name). When inspect succeeds its image list expands the compress-texture placeholder, as
 * the coordinator does ({@link JobPlanner#expandTextures}). Outputs stay in {@code workRoot}, one
 * folder per task, until the caller deletes it.
 */
public final class PlanRunner {
  private final Map<TaskType, TaskHandler> handlers = new EnumMap<>(TaskType.class);

  /**
   * @param handlers the handlers available here ({@link Handlers#available})
   */
  public PlanRunner(List<TaskHandler> handlers) {
    handlers.forEach(h -> this.handlers.put(h.type(), h));
  }

  /**
   * One task that ran.
   *
   * @param task the planned task
   * @param result its handler's result JSON
   * @param outputs output name → file
   * @param millis wall time of the handler
   */
  public record TaskRun(
      PlannedTask task, ObjectNode result, Map<String, Path> outputs, double millis) {}

  /**
   * What a run did.
   *
   * @param tasks the tasks in the order they ran
   * @param files every file of the job as the asset would list it: the original, then each output
   *     (a later output of the same name replaces an earlier one)
   */
  public record Run(List<TaskRun> tasks, Map<String, Path> files) {
    /** The first task of {@code type} that ran, if any. */
    public Optional<TaskRun> first(TaskType type) {
      return tasks.stream().filter(t -> t.task().type() == type).findFirst();
    }

    /** Every task of {@code type} that ran, in run order. */
    public List<TaskRun> all(TaskType type) {
      return tasks.stream().filter(t -> t.task().type() == type).toList();
    }

    /** Wall time per task name in run order, milliseconds. */
    public Map<String, Double> millis() {
      Map<String, Double> out = new LinkedHashMap<>();
      tasks.forEach(t -> out.put(t.task().name(), t.millis()));
      return out;
    }
  }

  /**
   * Runs {@code plan}.
   *
   * @param original the uploaded model; a .gltf's buffers and images are resolved beside it
   * @param sideFiles side files by their relative name (an OBJ's MTL and textures), offered to
   *     every task as inputs under those names
   * @param workRoot where each task's outputs go (one sub-folder per task)
   * @throws AssetGridException the first failing task's error, its message prefixed with the task
   */
  public Run run(
      List<PlannedTask> plan, Path original, Map<String, Path> sideFiles, Path workRoot) {
    Map<UUID, PlannedTask> pending = new LinkedHashMap<>();
    plan.forEach(t -> pending.put(t.id(), t));
    Map<UUID, List<UUID>> deps = new HashMap<>();
    plan.forEach(t -> deps.put(t.id(), t.dependsOn()));
    Map<UUID, TaskRun> done = new HashMap<>();
    List<TaskRun> order = new ArrayList<>();
    Map<String, Path> files = new LinkedHashMap<>();
    files.put(OutputNames.ORIGINAL, original);
    while (!pending.isEmpty()) {
      PlannedTask next =
          pending.values().stream()
              .filter(t -> done.keySet().containsAll(t.dependsOn()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssetGridException(
                          ErrorCode.INTERNAL_ERROR,
                          "the plan has a cycle or waits for a task it does not have: "
                              + pending.values()));
      pending.remove(next.id());
      TaskRun r = runOne(next, inputsOf(next, deps, done, original, sideFiles), original, workRoot);
      done.put(next.id(), r);
      order.add(r);
      files.putAll(r.outputs());
      if (next.type() == TaskType.INSPECT) {
        expand(next, r.result(), pending, deps);
      }
    }
    return new Run(List.copyOf(order), Collections.unmodifiableMap(files));
  }

  private TaskRun runOne(PlannedTask task, Map<String, Path> inputs, Path original, Path workRoot) {
    TaskHandler h = handlers.get(task.type());
    if (h == null) {
      throw new AssetGridException(
          ErrorCode.NATIVE_UNAVAILABLE,
          "no handler for "
              + task.type().wire()
              + " here (a native library it needs did not load)");
    }
    Path workDir = workRoot.resolve(task.name());
    TaskWork work =
        new TaskWork(
            task.id().toString(),
            1,
            (ObjectNode) task.params().deepCopy(),
            inputs,
            original.toAbsolutePath().getParent(),
            workDir,
            p -> {},
            () -> false);
    long t0 = System.nanoTime();
    TaskResult result;
    try {
      result = h.run(work);
    } catch (AssetGridException e) {
      throw new AssetGridException(e.code(), task.name() + ": " + e.getMessage(), e.details(), e);
    } catch (Exception e) {
      // as on a node, any other failure is an internal error, reported with a code, not a stack
      // trace
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, task.name() + " failed with an internal error", e);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Map<String, Path> outputs = new LinkedHashMap<>();
    result.outputs().forEach(o -> outputs.put(o.name(), o.file()));
    ObjectNode json =
        result.result() == null ? JsonNodeFactory.instance.objectNode() : result.result();
    return new TaskRun(task, json, Collections.unmodifiableMap(outputs), ms);
  }

  /**
   * The inputs a lease would carry: the original and side files, then the outputs of the task's
   * ancestors, nearest first (a nearer ancestor's output shadows a farther one's; any output
   * shadows a side file of the same name).
   */
  private static Map<String, Path> inputsOf(
      PlannedTask task,
      Map<UUID, List<UUID>> deps,
      Map<UUID, TaskRun> done,
      Path original,
      Map<String, Path> sideFiles) {
    Map<String, Path> in = new HashMap<>(sideFiles);
    in.put(OutputNames.ORIGINAL, original);
    List<List<UUID>> levels = new ArrayList<>();
    Deque<UUID> frontier = new ArrayDeque<>(task.dependsOn());
    java.util.Set<UUID> seen = new java.util.HashSet<>(frontier);
    while (!frontier.isEmpty()) {
      List<UUID> level = new ArrayList<>(frontier);
      levels.add(level);
      frontier.clear();
      for (UUID id : level) {
        for (UUID d : deps.getOrDefault(id, List.of())) {
          if (seen.add(d)) {
            frontier.add(d);
          }
        }
      }
    }
    for (int i = levels.size() - 1; i >= 0; i--) {
      for (UUID id : levels.get(i)) {
        TaskRun r = done.get(id);
        if (r != null) {
          in.putAll(r.outputs());
        }
      }
    }
    return in;
  }

  private static void expand(
      PlannedTask inspect,
      ObjectNode result,
      Map<UUID, PlannedTask> pending,
      Map<UUID, List<UUID>> deps) {
    Optional<PlaceholderExpansion> x =
        JobPlanner.expandTextures(inspect.id(), result, new ArrayList<>(pending.values()));
    if (x.isEmpty()) {
      return;
    }
    PlaceholderExpansion e = x.get();
    Map<UUID, PlannedTask> next = new LinkedHashMap<>();
    for (PlannedTask t : pending.values()) {
      if (t.id().equals(e.placeholder())) {
        e.added().forEach(a -> next.put(a.id(), a));
      } else {
        next.put(t.id(), t);
      }
    }
    e.rewired().forEach(t -> next.put(t.id(), t));
    pending.clear();
    pending.putAll(next);
    e.added().forEach(t -> deps.put(t.id(), t.dependsOn()));
    e.rewired().forEach(t -> deps.put(t.id(), t.dependsOn()));
  }
}
