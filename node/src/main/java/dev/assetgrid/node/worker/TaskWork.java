package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * What a handler gets: the task's identity and params, its downloaded inputs, a private work
 * directory (deleted afterwards), a progress sink and a cancellation flag to poll.
 *
 * @param taskId task id
 * @param attempt attempt number, from 1
 * @param params stage options as JSON
 * @param inputs input name → local file; side files keep their relative names under {@code inputDir}
 * @param inputDir directory holding all inputs (relative URIs of a .gltf resolve here)
 * @param workDir scratch directory for outputs
 * @param progress accepts 0..1
 * @param cancelled true once the coordinator asked to stop; long handlers should poll it
 */
public record TaskWork(String taskId, int attempt, ObjectNode params, Map<String, Path> inputs, Path inputDir,
    Path workDir, DoubleConsumer progress, BooleanSupplier cancelled) {

  /** The input named {@code name}, or a DATA_ERROR-style failure when the lease did not carry it. */
  public Path input(String name) {
    Path p = inputs.get(name);
    if (p == null) {
      throw new dev.assetgrid.shared.error.AssetGridException(dev.assetgrid.shared.error.ErrorCode.GLTF_RESOURCE_MISSING,
          "task input '" + name + "' is missing");
    }
    return p;
  }
}
