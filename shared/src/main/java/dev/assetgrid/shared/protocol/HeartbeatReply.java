package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * @param extended task ids whose lease was extended
 * @param cancelled task ids the node must stop (cancelled job, or lease no longer theirs)
 * @param leaseExpiresAt new expiry (epoch ms) of the extended leases
 * @param leaseMs how long the extended leases now last, counted by the node from when it sent the
 *     heartbeat; 0 = unknown
 */
public record HeartbeatReply(
    List<String> extended, List<String> cancelled, long leaseExpiresAt, long leaseMs) {
  public HeartbeatReply(List<String> extended, List<String> cancelled, long leaseExpiresAt) {
    this(extended, cancelled, leaseExpiresAt, 0);
  }

  public HeartbeatReply {
    extended = List.copyOf(extended);
    cancelled = List.copyOf(cancelled);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("extended", new JsonArray(extended))
        .put("cancelled", new JsonArray(cancelled))
        .put("leaseExpiresAt", leaseExpiresAt)
        .put("leaseMs", leaseMs);
  }

  public static HeartbeatReply fromJson(JsonObject j) {
    return new HeartbeatReply(
        Json.strings(j.getJsonArray("extended")),
        Json.strings(j.getJsonArray("cancelled")),
        j.getLong("leaseExpiresAt", 0L),
        j.getLong("leaseMs", 0L));
  }
}
