package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator JVM with {@code --log-format json} and one in-process slot: every line it
 * writes is a JSON object, the access log carries the request id we sent (echoed in {@code
 * X-Request-Id}), the tenant, the key and the job, and a task's lines carry the task, its attempt
 * and the node.
 */
@Timeout(180)
class LogsTest {
  @TempDir Path dir;

  @Test
  void jsonLinesCarryTheRequestTenantJobTaskAndNode() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("coordinator.log");
    List<String> cmd = TestGrid.javaCommand(CoordinatorMain.class.getName(), "512m");
    cmd.addAll(
        List.of(
            "--port",
            String.valueOf(port),
            "--data-dir",
            dir.resolve("data").toString(),
            "--db-url",
            TestPostgres.newDatabase(),
            "--workers",
            "1",
            "--cluster-name",
            "logs-" + UUID.randomUUID(),
            "--log-format",
            "json"));
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    try {
      CoordinatorCrashTest.awaitReady(http, base, p, log, Duration.ofSeconds(90));
      String key = Files.readString(dir.resolve("data/admin.key")).trim();
      String pipeline =
          "{\"stages\":[{\"type\":\"noop\",\"params\":{\"failWith\":\"INTERNAL_ERROR\"}}]}";
      HttpResponse<String> up =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base
                              + "/v1/assets?filename=l.glb&pipeline="
                              + java.net.URLEncoder.encode(
                                  pipeline, java.nio.charset.StandardCharsets.UTF_8)))
                  .header("Authorization", "Bearer " + key)
                  .header("X-Request-Id", "logs-test-upload")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(TinyGlb.triangle("logs")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
      assertThat(up.headers().firstValue("X-Request-Id")).hasValue("logs-test-upload");
      String job = new JsonObject(up.body()).getJsonObject("job").getString("id");
      // the job fails: INTERNAL_ERROR is retried, then the task is dead
      String state = "";
      for (int i = 0; i < 300 && !state.equals("failed"); i++) {
        Thread.sleep(100);
        HttpResponse<String> j =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + job))
                    .header("Authorization", "Bearer " + key)
                    .header("X-Request-Id", "logs-test-poll")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        state = new JsonObject(j.body()).getString("state");
      }
      assertThat(state).isEqualTo("failed");
      HttpResponse<String> missing =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/assets/" + UUID.randomUUID()))
                  .header("Authorization", "Bearer " + key)
                  .header("X-Request-Id", "logs-test-missing")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      p.destroy(); // SIGTERM: the coordinator stops cleanly and flushes
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

      // kept as test output: what a JSON log of a coordinator looks like
      Files.createDirectories(Path.of("target", "logs"));
      Files.copy(
          log,
          Path.of("target", "logs", "coordinator-json.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      List<JsonObject> lines = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          lines.add(new JsonObject(line));
        } catch (DecodeException e) {
          throw new AssertionError("not a JSON line: " + line, e);
        }
      }
      assertThat(lines).isNotEmpty();
      for (JsonObject l : lines) {
        assertThat(l.fieldNames())
            .as(l.encode())
            .contains("timestamp", "level", "loggerName", "formattedMessage", "mdc");
      }
      JsonObject upload = accessLine(lines, "logs-test-upload");
      assertThat(upload.getJsonObject("mdc").getString("tenant")).isEqualTo("default");
      assertThat(upload.getJsonObject("mdc").getString("key")).isEqualTo(key.split("_")[1]);
      assertThat(kv(upload, "status")).isEqualTo("202");
      assertThat(kv(upload, "method")).isEqualTo("POST");
      assertThat(kv(upload, "path")).isEqualTo("/v1/assets");
      assertThat(accessLine(lines, "logs-test-poll").getJsonObject("mdc").getString("job"))
          .isEqualTo(job);
      assertThat(kv(accessLine(lines, "logs-test-missing"), "code")).isEqualTo("NOT_FOUND");
      // the slot's warning about the unexpected failure names the task, attempt and node
      JsonObject failed =
          lines.stream()
              .filter(l -> l.getString("formattedMessage", "").contains("failed unexpectedly"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no task line in " + tail(log)));
      JsonObject mdc = failed.getJsonObject("mdc");
      assertThat(mdc.getString("task")).isNotBlank();
      assertThat(mdc.getString("attempt")).isEqualTo("1");
      assertThat(mdc.getString("node")).isNotBlank();
      assertThat(mdc.containsKey("request")).isFalse();
      assertThat(failed.getString("level")).isEqualTo("WARN");
    } finally {
      p.destroyForcibly();
    }
  }

  private static JsonObject accessLine(List<JsonObject> lines, String requestId) {
    return lines.stream()
        .filter(l -> "assetgrid.access".equals(l.getString("loggerName")))
        .filter(l -> requestId.equals(l.getJsonObject("mdc").getString("request")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no access line of " + requestId));
  }

  /** A key/value pair of a line, as text. */
  private static String kv(JsonObject line, String key) {
    Object list = line.getValue("kvpList");
    if (list instanceof io.vertx.core.json.JsonArray a) {
      for (Object o : a) {
        if (o instanceof JsonObject j && j.containsKey(key)) {
          return String.valueOf(j.getValue(key));
        }
      }
    } else if (list instanceof JsonObject j && j.containsKey(key)) {
      return String.valueOf(j.getValue(key));
    }
    throw new AssertionError("no " + key + " in " + line.encode());
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log);
      return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
