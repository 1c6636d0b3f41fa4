package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a node publishes every few seconds on {@link Addresses#NODES}.
 *
 * @param capabilities task types it runs, plus {@code native:<lib>=<version>} entries for loaded
 *     natives
 * @param load running tasks / slots, 0..1
 * @param running ids of the tasks it runs now
 */
public record NodeAnnouncement(
    String nodeId,
    String host,
    int slots,
    List<String> capabilities,
    String version,
    double load,
    List<String> running) {
  public NodeAnnouncement {
    capabilities = List.copyOf(capabilities);
    running = List.copyOf(running);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("host", host)
        .put("slots", slots)
        .put("capabilities", new JsonArray(capabilities))
        .put("version", version)
        .put("load", load)
        .put("running", new JsonArray(running));
  }

  public static NodeAnnouncement fromJson(JsonObject j) {
    return new NodeAnnouncement(
        j.getString("nodeId"),
        j.getString("host"),
        j.getInteger("slots", 0),
        Json.strings(j.getJsonArray("capabilities")),
        j.getString("version"),
        j.getDouble("load", 0.0),
        Json.strings(j.getJsonArray("running")));
  }
}
