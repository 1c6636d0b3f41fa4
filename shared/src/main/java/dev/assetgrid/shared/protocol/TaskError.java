package dev.assetgrid.shared.protocol;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/** Why an attempt failed: a stable code, a human message, and whether a retry may help. */
public record TaskError(String code, String message, boolean retryable) {
  public static TaskError of(Throwable t) {
    ErrorCode c = AssetGridException.codeOf(t);
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new TaskError(c.name(), msg, c.retryable());
  }

  public static TaskError of(ErrorCode c, String message) {
    return new TaskError(c.name(), message, c.retryable());
  }

  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", message).put("retryable", retryable);
  }

  public static TaskError fromJson(JsonObject j) {
    if (j == null) {
      return null;
    }
    return new TaskError(
        j.getString("code"), j.getString("message"), j.getBoolean("retryable", false));
  }
}
