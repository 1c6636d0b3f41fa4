package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** A node's periodic report on the leases it holds. */
public record Heartbeat(String nodeId, List<Lease> leases) {
  public Heartbeat {
    leases = List.copyOf(leases);
  }

  /**
   * @param progress fraction done, 0..1, or negative when unknown
   */
  public record Lease(String taskId, String leaseToken, double progress) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("taskId", taskId)
          .put("leaseToken", leaseToken)
          .put("progress", progress);
    }

    public static Lease fromJson(JsonObject j) {
      return new Lease(
          j.getString("taskId"), j.getString("leaseToken"), j.getDouble("progress", -1.0));
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("leases", Json.array(leases, Lease::toJson));
  }

  public static Heartbeat fromJson(JsonObject j) {
    return new Heartbeat(
        j.getString("nodeId"), Json.objects(j.getJsonArray("leases"), Lease::fromJson));
  }
}
