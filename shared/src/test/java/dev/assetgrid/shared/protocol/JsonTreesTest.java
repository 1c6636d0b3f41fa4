package dev.assetgrid.shared.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tree conversions give exactly what the text round trip they replace gave, number types
 * included.
 */
class JsonTreesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Params as they arrive: decoded from text, and as built in-process (nested JsonObject, Long,
   * Float, ...).
   */
  private static List<JsonObject> params() {
    List<JsonObject> all = new ArrayList<>();
    all.add(new JsonObject());
    all.add(
        new JsonObject(
            "{\"simplify\":{\"ratio\":0.5,\"maxError\":1e-3,\"lockBorder\":true},"
                + "\"formats\":[\"ktx2\",null,{\"q\":[1,2.0,-0.0]}],\"big\":12345678901,\"huge\":123456789012345678901234,"
                + "\"s\":\"\\u00e9\\n\"}"));
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("map", Map.of("k", 1L));
    raw.put("list", List.of(1, 2L, 3.25f));
    all.add(
        new JsonObject()
            .put("nested", new JsonObject().put("a", new JsonArray().add(1).add(7L).add(0.1f)))
            .put("int", 3)
            .put("long", 5L)
            .put("bigLong", Long.MAX_VALUE)
            .put("float", 0.1f)
            .put("double", 2.5)
            .put("decimal", new BigDecimal("1.50"))
            .put("decimalInt", new BigDecimal("100"))
            .put("bigint", new BigInteger("99"))
            .put("nan", Double.NaN)
            .put("bytes", new byte[] {1, 2, 3})
            .put("bool", false)
            .putNull("nothing")
            .put("raw", raw));
    return all;
  }

  @Test
  void paramsConvertAsEncodingAndParsingDid() throws Exception {
    for (JsonObject p : params()) {
      JsonNode viaText = JSON.readTree(p.encode());
      ObjectNode direct = JsonTrees.toJackson(p);
      assertThat(direct).as(p.encode()).isEqualTo(viaText);
      assertThat(typed(direct)).isEqualTo(typed(viaText));
    }
  }

  @Test
  void resultsConvertAsPrintingAndDecodingDid() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode r = f.objectNode();
    r.put("int", 3)
        .put("long", 5L)
        .put("bigLong", Long.MAX_VALUE)
        .put("float", 0.1f)
        .put("double", 2.5)
        .put("decimal", new BigDecimal("1.50"))
        .put("bigint", new BigInteger("123456789012345678901234"))
        .put("smallBigint", BigInteger.TWO)
        .put("nan", Double.NaN)
        .put("text", "é\n")
        .put("bool", true)
        .put("short", (short) 7)
        .putNull("nothing");
    r.put("bytes", new byte[] {1, 2, 3});
    r.putObject("nested")
        .putArray("xs")
        .add(1)
        .add(2.5)
        .add(f.nullNode())
        .addObject()
        .put("k", "v");
    r.putPOJO("pojo", List.of(1, 2));
    r.set("missingBecomesNothing", f.objectNode());

    JsonObject viaText = new JsonObject(r.toString());
    JsonObject direct = JsonTrees.toVertx(r);

    assertThat(direct.encode()).isEqualTo(viaText.encode());
    assertThat(typed(direct.getMap())).isEqualTo(typed(viaText.getMap()));
  }

  /** A dump that tells numbers apart by Java or node type. */
  private static String typed(Object v) {
    if (v instanceof JsonNode n) {
      if (n.isObject()) {
        StringBuilder b = new StringBuilder("{");
        n.properties()
            .forEach(e -> b.append(e.getKey()).append('=').append(typed(e.getValue())).append(','));
        return b.append('}').toString();
      }
      if (n.isArray()) {
        StringBuilder b = new StringBuilder("[");
        n.forEach(e -> b.append(typed(e)).append(','));
        return b.append(']').toString();
      }
      return n.getNodeType() + ":" + n.getClass().getSimpleName() + ":" + n;
    }
    if (v instanceof JsonObject o) {
      return typed(o.getMap());
    }
    if (v instanceof JsonArray a) {
      return typed(a.getList());
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach((k, e) -> b.append(k).append('=').append(typed(e)).append(','));
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      l.forEach(e -> b.append(typed(e)).append(','));
      return b.append(']').toString();
    }
    return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
  }
}
