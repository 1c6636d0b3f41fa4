package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;

/** Reading option records from JSON: missing or null members take the default; wrong types are INVALID_REQUEST. */
final class OptionsJson {
  private OptionsJson() {}

  static boolean bool(JsonNode json, String name, boolean dflt) {
    JsonNode n = json == null ? null : json.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw bad(name, "a boolean", n);
    }
    return n.asBoolean();
  }

  static int integer(JsonNode json, String name, int dflt) {
    JsonNode n = json == null ? null : json.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
      throw bad(name, "an integer", n);
    }
    return n.asInt();
  }

  static float number(JsonNode json, String name, float dflt) {
    JsonNode n = json == null ? null : json.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw bad(name, "a number", n);
    }
    return (float) n.asDouble();
  }

  static String text(JsonNode json, String name, String dflt) {
    JsonNode n = json == null ? null : json.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw bad(name, "a string", n);
    }
    return n.asText();
  }

  static JsonNode object(JsonNode json, String name) {
    JsonNode n = json == null ? null : json.get(name);
    return n != null && n.isObject() ? n : null;
  }

  static AssetGridException bad(String name, String what, Object value) {
    return new AssetGridException(ErrorCode.INVALID_REQUEST, "option '" + name + "' must be " + what + ", is " + value);
  }

  static void check(boolean ok, String name, String rule, Object value) {
    if (!ok) {
      throw bad(name, rule, value);
    }
  }
}
