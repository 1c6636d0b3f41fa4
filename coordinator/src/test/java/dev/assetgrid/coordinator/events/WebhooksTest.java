package dev.assetgrid.coordinator.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.CoordinatorConfig;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.coordinator.net.Cidr;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end: a real coordinator and node, a real receiver on loopback (allowed with
 * {@code --webhook-allow-cidr 127.0.0.0/8} and {@code --allow-http-webhooks}) that verifies every
 * Standard Webhooks signature; retries with the attempt log; redelivery; the address guard; a
 * restart with deliveries pending; disabling after a failure streak.
 */
@Timeout(300)
class WebhooksTest {
  @TempDir static Path root;
  static TestGrid grid;
  static TestReceiver receiver;

  static NotifyOptions loopbackReceivers(Duration disableAfter) {
    return NotifyOptions.defaults()
        .withReceivers(true, List.of(Cidr.parse("127.0.0.0/8")))
        .withRetries(
            Duration.ofMillis(100), Duration.ofMinutes(10), disableAfter, Duration.ofSeconds(5));
  }

  @BeforeAll
  static void start() throws Exception {
    receiver = new TestReceiver();
    grid =
        TestGrid.start(
            TestGrid.config(root.resolve("a"), TestPostgres.newDatabase())
                .withNotifications(loopbackReceivers(Duration.ofDays(1))));
    grid.startNode(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  static HttpResponse<String> send(TestGrid g, String method, String path, String json)
      throws Exception {
    return TestGrid.checked(
        g.http.send(
            g.request(path)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  /** Registers a webhook for {@code path} of the receiver; returns {id, secret, ...}. */
  static JsonObject register(TestGrid g, String path, String... events) throws Exception {
    HttpResponse<String> r =
        send(
            g,
            "POST",
            "/v1/webhooks",
            new JsonObject()
                .put("url", receiver.url(path))
                .put("events", new JsonArray(List.of(events)))
                .put("description", "test receiver " + path)
                .encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonObject hook = new JsonObject(r.body());
    assertThat(hook.getString("secret")).startsWith("whsec_");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    receiver.expect(path, hook.getString("secret"));
    return hook;
  }

  static void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static String upload(TestGrid g, String name) throws Exception {
    HttpResponse<String> r = g.uploadBytes(TinyGlb.triangle(), name, "pipeline=inspect");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getJsonObject("asset").getString("id");
  }

  static JsonArray deliveries(TestGrid g, String hookId) throws Exception {
    HttpResponse<String> r = g.get("/v1/webhooks/" + hookId + "/deliveries");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("items");
  }

  @Test
  void eventsOfTheSubscribedTypesArriveSignedOnceEach() throws Exception {
    JsonObject hook = register(grid, "/lifecycle", "asset.*", "job.succeeded");
    // the secret is shown once: never in a read
    assertThat(grid.get("/v1/webhooks/" + hook.getString("id")).body()).doesNotContain("whsec_");
    String assetId = upload(grid, "hooked.glb");
    await(
        "asset.created, asset.ready and job.succeeded",
        Duration.ofSeconds(60),
        () ->
            types(receiver.hits("/lifecycle"))
                .containsAll(Set.of("asset.created", "asset.ready", "job.succeeded")));
    List<TestReceiver.Hit> hits = receiver.hits("/lifecycle");
    assertThat(hits).allMatch(TestReceiver.Hit::verified);
    // only the subscribed types: no job.created, job.started, job.progress
    assertThat(types(hits)).allMatch(t -> t.startsWith("asset.") || t.equals("job.succeeded"));
    assertThat(hits.stream().map(TestReceiver.Hit::id).distinct().count()).isEqualTo(hits.size());
    for (TestReceiver.Hit h : hits) {
      JsonObject e = h.event();
      assertThat(e.getString("id")).isEqualTo(h.id());
      assertThat(e.getJsonObject("data").getString("assetId")).isEqualTo(assetId);
      assertThat(Math.abs(h.timestamp() - System.currentTimeMillis() / 1000)).isLessThan(120);
    }
    // ...and a signature made with another secret does not verify
    TestReceiver.Hit one = hits.get(0);
    assertThat(
            WebhookSignature.verify(
                WebhookSignature.newSecret(),
                one.id(),
                one.timestamp(),
                one.body(),
                one.signature()))
        .isFalse();
    await(
        "the delivery log to show every delivery succeeded",
        Duration.ofSeconds(10),
        () -> {
          try {
            JsonArray d = deliveries(grid, hook.getString("id"));
            return d.size() == hits.size()
                && d.stream()
                    .allMatch(o -> ((JsonObject) o).getString("state").equals("succeeded"));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void aReceiverFailingThreeTimesGetsTheEventOnceAfterFourLoggedAttempts() throws Exception {
    JsonObject hook = register(grid, "/flaky", "asset.updated");
    receiver.expect("/flaky", hook.getString("secret"), 500, 503, 500);
    String assetId = upload(grid, "flaky.glb");
    HttpResponse<String> patch =
        send(grid, "PATCH", "/v1/assets/" + assetId, "{\"tags\": [\"retried\"]}");
    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
    await("four attempts", Duration.ofSeconds(30), () -> receiver.hits("/flaky").size() >= 4);
    Thread.sleep(500); // no fifth
    List<TestReceiver.Hit> hits = receiver.hits("/flaky");
    assertThat(hits).hasSize(4).allMatch(TestReceiver.Hit::verified);
    assertThat(hits.stream().map(TestReceiver.Hit::id).distinct()).hasSize(1);
    assertThat(hits.get(0).event().getJsonObject("data").getJsonArray("tags"))
        .containsExactly("retried");
    JsonArray d = deliveries(grid, hook.getString("id"));
    assertThat(d).hasSize(1);
    JsonObject delivery = d.getJsonObject(0);
    assertThat(delivery.getString("state")).isEqualTo("succeeded");
    assertThat(delivery.getInteger("attempts")).isEqualTo(4);
    assertThat(delivery.getString("eventType")).isEqualTo("asset.updated");
    JsonObject detail =
        new JsonObject(
            grid.get(
                    "/v1/webhooks/"
                        + hook.getString("id")
                        + "/deliveries/"
                        + delivery.getString("id"))
                .body());
    JsonArray log = detail.getJsonArray("attemptLog");
    assertThat(log.stream().map(o -> ((JsonObject) o).getInteger("status")))
        .containsExactly(500, 503, 500, 200);
    assertThat(log.getJsonObject(0).getString("error")).isEqualTo("the receiver answered 500");
    assertThat(log.getJsonObject(3).getString("response")).isEqualTo("answer 200");
    assertThat(log.stream().map(o -> ((JsonObject) o).getInteger("latencyMs")))
        .allMatch(ms -> ms >= 0 && ms < 5000);
    assertThat(detail.getJsonObject("event").getString("id")).isEqualTo(hits.get(0).id());

    // a manual redelivery sends the same event (same webhook-id) once more
    HttpResponse<String> again =
        send(
            grid,
            "POST",
            "/v1/webhooks/"
                + hook.getString("id")
                + "/deliveries/"
                + delivery.getString("id")
                + "/redeliver",
            null);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    await("the redelivery", Duration.ofSeconds(10), () -> receiver.hits("/flaky").size() == 5);
    assertThat(receiver.hits("/flaky").get(4).id()).isEqualTo(hits.get(0).id());
  }

  @Test
  void aTestPingGoesToItsWebhookOnly() throws Exception {
    JsonObject a = register(grid, "/ping-a", "*");
    JsonObject b = register(grid, "/ping-b", "*");
    HttpResponse<String> r =
        send(grid, "POST", "/v1/webhooks/" + a.getString("id") + "/test", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    await("the ping", Duration.ofSeconds(10), () -> !receiver.hits("/ping-a").isEmpty());
    assertThat(receiver.hits("/ping-a").get(0).event().getString("type")).isEqualTo("webhook.test");
    Thread.sleep(300);
    assertThat(types(receiver.hits("/ping-b"))).doesNotContain("webhook.test");
    assertThat(send(grid, "DELETE", "/v1/webhooks/" + b.getString("id"), null).statusCode())
        .isEqualTo(204);
    assertThat(grid.get("/v1/webhooks/" + b.getString("id")).statusCode()).isEqualTo(404);
  }

  @Test
  void internalAddressesAndPlainHttpAreRefusedUnlessAllowed() throws Exception {
    // this grid allows 127.0.0.0/8 over http; other internal ranges stay refused
    for (String url :
        List.of(
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/x",
            "http://192.168.1.20/",
            "ftp://example.com/x",
            "http://user:pw@127.0.0.1/x")) {
      HttpResponse<String> r =
          send(
              grid,
              "POST",
              "/v1/webhooks",
              new JsonObject().put("url", url).put("events", new JsonArray().add("*")).encode());
      assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(422);
      JsonObject p = new JsonObject(r.body());
      assertThat(p.getString("code")).isEqualTo("URL_NOT_ALLOWED");
      assertThat(r.body()).doesNotContain("Exception");
    }
    HttpResponse<String> badTypes =
        send(
            grid,
            "POST",
            "/v1/webhooks",
            new JsonObject()
                .put("url", receiver.url("/x"))
                .put("events", new JsonArray().add("job.fail ed"))
                .encode());
    assertThat(badTypes.statusCode()).isEqualTo(400);
    assertThat(badTypes.body()).contains("/events/0");
  }

  @Test
  void anotherTenantSeesNoneOfThem() throws Exception {
    JsonObject hook = register(grid, "/mine", "*");
    HttpResponse<String> k =
        grid.post("/v1/keys", "{\"role\": \"admin\", \"tenant\": \"webhook-other\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    String other = new JsonObject(k.body()).getString("key");
    HttpResponse<String> r =
        TestGrid.checked(
            grid.http.send(
                HttpRequest.newBuilder(URI.create(grid.url("/v1/webhooks/" + hook.getString("id"))))
                    .header("Authorization", "Bearer " + other)
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(r.statusCode()).isEqualTo(404);
    HttpResponse<String> list =
        TestGrid.checked(
            grid.http.send(
                HttpRequest.newBuilder(URI.create(grid.url("/v1/webhooks")))
                    .header("Authorization", "Bearer " + other)
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(new JsonObject(list.body()).getJsonArray("items")).isEmpty();
  }

  @Test
  void deliveriesPendingWhenTheCoordinatorStopsAreSentAfterItRestarts() throws Exception {
    String db = TestPostgres.newDatabase();
    CoordinatorConfig config =
        TestGrid.config(root.resolve("restart"), db)
            .withNotifications(loopbackReceivers(Duration.ofDays(1)));
    TestGrid first = TestGrid.start(config);
    JsonObject hook;
    try {
      hook = register(first, "/later", "asset.created");
      receiver.expect("/later", hook.getString("secret"), 503, 503, 503, 503, 503, 503, 503, 503);
      upload(first, "pending.glb");
      await("a failed attempt", Duration.ofSeconds(20), () -> !receiver.hits("/later").isEmpty());
      // and one delivery leased by a coordinator that died mid-send (its lease ran out)
      first.sql(
          """
          INSERT INTO webhook_deliveries (webhook_id, event_id, attempts, lease_owner, lease_until)
          SELECT $1::uuid, id, 1, 'a-coordinator-that-died', now() - interval '1 second'
            FROM events WHERE type = 'asset.created' ORDER BY id DESC LIMIT 1""",
          Tuple.of(hook.getString("id")));
    } finally {
      first.close();
    }
    int before = receiver.hits("/later").size();
    receiver.expect("/later", hook.getString("secret")); // the receiver is well again
    TestGrid second = TestGrid.start(config);
    try {
      await(
          "both deliveries after the restart",
          Duration.ofSeconds(30),
          () -> {
            try {
              JsonArray d = deliveries(second, hook.getString("id"));
              return d.size() == 2
                  && d.stream()
                      .allMatch(o -> ((JsonObject) o).getString("state").equals("succeeded"));
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      List<TestReceiver.Hit> after = receiver.hits("/later");
      assertThat(after.size()).isGreaterThanOrEqualTo(before + 2);
      assertThat(after).allMatch(TestReceiver.Hit::verified);
    } finally {
      second.close();
    }
  }

  @Test
  void twoCoordinatorsOnOneDatabaseSendEachDeliveryOnce() throws Exception {
    String db = TestPostgres.newDatabase();
    TestGrid a =
        TestGrid.start(
            TestGrid.config(root.resolve("two-a"), db)
                .withNotifications(loopbackReceivers(Duration.ofDays(1))));
    TestGrid b =
        TestGrid.start(
            TestGrid.config(root.resolve("two-b"), db)
                .withNotifications(loopbackReceivers(Duration.ofDays(1))));
    try {
      JsonObject hook = register(a, "/shared", "webhook.test");
      int n = 60;
      for (int i = 0; i < n; i++) {
        HttpResponse<String> r =
            send(a, "POST", "/v1/webhooks/" + hook.getString("id") + "/test", null);
        assertThat(r.statusCode()).isEqualTo(202);
      }
      await("every ping", Duration.ofSeconds(30), () -> receiver.hits("/shared").size() >= n);
      Thread.sleep(700); // a second send would come within a poll or two
      List<TestReceiver.Hit> hits = receiver.hits("/shared");
      assertThat(hits).hasSize(n).allMatch(TestReceiver.Hit::verified);
      assertThat(hits.stream().map(TestReceiver.Hit::id).distinct()).hasSize(n);
      long senders =
          a.sql("SELECT count(DISTINCT sent_by) AS n FROM webhook_attempts", Tuple.tuple())
              .iterator()
              .next()
              .getLong("n");
      assertThat(senders).as("attempts recorded by one or both coordinators").isBetween(1L, 2L);
    } finally {
      b.close();
      a.close();
    }
  }

  @Test
  void aWebhookFailingLongerThanTheLimitIsDisabledAndAnEventSaysSo() throws Exception {
    TestGrid g =
        TestGrid.start(
            TestGrid.config(root.resolve("disable"), TestPostgres.newDatabase())
                .withNotifications(loopbackReceivers(Duration.ofSeconds(1))));
    try {
      JsonObject watcher = register(g, "/watcher", "webhook.*");
      JsonObject dead = register(g, "/dead", "asset.*");
      receiver.expect(
          "/dead",
          dead.getString("secret"),
          java.util.Collections.nCopies(200, 500).toArray(new Integer[0]));
      upload(g, "nobody-listens.glb");
      await(
          "the webhook to be disabled",
          Duration.ofSeconds(30),
          () -> {
            try {
              return !new JsonObject(g.get("/v1/webhooks/" + dead.getString("id")).body())
                  .getBoolean("enabled");
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      JsonObject view = new JsonObject(g.get("/v1/webhooks/" + dead.getString("id")).body());
      assertThat(view.getString("disabledReason")).startsWith("every delivery failed since ");
      await(
          "webhook.disabled at the watcher",
          Duration.ofSeconds(10),
          () -> types(receiver.hits("/watcher")).contains("webhook.disabled"));
      JsonObject e =
          receiver.hits("/watcher").stream()
              .map(TestReceiver.Hit::event)
              .filter(x -> x.getString("type").equals("webhook.disabled"))
              .findFirst()
              .orElseThrow();
      assertThat(e.getJsonObject("data").getString("webhookId")).isEqualTo(dead.getString("id"));
      // disabled: nothing more is sent; enabling again resumes and clears the reason
      int n = receiver.hits("/dead").size();
      Thread.sleep(600);
      assertThat(receiver.hits("/dead")).hasSize(n);
      HttpResponse<String> on =
          send(g, "PATCH", "/v1/webhooks/" + dead.getString("id"), "{\"enabled\": true}");
      assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
      assertThat(new JsonObject(on.body()).getString("disabledReason")).isNull();
      receiver.expect("/dead", dead.getString("secret"));
      await(
          "the pending delivery after enabling",
          Duration.ofSeconds(10),
          () -> receiver.hits("/dead").size() > n);
    } finally {
      g.close();
    }
  }

  static Set<String> types(List<TestReceiver.Hit> hits) {
    return hits.stream().map(h -> h.event().getString("type")).collect(Collectors.toSet());
  }
}
