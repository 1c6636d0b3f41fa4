package dev.assetgrid.shared.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One task handed to a node.
 *
 * @param taskId task id
 * @param attempt attempt number, starting at 1; completion must quote it (fencing)
 * @param leaseToken secret of this attempt; authorises blob transfers, heartbeats and completion
 * @param leaseExpiresAt epoch milliseconds at which the lease lapses unless extended by a heartbeat
 * @param type task type (wire name)
 * @param params the task's params (see {@code dev.assetgrid.shared.stage.TaskParams}); never null
 * @param inputs blobs to fetch
 * @param outputUploadUrl base URL for outputs: {@code PUT outputUploadUrl + "/" + name}
 * @param presignedOutputs true when the blob store takes outputs directly (S3): the node asks
 *     {@code POST outputUploadUrl + "/" + name + "/presign"} for a URL (or learns the bytes are
 *     already stored), PUTs there, and the completion names what it stored
 * @param leaseMs the lease's length: the node counts it on its own clock from when it asked (a
 *     duration, so the two clocks need not agree); 0 = unknown (an older coordinator), the node
 *     then derives it from {@code leaseExpiresAt}
 */
public record LeasedTask(
    String taskId,
    int attempt,
    String leaseToken,
    long leaseExpiresAt,
    String type,
    ObjectNode params,
    List<TaskInput> inputs,
    String outputUploadUrl,
    boolean presignedOutputs,
    long leaseMs) {
  /** A task whose lease length is left to {@code leaseExpiresAt}. */
  public LeasedTask(
      String taskId,
      int attempt,
      String leaseToken,
      long leaseExpiresAt,
      String type,
      ObjectNode params,
      List<TaskInput> inputs,
      String outputUploadUrl,
      boolean presignedOutputs) {
    this(
        taskId,
        attempt,
        leaseToken,
        leaseExpiresAt,
        type,
        params,
        inputs,
        outputUploadUrl,
        presignedOutputs,
        0);
  }

  /** A task whose outputs go to the coordinator. */
  public LeasedTask(
      String taskId,
      int attempt,
      String leaseToken,
      long leaseExpiresAt,
      String type,
      ObjectNode params,
      List<TaskInput> inputs,
      String outputUploadUrl) {
    this(taskId, attempt, leaseToken, leaseExpiresAt, type, params, inputs, outputUploadUrl, false);
  }

  public LeasedTask {
    inputs = List.copyOf(inputs);
    params = params == null ? JsonNodeFactory.instance.objectNode() : params;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId)
        .put("attempt", attempt)
        .put("leaseToken", leaseToken)
        .put("leaseExpiresAt", leaseExpiresAt)
        .put("type", type)
        .put("params", JsonTrees.toVertx(params))
        .put("inputs", Json.array(inputs, TaskInput::toJson))
        .put("outputUploadUrl", outputUploadUrl)
        .put("presignedOutputs", presignedOutputs)
        .put("leaseMs", leaseMs);
  }

  public static LeasedTask fromJson(JsonObject j) {
    return new LeasedTask(
        j.getString("taskId"),
        j.getInteger("attempt"),
        j.getString("leaseToken"),
        j.getLong("leaseExpiresAt"),
        j.getString("type"),
        j.getJsonObject("params") == null ? null : JsonTrees.toJackson(j.getJsonObject("params")),
        Json.objects(j.getJsonArray("inputs"), TaskInput::fromJson),
        j.getString("outputUploadUrl"),
        j.getBoolean("presignedOutputs", false),
        j.getLong("leaseMs", 0L));
  }
}
