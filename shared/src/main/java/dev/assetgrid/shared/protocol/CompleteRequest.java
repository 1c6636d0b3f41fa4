package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A node reports the end of an attempt. It only counts when {@code taskId, attempt, leaseToken}
 * still match the task's current lease (fencing).
 */
public record CompleteRequest(
    String taskId,
    int attempt,
    String leaseToken,
    Outcome outcome,
    List<TaskOutput> outputs,
    JsonObject result,
    TaskError error) {

  public enum Outcome {
    SUCCEEDED,
    FAILED
  }

  public CompleteRequest {
    outputs = List.copyOf(outputs);
    result = result == null ? new JsonObject() : result;
  }

  public static CompleteRequest succeeded(
      LeasedTask t, List<TaskOutput> outputs, JsonObject result) {
    return new CompleteRequest(
        t.taskId(), t.attempt(), t.leaseToken(), Outcome.SUCCEEDED, outputs, result, null);
  }

  public static CompleteRequest failed(LeasedTask t, TaskError error) {
    return new CompleteRequest(
        t.taskId(), t.attempt(), t.leaseToken(), Outcome.FAILED, List.of(), null, error);
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("taskId", taskId)
            .put("attempt", attempt)
            .put("leaseToken", leaseToken)
            .put("outcome", outcome.name().toLowerCase())
            .put("outputs", Json.array(outputs, TaskOutput::toJson))
            .put("result", result);
    if (error != null) {
      j.put("error", error.toJson());
    }
    return j;
  }

  public static CompleteRequest fromJson(JsonObject j) {
    return new CompleteRequest(
        j.getString("taskId"),
        j.getInteger("attempt"),
        j.getString("leaseToken"),
        Outcome.valueOf(j.getString("outcome").toUpperCase()),
        Json.objects(j.getJsonArray("outputs"), TaskOutput::fromJson),
        j.getJsonObject("result"),
        TaskError.fromJson(j.getJsonObject("error")));
  }
}
