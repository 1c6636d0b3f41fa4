package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** The tasks leased to a node; empty when nothing was queued within the wait. */
public record LeaseReply(List<LeasedTask> tasks) {
  public LeaseReply {
    tasks = List.copyOf(tasks);
  }

  public JsonObject toJson() {
    return new JsonObject().put("tasks", Json.array(tasks, LeasedTask::toJson));
  }

  public static LeaseReply fromJson(JsonObject j) {
    return new LeaseReply(Json.objects(j.getJsonArray("tasks"), LeasedTask::fromJson));
  }
}
