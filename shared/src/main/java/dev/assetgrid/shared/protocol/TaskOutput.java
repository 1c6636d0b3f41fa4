package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;

/** A blob a task produced and already uploaded to its {@code outputUploadUrl}. */
public record TaskOutput(String name, String sha256, long size, String contentType) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("sha256", sha256)
        .put("size", size)
        .put("contentType", contentType);
  }

  public static TaskOutput fromJson(JsonObject j) {
    return new TaskOutput(
        j.getString("name"),
        j.getString("sha256"),
        j.getLong("size", 0L),
        j.getString("contentType", "application/octet-stream"));
  }
}
