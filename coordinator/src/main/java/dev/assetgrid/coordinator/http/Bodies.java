package dev.assetgrid.coordinator.http;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
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

  /** Most tags an asset carries. */
  static final int MAX_TAGS = 50;

  /** Longest tag. */
  static final int MAX_TAG_CHARS = 64;

  /**
   * The optional member {@code tags}: an array of at most {@link #MAX_TAGS} strings of 1 to {@link
   * #MAX_TAG_CHARS} characters without commas, trimmed, duplicates dropped; null when absent.
   */
  static List<String> tags(JsonObject body) {
    Object t = body.getValue("tags");
    if (t == null) {
      return null;
    }
    if (!(t instanceof JsonArray a) || a.size() > MAX_TAGS) {
      throw invalid("/tags", "tags must be an array of at most " + MAX_TAGS + " strings");
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      if (!(v instanceof String tag)
          || tag.isBlank()
          || tag.length() > MAX_TAG_CHARS
          || tag.contains(",")) {
        throw invalid(
            "/tags/" + i,
            "a tag is a string of 1 to " + MAX_TAG_CHARS + " characters without commas");
      }
      if (!list.contains(tag.trim())) {
        list.add(tag.trim());
      }
    }
    return list;
  }

  static AssetGridException invalid(String pointer, String message) {
    return new AssetGridException(
        ErrorCode.INVALID_REQUEST, message, Map.of("pointer", pointer), null);
  }
}
