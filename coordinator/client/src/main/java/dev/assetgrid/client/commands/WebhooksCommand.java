package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code webhooks create|list|get|update|delete|deliveries|redeliver|test|rotate-secret}: the
 * tenant's webhook endpoints and their delivery log ({@code /v1/webhooks}). A signing secret is in
 * the answer to {@code create} and {@code rotate-secret} only, so those print it with a warning to
 * store it.
 */
@Command(
    name = "webhooks",
    description = "Manage webhook endpoints and look at their deliveries.",
    subcommands = {
      WebhooksCommand.Create.class,
      WebhooksCommand.ListHooks.class,
      WebhooksCommand.GetHook.class,
      WebhooksCommand.Update.class,
      WebhooksCommand.Delete.class,
      WebhooksCommand.Deliveries.class,
      WebhooksCommand.Redeliver.class,
      WebhooksCommand.Test.class,
      WebhooksCommand.RotateSecret.class
    })
public final class WebhooksCommand {
  static final String PATH = "/v1/webhooks";

  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("ID", w -> Show.text(w, "id")),
          new Table.Column("URL", w -> Show.text(w, "url")),
          new Table.Column("EVENTS", w -> Show.list(w, "events")),
          new Table.Column("ENABLED", w -> Show.text(w, "enabled")),
          new Table.Column("DESCRIPTION", w -> Show.text(w, "description")),
          new Table.Column("DISABLED BECAUSE", w -> Show.text(w, "disabledReason")));

  static final List<Table.Column> DELIVERY_COLUMNS =
      List.of(
          new Table.Column("ID", d -> Show.text(d, "id")),
          new Table.Column("EVENT", d -> Show.text(d, "eventType")),
          new Table.Column("STATE", d -> Show.text(d, "state")),
          new Table.Column("ATTEMPTS", d -> Show.text(d, "attempts")),
          new Table.Column("LAST STATUS", d -> Show.text(d, "lastStatus")),
          new Table.Column("LAST ERROR", d -> Show.text(d, "lastError")),
          new Table.Column("NEXT ATTEMPT", d -> Show.text(d, "nextAttemptAt")),
          new Table.Column("CREATED", d -> Show.text(d, "createdAt")));

  static Map<String, String> fields(JsonNode w) {
    Map<String, String> f = new LinkedHashMap<>();
    for (var c : COLUMNS) {
      f.put(c.header().toLowerCase(java.util.Locale.ROOT), c.value().apply(w));
    }
    f.put("created", Show.text(w, "createdAt"));
    return f;
  }

  static ArrayNode events(String commaList) {
    ArrayNode a = Json.object().arrayNode();
    Arrays.stream(commaList.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .forEach(a::add);
    if (a.isEmpty()) {
      throw ClientException.usage(
          "--events needs at least one event type, e.g. asset.*,job.failed");
    }
    return a;
  }

  @Command(name = "create", description = "Register an endpoint; its signing secret is shown once.")
  public static final class Create extends WithSecret {
    @Option(names = "--url", required = true, description = "where events are POSTed (https)")
    String url;

    @Option(
        names = "--events",
        required = true,
        description = "event types, e.g. asset.*,job.failed")
    String events;

    @Option(names = "--description", description = "what it is for")
    String description;

    @Option(names = "--disabled", description = "register it disabled")
    boolean disabled;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = Json.object().put("url", url);
      body.set("events", events(events));
      if (description != null) {
        body.put("description", description);
      }
      if (disabled) {
        body.put("enabled", false);
      }
      showWithSecret(api().post(PATH, body), output);
      return ExitCode.OK;
    }
  }

  /** A command whose answer carries the signing secret, shown this once. */
  abstract static class WithSecret extends ApiCommand {
    void showWithSecret(JsonNode w, OutputOption output) {
      Map<String, String> f = fields(w);
      f.put("secret", Show.text(w, "secret"));
      output.show(out(), w, f);
      if (!output.json()) {
        err().println("Store the signing secret now: it is not shown again.");
        err().flush();
      }
    }
  }

  @Command(name = "list", description = "List the tenant's endpoints.")
  public static final class ListHooks extends PagedList {
    @Override
    public Integer call() {
      return list(PATH, Query.of(), COLUMNS);
    }
  }

  @Command(name = "get", description = "Show one endpoint.")
  public static final class GetHook extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode w = api().get(PATH + "/" + Query.segment(id));
      output.show(out(), w, fields(w));
      return ExitCode.OK;
    }
  }

  /** {@code --enable} or {@code --disable}, not both. */
  static final class Enabled {
    @Option(names = "--enable", required = true, description = "turn it on (again)")
    boolean enable;

    @Option(names = "--disable", required = true, description = "turn it off")
    boolean disable;
  }

  @Command(name = "update", description = "Change an endpoint's URL, events or enabled flag.")
  public static final class Update extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--url", description = "the new URL")
    String url;

    @Option(names = "--events", description = "the new event types (replace the list)")
    String events;

    @Option(names = "--description", description = "the new description")
    String description;

    @ArgGroup(exclusive = true)
    Enabled enabled;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = Json.object();
      if (url != null) {
        body.put("url", url);
      }
      if (events != null) {
        body.set("events", events(events));
      }
      if (description != null) {
        body.put("description", description);
      }
      if (enabled != null) {
        body.put("enabled", enabled.enable);
      }
      if (body.isEmpty()) {
        throw ClientException.usage(
            "nothing to change: give --url, --events, --description, --enable or --disable");
      }
      JsonNode w = api().patch(PATH + "/" + Query.segment(id), body);
      output.show(out(), w, fields(w));
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", description = "Delete an endpoint; nothing more is sent to it.")
  public static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      api().delete(PATH + "/" + Query.segment(id));
      say("webhook " + id + " deleted");
      return ExitCode.OK;
    }
  }

  @Command(name = "deliveries", description = "The delivery log of an endpoint, newest first.")
  public static final class Deliveries extends PagedList {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return list(PATH + "/" + Query.segment(id) + "/deliveries", Query.of(), DELIVERY_COLUMNS);
    }
  }

  @Command(name = "redeliver", description = "Send a delivery again, now.")
  public static final class Redeliver extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the endpoint")
    String id;

    @Parameters(index = "1", paramLabel = "DELIVERY_ID", description = "the delivery")
    String delivery;

    @Override
    public Integer call() {
      api()
          .post(
              PATH
                  + "/"
                  + Query.segment(id)
                  + "/deliveries/"
                  + Query.segment(delivery)
                  + "/redeliver",
              null);
      say("delivery " + delivery + " of webhook " + id + " is queued again");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "test",
      description = "Send a webhook.test event to this endpoint only; prints the delivery's id.")
  public static final class Test extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode d = api().post(PATH + "/" + Query.segment(id) + "/test", null);
      say(
          "delivery "
              + Json.text(d, "deliveryId")
              + " of webhook "
              + id
              + " is queued (assetgrid webhooks deliveries "
              + id
              + " shows how it went)");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "rotate-secret",
      description =
          "Give an endpoint a new signing secret, shown once; the old one stops signing at once.")
  public static final class RotateSecret extends WithSecret {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      showWithSecret(api().post(PATH + "/" + Query.segment(id) + "/rotate-secret", null), output);
      return ExitCode.OK;
    }
  }
}
