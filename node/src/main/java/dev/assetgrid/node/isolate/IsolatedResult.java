package dev.assetgrid.node.isolate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.worker.TaskResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A worker process's {@code done} answer, as the task result it stands for. */
record IsolatedResult(TaskResult result) {
  static IsolatedResult of(JsonNode done) {
    List<TaskResult.Output> outputs = new ArrayList<>();
    for (JsonNode o : done.path("outputs")) {
      outputs.add(
          new TaskResult.Output(
              o.path("name").asText(),
              Path.of(o.path("file").asText()),
              o.path("contentType").asText()));
    }
    JsonNode r = done.path("result");
    return new IsolatedResult(
        new TaskResult(
            r instanceof ObjectNode on ? on : JsonNodeFactory.instance.objectNode(), outputs));
  }
}
