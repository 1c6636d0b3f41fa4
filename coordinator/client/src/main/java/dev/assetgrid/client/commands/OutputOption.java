package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --output table|json} of the listing and show commands: a table (or {@code name: value}
 * lines) for people, the server's raw JSON (the items of a listing, the object of a show) for
 * scripts.
 */
public final class OutputOption {
  /** The formats. */
  public enum Format {
    table,
    json
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json (the server's JSON, for scripts)")
  Format format = Format.table;

  public boolean json() {
    return format == Format.json;
  }

  /** A listing: its items as a table, or as their JSON array. */
  public void list(PrintWriter out, JsonNode items, List<Table.Column> columns) {
    if (json()) {
      out.println(Json.pretty(items));
      out.flush();
    } else {
      Table.print(out, columns, items);
    }
  }

  /** One object: {@code name: value} lines, or its JSON. */
  public void show(PrintWriter out, JsonNode object, Map<String, String> fields) {
    if (json()) {
      out.println(Json.pretty(object));
    } else {
      int w = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
      fields.forEach(
          (k, v) -> out.println(k + ":" + " ".repeat(w - k.length() + 1) + (v == null ? "-" : v)));
    }
    out.flush();
  }

  /** One object and, in table form, the table of its array member {@code member} below it. */
  public void show(
      PrintWriter out,
      JsonNode object,
      Map<String, String> fields,
      String member,
      List<Table.Column> columns) {
    show(out, object, fields);
    if (!json() && object.has(member)) {
      out.println();
      Table.print(out, columns, object.get(member));
    }
  }
}
