package dev.assetgrid.coordinator.metrics;

import static dev.assetgrid.coordinator.TestGrid.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.node.Node;
import dev.assetgrid.node.worker.WorkerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real coordinator and of a real node with {@code --metrics-port}: scraped,
 * parsed as the Prometheus text format, and checked to move by exactly what a job did.
 */
class MetricsTest {
  @TempDir static Path dataDir;
  static TestGrid grid;
  static Node node;

  private static final Pattern UUID_LIKE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(dataDir);
    node =
        await(
            Node.start(
                grid.nodeCluster(),
                new WorkerOptions(2, Files.createTempDirectory("ag-node"), 5_000, 5_000, 500),
                new Node.MetricsEndpoint("127.0.0.1", 0)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.stop().get();
    }
    if (grid != null) {
      grid.close();
    }
  }

  /** The last scrapes, kept as test output (target/metrics/*.prom) for whoever reads them. */
  static void keep(String name, String text) throws java.io.IOException {
    Path dir = Path.of("target", "metrics");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".prom"), text);
  }

  static PromText coordinator() throws Exception {
    HttpResponse<String> r = grid.get("/metrics");
    keep("coordinator", r.body());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return checked(PromText.parse(r.body()));
  }

  static PromText node() throws Exception {
    HttpResponse<String> r =
        grid.http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    keep("node", r.body());
    return checked(PromText.parse(r.body()));
  }

  /** No id in any label, and a bounded number of series. */
  static PromText checked(PromText p) {
    p.labels.forEach(
        (series, labels) ->
            labels.forEach((k, v) -> assertThat(UUID_LIKE.matcher(v).find()).as(series).isFalse()));
    assertThat(p.samples.size()).isLessThan(3_000);
    return p;
  }

  /**
   * Polls until {@code check} holds on a fresh scrape (the gauges sample at most once a second).
   */
  static PromText awaitScrape(java.util.function.Predicate<PromText> check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    PromText p = coordinator();
    while (!check.test(p) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      p = coordinator();
    }
    return p;
  }

  @Test
  void countersMoveByWhatAJobDid() throws Exception {
    PromText before = awaitScrape(p -> p.value("assetgrid_nodes") == 1);
    assertThat(before.value("assetgrid_nodes_slots")).isEqualTo(2.0);
    PromText nodeBefore = node();

    byte[] glb = TinyGlb.triangle("metrics-job");
    HttpResponse<String> up = grid.uploadBytes(glb, "m.glb", "pipeline=validate,optimize-mesh");
    assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
    String jobId = new JsonObject(up.body()).getJsonObject("job").getString("id");
    JsonObject job = grid.awaitJob(jobId, Duration.ofSeconds(60));
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
    JsonArray tasks = job.getJsonArray("tasks");
    Map<String, Integer> byType = new HashMap<>();
    long outputBytes = 0;
    long inspectOutputs = 0;
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject t = tasks.getJsonObject(i);
      byType.merge(t.getString("type"), 1, Integer::sum);
      JsonArray outs = t.getJsonArray("outputs");
      for (int k = 0; k < outs.size(); k++) {
        outputBytes += outs.getJsonObject(k).getLong("size");
        if (t.getString("type").equals("inspect")) {
          inspectOutputs += outs.getJsonObject(k).getLong("size");
        }
      }
    }
    assertThat(byType).containsOnlyKeys("inspect", "validate", "optimize-mesh");
    assertThat(tasks.size()).isEqualTo(3);

    PromText after =
        awaitScrape(
            p ->
                p.value("assetgrid_jobs_finished_total", "state", "succeeded")
                            - before.value("assetgrid_jobs_finished_total", "state", "succeeded")
                        == 1
                    && p.value("assetgrid_blobs_stored_bytes", "kind", "original")
                        > before.value("assetgrid_blobs_stored_bytes", "kind", "original"));
    assertThat(delta(after, before, "assetgrid_jobs_finished_total", "state", "succeeded"))
        .isEqualTo(1.0);
    for (var e : byType.entrySet()) {
      String type = e.getKey();
      assertThat(
              delta(
                  after,
                  before,
                  "assetgrid_task_attempt_seconds_count",
                  "outcome",
                  "succeeded",
                  "type",
                  type))
          .as(type)
          .isEqualTo(e.getValue().doubleValue());
      assertThat(delta(after, before, "assetgrid_task_queue_wait_seconds_count", "type", type))
          .as(type)
          .isEqualTo(e.getValue().doubleValue());
    }
    // the original's bytes: stored once, and received once by the upload route
    assertThat(delta(after, before, "assetgrid_blobs_stored_bytes", "kind", "original"))
        .isEqualTo((double) glb.length);
    assertThat(delta(after, before, "assetgrid_blobs", "kind", "original")).isEqualTo(1.0);
    assertThat(
            delta(
                after,
                before,
                "assetgrid_http_body_bytes_total",
                "direction",
                "in",
                "route",
                "uploads"))
        .isEqualTo((double) glb.length);
    // nothing left open
    assertThat(after.sum("assetgrid_queue_tasks")).isZero();
    assertThat(after.value("assetgrid_queue_tasks", "state", "queued", "type", "inspect")).isZero();
    // Vert.x's own: the HTTP server by route template, the SQL pools by name, the JVM
    assertThat(after.sum("vertx_http_server_requests_total", "route", "/v1/assets", "code", "202"))
        .as("%s", after.samples.keySet().stream().filter(k -> k.startsWith("vertx_http")).toList())
        .isPositive();
    assertThat(after.has("jvm_memory_used_bytes")).isTrue();
    assertThat(after.sum("vertx_pool_ratio", "pool_name", "main") >= 0).isTrue();
    assertThat(after.has("assetgrid_process_resident_bytes")).isTrue();

    // the node: one attempt per task, inputs in and outputs out. Every task reads the original;
    // validate and optimize-mesh read inspect's outputs too (a task reads its ancestors' outputs)
    PromText nodeAfter = node();
    for (var e : byType.entrySet()) {
      assertThat(
              delta(
                  nodeAfter,
                  nodeBefore,
                  "assetgrid_node_task_seconds_count",
                  "outcome",
                  "succeeded",
                  "type",
                  e.getKey()))
          .as(e.getKey())
          .isEqualTo(e.getValue().doubleValue());
    }
    assertThat(
            delta(nodeAfter, nodeBefore, "assetgrid_node_transfer_bytes_total", "direction", "in"))
        .isEqualTo((double) glb.length * 3 + 2 * inspectOutputs);
    assertThat(
            delta(nodeAfter, nodeBefore, "assetgrid_node_transfer_bytes_total", "direction", "out"))
        .isEqualTo((double) outputBytes);
    assertThat(nodeAfter.value("assetgrid_node_slots")).isEqualTo(2.0);
    assertThat(nodeAfter.value("assetgrid_node_slots_busy")).isZero();
    assertThat(nodeAfter.value("assetgrid_node_native_buffers_bytes")).isZero();
    assertThat(nodeAfter.has("jvm_memory_used_bytes")).isTrue();
    // each process reports its own Vert.x: the node PUT the outputs, the coordinator PUT nothing
    assertThat(nodeAfter.sum("vertx_http_client_requests_total", "method", "PUT")).isPositive();
    assertThat(after.sum("vertx_http_client_requests_total", "method", "PUT")).isZero();
  }

  @Test
  void aFailedTaskIsCountedByItsCode() throws Exception {
    PromText before = coordinator();
    PromText nodeBefore = node();
    JsonObject job = failedJob("metrics-failing");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("failed");
    String code = job.getJsonObject("error").getString("code");
    assertThat(code).isEqualTo("GLTF_INVALID_JSON");
    PromText after =
        awaitScrape(
            p ->
                p.value("assetgrid_jobs_finished_total", "state", "failed")
                    > before.value("assetgrid_jobs_finished_total", "state", "failed"));
    assertThat(delta(after, before, "assetgrid_jobs_finished_total", "state", "failed"))
        .isEqualTo(1.0);
    assertThat(delta(after, before, "assetgrid_task_errors_total", "code", code, "type", "noop"))
        .isEqualTo(1.0);
    assertThat(
            delta(
                after,
                before,
                "assetgrid_task_attempt_seconds_count",
                "outcome",
                "failed",
                "type",
                "noop"))
        .isEqualTo(1.0);
    PromText nodeAfter = node();
    assertThat(
            delta(
                nodeAfter,
                nodeBefore,
                "assetgrid_node_task_errors_total",
                "code",
                code,
                "type",
                "noop"))
        .isEqualTo(1.0);
  }

  @Test
  void failuresAreCountedByCode() throws Exception {
    PromText before = coordinator();
    // a request for an asset that is not there
    assertThat(grid.get("/v1/assets/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
    PromText after =
        awaitScrape(
            p ->
                p.value("assetgrid_http_problems_total", "code", "NOT_FOUND")
                    > before.value("assetgrid_http_problems_total", "code", "NOT_FOUND"));
    assertThat(delta(after, before, "assetgrid_http_problems_total", "code", "NOT_FOUND"))
        .isEqualTo(1.0);
  }

  @Test
  void onlyKeysOfTheDefaultTenantReadIt() throws Exception {
    HttpResponse<String> none =
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/metrics"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    String other = key("{\"role\":\"admin\",\"tenant\":\"metrics-other\"}");
    assertThat(get(other).statusCode()).isEqualTo(403);
    assertThat(get(other).body()).contains("FORBIDDEN");
    String reader = key("{\"role\":\"reader\"}");
    assertThat(get(reader).statusCode()).isEqualTo(200);
  }

  @Test
  void aNodeServesNoMetricsUnlessAsked() throws Exception {
    Node plain =
        await(
            Node.start(
                grid.nodeCluster(),
                new WorkerOptions(1, Files.createTempDirectory("ag-node"), 5_000, 5_000, 500)));
    try {
      assertThat(plain.metricsPort()).isEqualTo(-1);
    } finally {
      plain.stop().get();
    }
  }

  /**
   * Every series the Grafana dashboard in {@code deploy/} queries exists in a real scrape of the
   * coordinator or the node (after a failed task and a problem answer, whose series come with
   * them).
   */
  @Test
  void theDashboardQueriesSeriesThatExist() throws Exception {
    failedJob("metrics-dashboard");
    assertThat(grid.get("/v1/jobs/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (PromText p : List.of(awaitScrape(x -> x.has("assetgrid_task_errors_total")), node())) {
      p.samples.keySet().forEach(k -> names.add(k.replaceAll("\\{.*", "")));
    }
    Path file = Path.of("..", "deploy", "grafana", "assetgrid.json");
    JsonObject dashboard = new JsonObject(Files.readString(file));
    Pattern series = Pattern.compile("\\b(?:assetgrid|vertx|jvm)_[a-z0-9_]+");
    int queries = 0;
    for (Object o : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) o;
      for (Object t : panel.getJsonArray("targets", new JsonArray())) {
        String expr = ((JsonObject) t).getString("expr");
        java.util.regex.Matcher m = series.matcher(expr);
        boolean any = false;
        while (m.find()) {
          any = true;
          assertThat(names)
              .as("%s in panel %s", m.group(), panel.getString("title"))
              .contains(m.group());
        }
        assertThat(any).as(expr).isTrue();
        queries++;
      }
    }
    assertThat(queries).isGreaterThan(20);
  }

  /**
   * A job whose one stage (noop) fails as asked, with a code that is not retried; waits until it
   * ended.
   */
  static JsonObject failedJob(String name) throws Exception {
    String pipeline =
        "{\"stages\":[{\"type\":\"noop\",\"params\":{\"failWith\":\"GLTF_INVALID_JSON\"}}]}";
    HttpResponse<String> up =
        grid.uploadBytes(
            TinyGlb.triangle(name),
            name + ".glb",
            "pipeline="
                + java.net.URLEncoder.encode(pipeline, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
    return grid.awaitJob(
        new JsonObject(up.body()).getJsonObject("job").getString("id"), Duration.ofSeconds(60));
  }

  private static String key(String body) throws Exception {
    HttpResponse<String> r = grid.post("/v1/keys", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("key");
  }

  private static HttpResponse<String> get(String key) throws Exception {
    return grid.http.send(
        HttpRequest.newBuilder(URI.create(grid.url("/metrics")))
            .header("Authorization", "Bearer " + key)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double delta(PromText after, PromText before, String name, String... kv) {
    return after.value(name, kv) - before.value(name, kv);
  }
}
