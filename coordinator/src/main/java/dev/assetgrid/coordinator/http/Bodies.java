package dev.assetgrid.coordinator.http;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Reading small JSON request bodies with errors that name the member ({@code pointer}). */
final class Bodies {
  private Bodies() {}

  /** The body as a JSON object; {@code shape} shows the caller what is expected. */
  static JsonObject object(RoutingContext ctx, String shape) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "the request needs a JSON body: " + shape);
    }
    try {
      Object v = ctx.body().asJsonObject();
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    throw new AssetGridException(
        ErrorCode.INVALID_REQUEST, "the body is not a JSON object; expected " + shape);
  }

  /** An optional string member of at most {@code max} characters. */
  static String string(JsonObject body, String member, int max) {
    Object v = body.getValue(member);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > max) {
      throw invalid("/" + member, member + " must be a string of 1 to " + max + " characters");
    }
    return s;
  }

  static AssetGridException invalid(String pointer, String message) {
    return new AssetGridException(
        ErrorCode.INVALID_REQUEST, message, Map.of("pointer", pointer), null);
  }
}
