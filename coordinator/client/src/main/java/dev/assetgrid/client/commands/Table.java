package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A plain table with aligned columns, as every listing prints by default. */
public final class Table {
  /** A column: its header and how a row's JSON item shows in it (null shows as {@code -}). */
  public record Column(String header, Function<JsonNode, String> value) {}

  private Table() {}

  public static void print(PrintWriter out, List<Column> columns, Iterable<JsonNode> items) {
    List<String[]> rows = new ArrayList<>();
    String[] head = new String[columns.size()];
    int[] width = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      head[c] = columns.get(c).header();
      width[c] = head[c].length();
    }
    rows.add(head);
    for (JsonNode item : items) {
      String[] row = new String[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        String v = columns.get(c).value().apply(item);
        row[c] = v == null || v.isEmpty() ? "-" : v.replace('\n', ' ');
        width[c] = Math.max(width[c], row[c].length());
      }
      rows.add(row);
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(row[c]);
        if (c < row.length - 1) {
          line.append(" ".repeat(width[c] - row[c].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
