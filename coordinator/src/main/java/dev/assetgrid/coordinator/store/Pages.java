package dev.assetgrid.coordinator.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.Function;

/**
 * The {@code {items, next}} page of a list endpoint, from a query that asked for limit + 1 rows.
 */
final class Pages {
  private Pages() {}

  /**
   * The first {@code limit} rows as items; {@code next} is the key of the last of them when a
   * further row came (more to read), else null.
   */
  static JsonObject page(
      RowSet<Row> rs, int limit, Function<Row, JsonObject> item, Function<Row, String> key) {
    JsonArray items = new JsonArray();
    String next = null;
    Row last = null;
    for (Row r : rs) {
      if (items.size() == limit) {
        next = key.apply(last);
        break;
      }
      items.add(item.apply(r));
      last = r;
    }
    return new JsonObject().put("items", items).put("next", next);
  }
}
