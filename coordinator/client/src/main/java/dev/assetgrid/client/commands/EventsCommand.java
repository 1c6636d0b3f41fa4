package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.EventStream;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Sse;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code events [--types T] [--after CURSOR]}: tails the tenant's event stream ({@code GET
 * /v1/events}, an {@link EventStream}, so a broken connection resumes where it was) until Ctrl-C.
 * One line per event for people (time, type, subject, a short summary); with {@code --output json}
 * one JSON object per line, the server's event with its stream cursor added as {@code cursor} (what
 * {@code --after} takes).
 */
@Command(
    name = "events",
    description =
        "Follow the tenant's events as they happen, one line each (Ctrl-C ends it); --output json gives JSON lines.")
public final class EventsCommand extends ApiCommand {
  @Option(
      names = "--types",
      paramLabel = "TYPES",
      description = "only these types: a comma list of types or prefixes, e.g. job.*,asset.ready")
  String types;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description =
          "first replay what came after this cursor (0-0: every event kept); default: from now")
  String after;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    try (EventStream stream = new EventStream(api(), types, after)) {
      stream.read(
          e -> {
            say(output.json() ? jsonLine(e) : line(e));
            return true;
          });
    } catch (EventStream.Lost e) {
      throw new ClientException(
          ExitCode.UNAVAILABLE,
          e.getMessage() + (e.cursor() == null ? "" : "; resume with --after " + e.cursor()),
          e);
    }
    return ExitCode.OK; // interrupted: Ctrl-C, or a caller that stopped it
  }

  static String jsonLine(Sse.Event e) {
    ObjectNode o = e.data() instanceof ObjectNode n ? n.deepCopy() : Json.object();
    o.put("cursor", e.id());
    return Json.compact(o);
  }

  /** {@code time type subject summary}. */
  static String line(Sse.Event e) {
    JsonNode ev = e.data();
    String type = Json.text(ev, "type") == null ? e.type() : Json.text(ev, "type");
    return String.format(
            Locale.ROOT,
            "%s  %-16s  %s  %s",
            Json.text(ev, "timestamp"),
            type,
            Json.text(ev, "subject"),
            summary(type, ev == null ? null : ev.get("data")))
        .stripTrailing();
  }

  /** A few words of what {@code data} says: a failure, progress, an asset's name and status. */
  static String summary(String type, JsonNode data) {
    if (data == null) {
      return "";
    }
    if (data.hasNonNull("code")) {
      return Json.text(data, "code") + " " + Json.text(data, "message");
    }
    if (data.hasNonNull("progress")) {
      String tasks = Show.tasks(data);
      return Math.round(data.get("progress").asDouble() * 100)
          + "%"
          + (tasks == null ? "" : " (" + tasks + " tasks)");
    }
    if (type.startsWith("asset.")) {
      String was = Json.text(data, "was");
      return Json.text(data, "name")
          + "  "
          + Json.text(data, "status")
          + (was == null ? "" : " (was " + was + ")");
    }
    if (type.startsWith("job.")) {
      return "asset " + Json.text(data, "assetId");
    }
    if (data.hasNonNull("reason")) {
      return Json.text(data, "url") + ": " + Json.text(data, "reason");
    }
    return "";
  }
}
