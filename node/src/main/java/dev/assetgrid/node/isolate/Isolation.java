package dev.assetgrid.node.isolate;

import dev.assetgrid.node.worker.TaskHandler;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which stages a node runs in worker processes ({@link StagePool}) and with how much heap.
 *
 * @param stages the stage types to isolate; empty = none
 * @param heap each worker process's {@code -Xmx}
 */
public record Isolation(Set<TaskType> stages, String heap) {
  /** The stages that hand untrusted bytes to native code (Assimp, meshoptimizer, stb, libktx). */
  public static final Set<TaskType> NATIVE =
      EnumSet.of(
          TaskType.CONVERT, TaskType.OPTIMIZE_MESH, TaskType.COMPRESS_TEXTURE, TaskType.THUMBNAIL);

  public static final String DEFAULT_HEAP = "1g";

  public Isolation {
    stages = stages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stages));
    if (heap == null || !heap.matches("[1-9][0-9]*[kKmMgG]?")) {
      throw new IllegalArgumentException("a worker process heap is a size such as 512m or 2g");
    }
  }

  public static Isolation none() {
    return new Isolation(Set.of(), DEFAULT_HEAP);
  }

  /**
   * From a flag's text: {@code native} (the native stages), {@code none}, or stage names separated
   * by commas.
   */
  public static Isolation parse(String text, String heap) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("none")) {
      return new Isolation(Set.of(), heap);
    }
    if (t.equals("native")) {
      return new Isolation(NATIVE, heap);
    }
    Set<TaskType> out = EnumSet.noneOf(TaskType.class);
    for (String s : t.split(",")) {
      try {
        out.add(TaskType.fromWire(s.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--isolate: '" + s.trim() + "' is not a stage (native, none, or stage names)");
      }
    }
    return new Isolation(out, heap);
  }

  /**
   * The handlers with those of {@link #stages} running in {@code pool}; the pool is made only when
   * something is isolated (null otherwise).
   */
  public List<TaskHandler> wrap(List<TaskHandler> handlers, StagePool pool) {
    List<TaskHandler> out = new ArrayList<>();
    for (TaskHandler h : handlers) {
      out.add(pool != null && stages.contains(h.type()) ? new IsolatedHandler(h, pool) : h);
    }
    return out;
  }

  /** A pool for these stages, logging under {@code workDir}; null when nothing is isolated. */
  public StagePool pool(Path workDir) {
    return stages.isEmpty()
        ? null
        : new StagePool(new StagePool.Options(heap, workDir.resolve("stage-hosts")));
  }
}
