package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Query;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code assets}, {@code asset ID} and {@code get ASSET FILE -o OUT}: over {@code GET /v1/assets},
 * {@code GET /v1/assets/{id}} and {@code GET /v1/assets/{id}/files/{name}}.
 */
public final class AssetCommands {
  private AssetCommands() {}

  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("ID", a -> Show.text(a, "id")),
          new Table.Column("NAME", a -> Show.text(a, "name")),
          new Table.Column("FORMAT", a -> Show.text(a, "format")),
          new Table.Column("STATUS", a -> Show.text(a, "status")),
          new Table.Column("SIZE", a -> Show.bytes(a, "size")),
          new Table.Column("TAGS", a -> Show.list(a, "tags")),
          new Table.Column("CREATED", a -> Show.text(a, "createdAt")));

  static final List<Table.Column> FILE_COLUMNS =
      List.of(
          new Table.Column("FILE", f -> Show.text(f, "name")),
          new Table.Column("ROLE", f -> Show.text(f, "role")),
          new Table.Column("SIZE", f -> Show.bytes(f, "size")),
          new Table.Column("TYPE", f -> Show.text(f, "contentType")));

  @Command(name = "assets", description = "List assets, newest first.")
  public static final class ListAssets extends PagedList {
    @Option(names = "--tag", description = "only assets with this tag")
    String tag;

    @Option(
        names = "--status",
        description = "only assets in this status (processing, ready, failed, invalid, corrupt)")
    String status;

    @Override
    public Integer call() {
      return list("/v1/assets", Query.of().add("tag", tag).add("status", status), COLUMNS);
    }
  }

  @Command(name = "asset", description = "Show one asset and its files.")
  public static final class ShowAsset extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "the asset")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode a = api().get("/v1/assets/" + Query.segment(id));
      Map<String, String> f = new LinkedHashMap<>();
      f.put("id", Show.text(a, "id"));
      f.put("name", Show.text(a, "name"));
      f.put("format", Show.text(a, "format"));
      f.put("status", Show.text(a, "status"));
      f.put("size", Show.bytes(a, "size"));
      f.put("sha256", Show.text(a, "sha256"));
      f.put("tags", Show.list(a, "tags"));
      f.put("created", Show.text(a, "createdAt"));
      output.show(out(), a, f, "files", FILE_COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "get",
      description = "Download a file of an asset (original, optimized.glb, thumbnail.png...).")
  public static final class Get extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ASSET", description = "the asset")
    String asset;

    @Parameters(
        index = "1",
        paramLabel = "FILE",
        description = "the file's name, as `asset ID` lists it")
    String file;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "OUT",
        description = "where to write it (default: FILE in the current folder)")
    Path out;

    @Override
    public Integer call() {
      Path target = out != null ? out : Path.of(Path.of(file).getFileName().toString());
      long n =
          api()
              .download(
                  "/v1/assets/" + Query.segment(asset) + "/files/" + Query.segment(file), target);
      say("wrote " + target + " (" + Show.bytes(n) + ")");
      return ExitCode.OK;
    }
  }
}
