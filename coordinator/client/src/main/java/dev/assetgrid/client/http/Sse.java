package dev.assetgrid.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Reads a {@code text/event-stream} (the WHATWG server-sent events format): {@code id:}, {@code
 * event:} and {@code data:} lines, an empty line ending each event, {@code :} comments (the
 * server's pings) skipped.
 */
public final class Sse {
  private Sse() {}

  /**
   * One event.
   *
   * @param id its {@code id:} (what {@code Last-Event-ID} resumes from), or null
   * @param type its {@code event:}, {@code message} when it has none
   * @param data its {@code data:} lines parsed as JSON; null when they are not JSON
   */
  public record Event(String id, String type, JsonNode data) {}

  /**
   * Reads events until the stream ends or {@code handler} returns false; closes the stream.
   *
   * @throws IOException when the connection breaks
   */
  public static void read(InputStream stream, Predicate<Event> handler) throws IOException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String id = null;
      String type = null;
      StringBuilder data = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0 || type != null) {
            Event e =
                new Event(id, type == null ? "message" : type, Json.parseOrNull(data.toString()));
            if (!handler.test(e)) {
              return;
            }
          }
          type = null;
          data.setLength(0);
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> type = value;
          case "data" -> data.append(data.length() == 0 ? "" : "\n").append(value);
          default -> {
            // retry: and unknown fields are ignored, as the format says
          }
        }
      }
    }
  }
}
