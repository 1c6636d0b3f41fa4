package dev.assetgrid.coordinator.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.CoordinatorMain;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator process killed with {@code kill -9} while a delivery is pending (its receiver
 * down): a new coordinator on the same database sends it once the receiver is back. The coordinator
 * runs in a JVM of its own ({@link CoordinatorMain}), so the kill is real.
 */
@Timeout(240)
class WebhookKillTest {
  @TempDir Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Process coordinator(String db, int port, String cluster) throws Exception {
    List<String> cmd = TestGrid.javaCommand(CoordinatorMain.class.getName(), "512m");
    cmd.addAll(
        List.of(
            "--port",
            String.valueOf(port),
            "--data-dir",
            dir.resolve("data").toString(),
            "--db-url",
            db,
            "--workers",
            "0",
            "--cluster-name",
            cluster,
            "--allow-http-webhooks",
            "--webhook-allow-cidr",
            "127.0.0.0/8",
            "--webhook-retry-base",
            "1s"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("coordinator-" + port + ".log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      assertThat(p.isAlive()).as("the coordinator runs: " + log(port)).isTrue();
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return p;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      assertThat(System.nanoTime()).as("ready within 90 s: " + log(port)).isLessThan(end);
      Thread.sleep(200);
    }
  }

  private String log(int port) {
    try {
      String s = Files.readString(dir.resolve("coordinator-" + port + ".log"));
      return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }

  static String state(HttpClient http, int port, String key, String hook, String delivery) {
    try {
      return new JsonObject(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://127.0.0.1:"
                                      + port
                                      + "/v1/webhooks/"
                                      + hook
                                      + "/deliveries/"
                                      + delivery))
                          .header("Authorization", "Bearer " + key)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .getString("state");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aDeliveryPendingWhenTheCoordinatorIsKilledIsSentByTheNextOne() throws Exception {
    String db = TestPostgres.newDatabase();
    String cluster = "test-" + UUID.randomUUID();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (TestReceiver receiver = new TestReceiver()) {
      int port = freePort();
      Process first = coordinator(db, port, cluster);
      String key = Files.readString(dir.resolve("data/admin.key")).trim();
      String base = "http://127.0.0.1:" + port;
      JsonObject hook;
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/webhooks"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject()
                                .put("url", receiver.url("/killed"))
                                .put("events", new JsonArray().add("asset.created"))
                                .encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        hook = new JsonObject(r.body());
        receiver.answerAll(503); // the receiver is down
        receiver.expect("/killed", hook.getString("secret"));
        HttpResponse<String> up =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/assets?filename=k.glb&pipeline=noop"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TinyGlb.triangle()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
        WebhooksTest.await(
            "a failed attempt", Duration.ofSeconds(30), () -> !receiver.hits("/killed").isEmpty());
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook runs
        first.waitFor();
      }
      String eventId = receiver.hits("/killed").get(0).id();
      receiver.answerAll(0); // back: 200
      int port2 = freePort();
      Process second = coordinator(db, port2, cluster);
      try {
        HttpResponse<String> d =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port2
                                + "/v1/webhooks/"
                                + hook.getString("id")
                                + "/deliveries"))
                    .header("Authorization", "Bearer " + key)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject delivery = new JsonObject(d.body()).getJsonArray("items").getJsonObject(0);
        WebhooksTest.await(
            "the delivery sent and recorded after the restart",
            Duration.ofSeconds(60),
            () ->
                state(http, port2, key, hook.getString("id"), delivery.getString("id"))
                    .equals("succeeded"));
        assertThat(receiver.hits("/killed"))
            .allMatch(TestReceiver.Hit::verified)
            .allMatch(h -> h.id().equals(eventId));
      } finally {
        second.destroy();
        second.waitFor();
      }
    }
  }
}
