package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nodes}: the live nodes of the grid ({@code GET /v1/nodes}). */
@Command(name = "nodes", description = "List the grid's live nodes.")
public final class NodesCommand extends ApiCommand {
  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("NODE", n -> Show.text(n, "nodeId")),
          new Table.Column("HOST", n -> Show.text(n, "host")),
          new Table.Column("SLOTS", n -> Show.text(n, "slots")),
          new Table.Column(
              "LOAD",
              n ->
                  n.has("load")
                      ? String.format(java.util.Locale.ROOT, "%.2f", n.get("load").asDouble())
                      : null),
          new Table.Column("RUNNING", n -> Show.text(n, "busy")),
          new Table.Column("VERSION", n -> Show.text(n, "version")),
          new Table.Column("SEEN MS AGO", n -> Show.text(n, "lastSeenMsAgo")));

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    JsonNode answer = api().get("/v1/nodes");
    output.list(out(), answer.get("nodes"), COLUMNS);
    return ExitCode.OK;
  }
}
