package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keys create|list|revoke}: the tenant's API keys ({@code /v1/keys}, admin only). */
@Command(
    name = "keys",
    description = "Make, list and revoke API keys (admin).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {
  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("ID", k -> Show.text(k, "id")),
          new Table.Column("NAME", k -> Show.text(k, "name")),
          new Table.Column("ROLE", k -> Show.text(k, "role")),
          new Table.Column("TENANT", k -> Show.text(k, "tenant")),
          new Table.Column("STATE", k -> Show.text(k, "state")),
          new Table.Column("CREATED", k -> Show.text(k, "createdAt")),
          new Table.Column("EXPIRES", k -> Show.text(k, "expiresAt")));

  @Command(name = "create", description = "Make a key; its secret is shown once.")
  public static final class Create extends ApiCommand {
    @Option(names = "--role", required = true, description = "reader, writer or admin")
    String role;

    @Option(names = "--name", description = "what the key is for")
    String name;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "expire after this long (90s, 30m, 24h, 7d)")
    String ttl;

    @Option(names = "--tenant", description = "a new tenant's first key (admins of tenant default)")
    String tenant;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = Json.object().put("role", role);
      if (name != null) {
        body.put("name", name);
      }
      if (tenant != null) {
        body.put("tenant", tenant);
      }
      if (ttl != null) {
        body.put("ttl", Durations.seconds(ttl, "--ttl"));
      }
      JsonNode k = api().post("/v1/keys", body);
      Map<String, String> f = new LinkedHashMap<>();
      f.put("id", Show.text(k, "id"));
      f.put("role", Show.text(k, "role"));
      f.put("tenant", Show.text(k, "tenant"));
      f.put("expires", Show.text(k, "expiresAt"));
      f.put("key", Show.text(k, "key"));
      output.show(out(), k, f);
      if (!output.json()) {
        err().println("Store the key now: it is not shown again.");
        err().flush();
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "list", description = "List the tenant's keys (no secrets).")
  public static final class ListKeys extends ApiCommand {
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.list(out(), api().get("/v1/keys").get("items"), COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(name = "revoke", description = "Revoke a key: it stops working at once.")
  public static final class Revoke extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "the key's id (ag_<id>_... : the id part)")
    String id;

    @Override
    public Integer call() {
      JsonNode k = api().delete("/v1/keys/" + Query.segment(id));
      say("key " + Show.text(k, "id") + " is " + Show.text(k, "state"));
      return ExitCode.OK;
    }
  }
}
