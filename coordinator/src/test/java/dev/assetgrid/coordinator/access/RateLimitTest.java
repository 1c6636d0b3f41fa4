package dev.assetgrid.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Per-key rate limits through the API: 429 with Retry-After and the RateLimit-* headers. */
@Timeout(120)
class RateLimitTest {
  static final int MAX_UPLOAD = 64 * 1024;
  @TempDir static Path dataDir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase()).withMaxUploadBytes(MAX_UPLOAD));
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static String key(String body) throws Exception {
    HttpResponse<String> r =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/keys")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("key");
  }

  static HttpResponse<String> get(String key) throws Exception {
    return TestGrid.checked(
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/v1/assets")))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  static HttpResponse<String> upload(String key, byte[] body) throws Exception {
    return TestGrid.checked(
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/v1/assets?filename=b.glb&pipeline=noop")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aKeyOverItsRequestRateGets429WithRetryAfterAndOtherKeysDoNot() throws Exception {
    String slow = key("{\"role\":\"reader\",\"requestsPerSecond\":0.5}");
    // burst: 1 (twice 0.5 per second)
    HttpResponse<String> first = get(slow);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("1");
    assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    HttpResponse<String> second = get(slow);
    assertThat(second.statusCode()).isEqualTo(429);
    JsonObject p = new JsonObject(second.body());
    assertThat(p.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(p.getBoolean("retryable")).isTrue();
    long retry = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retry).isBetween(1L, 2L);
    assertThat(second.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    // another key is not slowed by this one
    assertThat(get(grid.adminKey()).statusCode()).isEqualTo(200);
    // after Retry-After, it works again
    Thread.sleep(retry * 1000 + 100);
    assertThat(get(slow).statusCode()).isEqualTo(200);
  }

  @Test
  void uploadBytesAreLimitedPerKeyBeforeTheBytesAreRead() throws Exception {
    String w = key("{\"role\":\"writer\",\"uploadBytesPerSecond\":100}");
    // the bucket holds one largest upload (64 KiB): 40 KiB fit once, not twice
    byte[] big = TinyGlb.triangle("x".repeat(40_000));
    HttpResponse<String> first = upload(w, big);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    HttpResponse<String> second = upload(w, TinyGlb.triangle("y".repeat(40_000)));
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(second.body()).getString("detail")).contains("bytes per second");
    assertThat(Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow()))
        .isGreaterThan(100L);
    // nothing was stored for the refused one
    JsonObject stats =
        new JsonObject(
            grid.http
                .send(grid.request("/v1/stats").build(), HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(stats.getLong("assets")).isEqualTo(1L);
  }
}
