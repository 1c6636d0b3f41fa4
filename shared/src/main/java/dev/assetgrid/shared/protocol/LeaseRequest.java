package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A node asks for up to {@code freeSlots} tasks of the types in {@code capabilities}.
 *
 * @param nodeId Vert.x cluster node id of the asking node
 * @param freeSlots how many tasks it can start now (≥ 1)
 * @param capabilities task types it can run (see {@code TaskType#wire()})
 * @param waitMs how long the coordinator may hold the request when nothing is queued (long poll)
 */
public record LeaseRequest(String nodeId, int freeSlots, List<String> capabilities, long waitMs) {
  public LeaseRequest {
    capabilities = List.copyOf(capabilities);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("freeSlots", freeSlots)
        .put("capabilities", new JsonArray(capabilities))
        .put("waitMs", waitMs);
  }

  public static LeaseRequest fromJson(JsonObject j) {
    return new LeaseRequest(
        j.getString("nodeId"),
        j.getInteger("freeSlots", 1),
        Json.strings(j.getJsonArray("capabilities")),
        j.getLong("waitMs", 0L));
  }
}
