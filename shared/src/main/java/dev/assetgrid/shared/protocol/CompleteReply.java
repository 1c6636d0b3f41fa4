package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;

/**
 * @param accepted whether the completion counted (false when fenced off: stale attempt or token)
 * @param reason why it was refused, when refused
 */
public record CompleteReply(boolean accepted, String reason) {
  public JsonObject toJson() {
    return new JsonObject().put("accepted", accepted).put("reason", reason);
  }

  public static CompleteReply fromJson(JsonObject j) {
    return new CompleteReply(j.getBoolean("accepted", false), j.getString("reason"));
  }
}
