package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code webhooks create|list|get|update|deliveries|redeliver|test|rotate-secret|delete} against a
 * real coordinator's {@code /v1/webhooks} (receivers on loopback are allowed by {@link ClientGrid};
 * nothing listens on port 9, so deliveries just fail and retry). The coordinator's URL comes from
 * the environment here, since {@code --url} of {@code webhooks create|update} is the webhook's.
 */
class WebhookCommandsTest {
  static final String HOOK = "http://127.0.0.1:9/assetgrid";

  @TempDir static Path home;
  static TestGrid grid;
  static Cli cli;

  @BeforeAll
  static void start() throws Exception {
    grid = ClientGrid.get();
    cli =
        new Cli(home)
            .env("ASSETGRID_URL", grid.coordinator.baseUrl())
            .env("ASSETGRID_KEY", grid.adminKey());
  }

  static JsonNode json(Cli.Run r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode j = Json.parseOrNull(r.out());
    assertThat(j).as(r.toString()).isNotNull();
    return j;
  }

  /** {@code webhooks create --output json}: the webhook with its secret. */
  static JsonNode create(String url, String events) {
    return json(
        cli.runExactly("webhooks", "create", "--url", url, "--events", events, "--output", "json"));
  }

  @Test
  void anEndpointIsCreatedListedChangedAndDeleted() throws Exception {
    Cli.Run made =
        cli.runExactly(
            "webhooks",
            "create",
            "--url",
            HOOK,
            "--events",
            "asset.*,job.failed",
            "--description",
            "ci");
    assertThat(made.exit()).as(made.toString()).isZero();
    assertThat(made.out()).contains("secret:").contains(HOOK);
    assertThat(made.err()).contains("Store the signing secret now");

    JsonNode created = create(HOOK + "/2", "job.succeeded");
    String id = created.get("id").asText();
    assertThat(created.get("secret").asText()).isNotBlank();
    assertThat(created.get("events").toString()).isEqualTo("[\"job.succeeded\"]");
    assertThat(created.get("enabled").asBoolean()).isTrue();

    JsonNode listed = json(cli.runExactly("webhooks", "list", "--output", "json"));
    JsonNode server = Json.parseOrNull(grid.get("/v1/webhooks").body()).get("items");
    assertThat(listed).isEqualTo(server);
    assertThat(listed.toString()).contains(id).doesNotContain(created.get("secret").asText());

    JsonNode got = json(cli.runExactly("webhooks", "get", id, "--output", "json"));
    assertThat(got.get("url").asText()).isEqualTo(HOOK + "/2");
    assertThat(got.has("secret")).isFalse();

    JsonNode disabled =
        json(
            cli.runExactly(
                "webhooks", "update", id, "--disable", "--events", "job.*", "--output", "json"));
    assertThat(disabled.get("enabled").asBoolean()).isFalse();
    assertThat(disabled.get("events").toString()).isEqualTo("[\"job.*\"]");
    JsonNode enabled =
        json(cli.runExactly("webhooks", "update", id, "--enable", "--output", "json"));
    assertThat(enabled.get("enabled").asBoolean()).isTrue();

    Cli.Run table = cli.runExactly("webhooks", "list");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("URL")
        .contains("EVENTS");

    JsonNode deliveries =
        json(cli.runExactly("webhooks", "deliveries", id, "--limit", "10", "--output", "json"));
    assertThat(deliveries.isArray()).isTrue();
    Cli.Run redeliver = cli.runExactly("webhooks", "redeliver", id, UUID.randomUUID().toString());
    assertThat(redeliver.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(redeliver.err()).contains("NOT_FOUND").doesNotContain("Exception");

    Cli.Run deleted = cli.runExactly("webhooks", "delete", id);
    assertThat(deleted.exit()).as(deleted.toString()).isZero();
    assertThat(grid.get("/v1/webhooks/" + id).statusCode()).isEqualTo(404);
    Cli.Run gone = cli.runExactly("webhooks", "get", id);
    assertThat(gone.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(gone.err()).contains("NOT_FOUND");
  }

  @Test
  void aTestPingIsQueuedAndASecretRotated() throws Exception {
    JsonNode created = create("http://127.0.0.1:9/x", "asset.ready");
    String id = created.get("id").asText();

    Cli.Run test = cli.runExactly("webhooks", "test", id);
    assertThat(test.exit()).as(test.toString()).isZero();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^delivery (\\d+) of webhook " + id + " is queued")
            .matcher(test.out());
    assertThat(m.find()).as(test.toString()).isTrue();
    JsonNode delivery =
        Json.parseOrNull(grid.get("/v1/webhooks/" + id + "/deliveries/" + m.group(1)).body());
    assertThat(delivery.get("eventType").asText()).isEqualTo("webhook.test");

    Cli.Run rotated = cli.runExactly("webhooks", "rotate-secret", id);
    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    assertThat(rotated.err()).contains("Store the signing secret now");
    java.util.regex.Matcher secret =
        java.util.regex.Pattern.compile("(?m)^secret: +(whsec_\\S+)$").matcher(rotated.out());
    assertThat(secret.find()).as(rotated.toString()).isTrue();
    assertThat(rotated.out()).contains(id).contains("http://127.0.0.1:9/x");
    JsonNode again = json(cli.runExactly("webhooks", "rotate-secret", id, "--output", "json"));
    assertThat(
            List.of(created.get("secret").asText(), secret.group(1), again.get("secret").asText()))
        .doesNotHaveDuplicates();
    assertThat(again.get("id").asText()).isEqualTo(id);

    Cli.Run unknown = cli.runExactly("webhooks", "test", UUID.randomUUID().toString());
    assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err()).contains("NOT_FOUND");
    assertThat(cli.runExactly("webhooks", "delete", id).exit()).isZero();
  }

  @Test
  void updateWithNothingToChangeIsAUsageError() {
    Cli.Run r = cli.runExactly("webhooks", "update", UUID.randomUUID().toString());
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("nothing to change");
    Cli.Run both = cli.runExactly("webhooks", "update", "x", "--enable", "--disable");
    assertThat(both.exit()).isEqualTo(ExitCode.USAGE);
  }
}
