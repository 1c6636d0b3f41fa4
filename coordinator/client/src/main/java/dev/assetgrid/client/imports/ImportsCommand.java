package dev.assetgrid.client.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.commands.OutputOption;
import dev.assetgrid.client.commands.Pages;
import dev.assetgrid.client.commands.Show;
import dev.assetgrid.client.commands.Table;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import dev.assetgrid.client.progress.ImportView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imports [--limit N]}, {@code imports get|items|cancel ID}: the tenant's batch imports
 * ({@code /v1/imports}), newest first; one with its counts; its items; cancelling one.
 */
@Command(
    name = "imports",
    description =
        "List the tenant's batch imports, newest first; show, page through or cancel one.",
    subcommands = {
      ImportsCommand.Get.class,
      ImportsCommand.Items.class,
      ImportsCommand.Cancel.class
    })
public final class ImportsCommand extends ApiCommand {
  static final String PATH = "/v1/imports";

  // the listing's imports come without counts (only GET /v1/imports/{id} has them)
  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("ID", i -> Show.text(i, "id")),
          new Table.Column("SOURCE", ImportsCommand::source),
          new Table.Column("STATE", i -> Show.text(i, "state")),
          new Table.Column("PIPELINE", i -> Show.text(i, "pipeline")),
          new Table.Column("CREATED", i -> Show.text(i, "createdAt")),
          new Table.Column("FINISHED", i -> Show.text(i, "finishedAt")),
          new Table.Column("ERROR", i -> Show.text(i, "error")));

  static final List<Table.Column> ITEM_COLUMNS =
      List.of(
          new Table.Column("N", i -> Show.text(i, "n")),
          new Table.Column("NAME", i -> Show.text(i, "name")),
          new Table.Column("FILES", i -> String.valueOf(i.path("files").size())),
          new Table.Column("STATE", i -> Show.text(i, "state")),
          new Table.Column("ASSET", i -> Show.text(i, "assetId")),
          new Table.Column("JOB", i -> Show.text(i, "jobId")),
          new Table.Column("CODE", i -> Show.text(i, "code")),
          new Table.Column("MESSAGE", i -> Show.text(i, "message")));

  @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
  int limit;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    output.list(out(), Pages.collect(api(), PATH, Query.of(), limit), COLUMNS);
    return ExitCode.OK;
  }

  /** An import's source in a few words: {@code s3://bucket/prefix}, the folder, {@code 3 URLs}. */
  static String source(JsonNode i) {
    JsonNode src = i.path("source");
    if (src.has("s3")) {
      JsonNode s3 = src.get("s3");
      String prefix = Json.text(s3, "prefix");
      return "s3://" + Json.text(s3, "bucket") + "/" + (prefix == null ? "" : prefix);
    }
    if (src.has("directory")) {
      return Json.text(src, "directory");
    }
    int urls = src.path("urls").size();
    return urls == 1 ? src.path("urls").get(0).asText() : urls + " URLs";
  }

  static Map<String, String> fields(JsonNode i) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", Show.text(i, "id"));
    f.put("source", source(i));
    f.put("state", Show.text(i, "state"));
    f.put("pipeline", Show.text(i, "pipeline"));
    f.put("tags", Show.list(i, "tags"));
    f.put("reprocess", Show.text(i, "reprocess"));
    f.put("created", Show.text(i, "createdAt"));
    f.put("finished", Show.text(i, "finishedAt"));
    f.put("error", Show.text(i, "error"));
    JsonNode counts = i.path("counts");
    f.put("found", Show.text(counts, "found"));
    f.put("items", ImportView.summary(counts));
    StringBuilder codes = new StringBuilder();
    counts
        .path("failedByCode")
        .properties()
        .forEach(
            e ->
                codes
                    .append(codes.length() == 0 ? "" : ", ")
                    .append(e.getValue().asLong())
                    .append(" ")
                    .append(e.getKey()));
    f.put("failed by code", codes.length() == 0 ? null : codes.toString());
    return f;
  }

  @Command(name = "get", description = "Show one import with its counts.")
  public static final class Get extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode i = api().get(PATH + "/" + Query.segment(id));
      output.show(out(), i, fields(i));
      return ExitCode.OK;
    }
  }

  @Command(name = "items", description = "An import's items in order (name, state, asset, job).")
  public static final class Items extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--state",
        description =
            "only items in this state (pending, importing, imported, duplicate, failed, skipped,"
                + " cancelled)")
    String state;

    @Option(
        names = "--limit",
        defaultValue = "500",
        description = "at most this many (default 500)")
    int limit;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.list(
          out(),
          Pages.collect(
              api(),
              PATH + "/" + Query.segment(id) + "/items",
              Query.of().add("state", state),
              limit),
          ITEM_COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel an import: nothing more is listed or imported (its jobs go on).")
  public static final class Cancel extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode i = api().post(PATH + "/" + Query.segment(id) + "/cancel", null);
      say("import " + Show.text(i, "id") + " is " + Show.text(i, "state"));
      return ExitCode.OK;
    }
  }
}
