package dev.assetgrid.bench.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthCostTest {
  static {
    // the JDK server writes headers and body apart: without TCP_NODELAY each answer waits for a
    // delayed ACK
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void statsArePercentilesOfTheSamples() {
    double[] us = new double[100];
    for (int i = 0; i < us.length; i++) {
      us[i] = 100 - i; // 100 … 1, unsorted on purpose
    }
    AuthCost.Stats s = AuthCost.Stats.of(us, 3);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.p50Us()).isEqualTo(50);
    assertThat(s.p90Us()).isEqualTo(90);
    assertThat(s.p99Us()).isEqualTo(99);
    assertThat(s.maxUs()).isEqualTo(100);
    assertThat(s.meanUs()).isEqualTo(50.5);
    assertThat(us[0]).isEqualTo(100); // the caller's array is left as it was
  }

  @Test
  void theBudgetIsOnTheP50Difference() {
    AuthCost.Stats off = new AuthCost.Stats(10, 0, 500, 600, 900, 550, 1000);
    AuthCost.Stats on = new AuthCost.Stats(10, 0, 690, 900, 2000, 700, 3000);
    AuthCost.Row row = AuthCost.Row.of(AuthCost.GET_JOB, on, off);
    assertThat(row.diffP50Us()).isEqualTo(190);
    assertThat(row.diffP90Us()).isEqualTo(300);
    assertThat(row.diffP99Us()).isEqualTo(1100);
    assertThat(row.withinBudget()).isTrue();
    AuthCost.Stats slow = new AuthCost.Stats(10, 0, 700, 900, 2000, 700, 3000);
    assertThat(AuthCost.Row.of(AuthCost.GET_JOB, slow, off).withinBudget()).isFalse();
  }

  @Test
  void measuresEveryRequestOfBothGridsInAlternatingBlocks() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    HttpServer on = server("on", "Bearer ag_k", seen);
    HttpServer off = server("off", null, seen);
    AuthCost.Settings settings = new AuthCost.Settings(8, 21, 4, 2, "noop");
    AuthCost.Result r =
        AuthCost.run(
            new GridClient(url(on), "ag_k", 2),
            new GridClient(url(off), 2),
            tiny(),
            settings,
            null);

    assertThat(r.errors()).isEmpty();
    assertThat(r.uploadBytes()).isEqualTo(3);
    assertThat(r.rows())
        .extracting(AuthCost.Row::request)
        .containsExactly(AuthCost.GET_JOB, AuthCost.UPLOAD);
    assertThat(r.rows().get(0).on().count()).isEqualTo(21);
    assertThat(r.rows().get(0).off().count()).isEqualTo(21);
    assertThat(r.rows().get(1).on().count()).isEqualTo(4);
    // 2 rounds × 2 kinds × 2 grids; the first round's GET block takes the odd one
    assertThat(r.blocks()).hasSize(8);
    assertThat(r.blocks().get(0).samplesUs()).hasSize(11);
    assertThat(r.blocks().get(0).auth()).isTrue();
    assertThat(r.blocks().get(4).auth()).isFalse(); // round 2 starts with the other grid
    assertThat(r.blocks().get(4).samplesUs()).hasSize(10);
    // per grid: 1 first upload, 8 + 2 warm-up, 4 × 50 re-warm, 21 + 4 measured
    long onRequests = seen.stream().filter("on"::equals).count();
    assertThat(onRequests).isEqualTo(1 + 8 + 2 + 4 * AuthCost.REWARM + 21 + 4);
    assertThat(seen.stream().filter("off"::equals).count()).isEqualTo(onRequests);
  }

  @Test
  void aRefusedKeyStopsTheRun() throws Exception {
    HttpServer on = server("on", "Bearer ag_k", new ArrayList<>());
    HttpServer off = server("off", null, new ArrayList<>());
    assertThatThrownBy(
            () ->
                AuthCost.run(
                    new GridClient(url(on), 2),
                    new GridClient(url(off), 2),
                    tiny(),
                    new AuthCost.Settings(0, 1, 1, 1, "noop"),
                    null))
        .isInstanceOf(GridClient.ApiKeyRefused.class)
        .hasMessage("the coordinator wants an API key: pass --api-key or ASSETGRID_API_KEY");
  }

  private WorkItem tiny() throws IOException {
    Path f = dir.resolve("tiny.glb");
    Files.write(f, new byte[] {1, 2, 3});
    return new WorkItem("tiny.glb", f, List.of(), 3, 12);
  }

  /** A stand-in coordinator: 401 unless the header is {@code authorization} (when not null). */
  private HttpServer server(String name, String authorization, List<String> seen)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger jobs = new AtomicInteger();
    s.createContext(
        "/v1/",
        x -> {
          x.getRequestBody().readAllBytes();
          seen.add(name);
          if (authorization != null
              && !authorization.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            reply(x, 401, "{\"code\":\"UNAUTHORIZED\"}");
          } else if (x.getRequestMethod().equals("POST")) {
            int j = jobs.incrementAndGet();
            reply(x, 202, "{\"asset\":{\"id\":\"a" + j + "\"},\"job\":{\"id\":\"j" + j + "\"}}");
          } else {
            reply(x, 200, "{\"id\":\"j1\",\"state\":\"queued\"}");
          }
        });
    s.start();
    servers.add(s);
    return s;
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  private static String url(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }
}
