package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.validate.ValidationReport;
import dev.assetgrid.node.processing.validate.Validator;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.stage.ValidateOptions;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code validate}: validates the model the plan names and uploads the Khronos-shaped report as
 * {@code validation.json}. A model with errors does not fail the task: the report is the result.
 * Result: the counts, whether the issue list was truncated, and the first {@link #RESULT_ISSUES}
 * issues (the full list is in the file).
 */
public final class ValidateHandler implements TaskHandler {
  /** Issues copied into the task result. */
  public static final int RESULT_ISSUES = 20;

  @Override
  public TaskType type() {
    return TaskType.VALIDATE;
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    TaskParams task = TaskParams.read(TaskType.VALIDATE, work.params(), "");
    ValidateOptions options = task.stage(ValidateOptions.class);
    Path model = TaskInputs.model(work, task);
    work.progress().accept(0.1);
    ValidationReport report = Validator.validate(model, options);
    ObjectNode json = report.toJson();
    Path out = work.workDir().resolve(OutputNames.VALIDATION_JSON);
    Files.writeString(out, GltfReader.JSON.writeValueAsString(json));
    ObjectNode result = GltfReader.JSON.createObjectNode();
    result.put("numErrors", report.numErrors());
    result.put("numWarnings", report.numWarnings());
    result.put("numInfos", report.numInfos());
    result.put("numHints", report.numHints());
    result.put("valid", !report.hasErrors());
    JsonNode messages = json.path("issues").path("messages");
    ArrayNode issues = result.putArray("issues");
    for (int i = 0; i < messages.size() && i < RESULT_ISSUES; i++) {
      issues.add(messages.get(i));
    }
    result.put("issuesTruncated", messages.size() > RESULT_ISSUES || report.truncated());
    return new TaskResult(
        result,
        List.of(new TaskResult.Output(OutputNames.VALIDATION_JSON, out, "application/json")));
  }
}
