package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/** A handler's answer: result JSON plus output files to upload. */
public record TaskResult(ObjectNode result, List<Output> outputs) {
  public TaskResult {
    outputs = List.copyOf(outputs);
  }

  /** A file to upload under {@code name} (e.g. {@code optimized.glb}). */
  public record Output(String name, Path file, String contentType) {}
}
