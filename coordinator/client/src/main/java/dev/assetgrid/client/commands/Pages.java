package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;

/**
 * Reads a keyset-paged listing ({@code {items, next}}, the cursor passed back as {@code after})
 * until {@code limit} items or its end, asking for at most {@link #MAX_PAGE} per request.
 */
public final class Pages {
  /** The API's largest page. */
  public static final int MAX_PAGE = 500;

  private Pages() {}

  /**
   * @param path the listing's path
   * @param query its filters (without {@code limit} or {@code after})
   */
  public static ArrayNode collect(Api api, String path, Query query, int limit) {
    ArrayNode out = Json.object().arrayNode();
    String after = null;
    while (out.size() < limit) {
      int page = Math.min(MAX_PAGE, limit - out.size());
      String q = query.toString();
      String sep = q.isEmpty() ? "?" : "&";
      String more = Query.of().add("limit", page).add("after", after).toString().substring(1);
      JsonNode answer = api.get(path + q + sep + more);
      JsonNode items = answer == null ? null : answer.get("items");
      if (items == null || !items.isArray()) {
        break;
      }
      items.forEach(i -> out.add(i));
      after = Json.text(answer, "next");
      if (after == null || items.isEmpty()) {
        break;
      }
    }
    return out;
  }
}
