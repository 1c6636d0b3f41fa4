package dev.assetgrid.client.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The client's one JSON mapper (Jackson trees: the client passes the server's JSON through). */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code text} as a tree; null when it is not JSON. */
  public static JsonNode parseOrNull(String text) {
    try {
      return text == null || text.isBlank() ? null : MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Indented JSON, as {@code --output json} prints it. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One-line JSON, for request bodies and state files. */
  public static String compact(JsonNode node) {
    return node.toString();
  }

  /** The text of member {@code name}, or null when it is absent or JSON null. */
  public static String text(JsonNode node, String name) {
    JsonNode v = node == null ? null : node.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }
}
