package dev.assetgrid.shared.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The one edge between the two JSON types: Vert.x JSON is the wire form (event-bus messages, the
 * PostgreSQL client's jsonb values, HTTP bodies), Jackson's tree is what every Java API that
 * carries stage params uses, from the parsed pipeline spec to the stage ({@code PipelineSpec},
 * {@code PlannedTask}, {@link LeasedTask}, the stages' option records). It converts by walking the
 * values, instead of encoding to text and parsing it again. The result is the same as the text
 * round trip it replaces: numbers land in the node type or Java type the parser would have picked
 * (an int-sized long becomes an {@code IntNode} / {@code Integer}). The rare values whose text form
 * is not obvious (BigDecimal, non-finite doubles, binary, POJOs) still go through text, one value
 * at a time.
 */
public final class JsonTrees {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /** A Vert.x object (task params, results) as a Jackson tree; never null. */
  public static ObjectNode toJackson(JsonObject o) {
    return object(o.getMap());
  }

  /** A Jackson object as Vert.x JSON. */
  public static JsonObject toVertx(ObjectNode n) {
    JsonObject o = new JsonObject();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      o.put(e.getKey(), vertx(e.getValue()));
    }
    return o;
  }

  // ------------------------------------------------------------------ Vert.x → Jackson

  private static ObjectNode object(Map<String, Object> m) {
    ObjectNode n = NODES.objectNode();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      n.set(e.getKey(), jackson(e.getValue()));
    }
    return n;
  }

  private static ArrayNode array(List<?> l) {
    ArrayNode a = NODES.arrayNode(l.size());
    for (Object v : l) {
      a.add(jackson(v));
    }
    return a;
  }

  @SuppressWarnings("unchecked")
  private static JsonNode jackson(Object v) {
    if (v == null) {
      return NODES.nullNode();
    } else if (v instanceof String s) {
      return NODES.textNode(s);
    } else if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (v instanceof Integer i) {
      return NODES.numberNode(i);
    } else if (v instanceof Long l) {
      return l == l.intValue() ? NODES.numberNode(l.intValue()) : NODES.numberNode(l);
    } else if (v instanceof Double d && Double.isFinite(d)) {
      return NODES.numberNode(d);
    } else if (v instanceof JsonObject o) {
      return object(o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      return object((Map<String, Object>) m);
    } else if (v instanceof JsonArray a) {
      return array(a.getList());
    } else if (v instanceof List<?> l) {
      return array(l);
    }
    try {
      return JSON.readTree(Json.encode(v));
    } catch (IOException | RuntimeException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "a value is not JSON");
    }
  }

  // ------------------------------------------------------------------ Jackson → Vert.x

  private static Object vertx(JsonNode n) {
    switch (n.getNodeType()) {
      case NULL:
        return null;
      case STRING:
        return n.textValue();
      case BOOLEAN:
        return n.booleanValue();
      case OBJECT:
        return toVertx((ObjectNode) n);
      case ARRAY:
        {
          JsonArray a = new JsonArray();
          for (JsonNode e : n) {
            a.add(vertx(e));
          }
          return a;
        }
      case NUMBER:
        if (n.isInt() || n.isShort()) {
          return n.intValue();
        } else if (n.isLong() || n.isBigInteger()) {
          BigInteger b = n.bigIntegerValue();
          return b.bitLength() < 32
              ? (Object) b.intValue()
              : b.bitLength() < 64 ? (Object) b.longValue() : b;
        } else if ((n.isDouble() || n.isFloat()) && Double.isFinite(n.doubleValue())) {
          // a float is printed with its shortest decimal form and read back as a double
          return n.isFloat() ? Double.parseDouble(Float.toString(n.floatValue())) : n.doubleValue();
        }
        break;
      default:
        break;
    }
    return new JsonArray("[" + n + "]").getValue(0);
  }
}
