package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;

/** How values of the API's JSON show in tables and {@code name: value} lines. */
public final class Show {
  private Show() {}

  /** A member's text; null when absent. */
  public static String text(JsonNode item, String member) {
    return Json.text(item, member);
  }

  /** A member within a member ({@code error.code}); null when either is absent. */
  public static String text(JsonNode item, String member, String inner) {
    return item == null ? null : Json.text(item.get(member), inner);
  }

  /** A byte count as people read it: {@code 512 B}, {@code 4.2 KiB}, {@code 1.5 GiB}. */
  public static String bytes(JsonNode item, String member) {
    JsonNode v = item.get(member);
    return v == null || !v.isNumber() ? null : bytes(v.asLong());
  }

  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A JSON array of strings as {@code a,b,c}; null when absent or empty. */
  public static String list(JsonNode item, String member) {
    JsonNode v = item.get(member);
    if (v == null || !v.isArray() || v.isEmpty()) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    v.forEach(x -> s.append(s.length() == 0 ? "" : ",").append(x.asText()));
    return s.toString();
  }

  /** A job's progress as {@code done/total}. */
  public static String tasks(JsonNode job) {
    JsonNode done = job.get("tasksDone");
    JsonNode total = job.get("tasksTotal");
    return done == null || total == null ? null : done.asInt() + "/" + total.asInt();
  }
}
