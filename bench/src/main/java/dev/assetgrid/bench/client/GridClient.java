package dev.assetgrid.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The coordinator's HTTP API as the bench uses it (java.net.http, HTTP/1.1, blocking calls). Every
 * {@code /v1} request carries the API key, when there is one, as {@code Authorization: Bearer}; a
 * 401 answer is an {@link ApiKeyRefused}, whatever the call.
 */
public final class GridClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final String authorization;
  private final HttpClient http;

  /**
   * The coordinator answered 401: no key, or one it does not know. Its message is the one line the
   * bench prints.
   */
  public static final class ApiKeyRefused extends IOException {
    ApiKeyRefused(boolean keyGiven, String detail) {
      super(
          keyGiven
              ? "the coordinator refused the API key ("
                  + detail
                  + "): pass a valid --api-key or ASSETGRID_API_KEY"
              : "the coordinator wants an API key: pass --api-key or ASSETGRID_API_KEY");
    }
  }

  /**
   * Outcome of one upload, or of one entry of a bulk job request: ids when accepted, else the
   * problem code.
   */
  public record Submitted(
      int status,
      String assetId,
      String jobId,
      String errorCode,
      String errorMessage,
      long startMs,
      long endMs) {
    public boolean accepted() {
      return status == 202 && jobId != null;
    }
  }

  /** A client without an API key (a coordinator with {@code --auth off}, or only /ready). */
  public GridClient(String baseUrl, int maxConnections) {
    this(baseUrl, null, maxConnections);
  }

  /**
   * @param apiKey sent on every {@code /v1} request; null = none
   */
  public GridClient(String baseUrl, String apiKey, int maxConnections) {
    this.authorization = apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.trim();
    this.base =
        URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    // the JDK client opens one connection per concurrent request to the same host; the pool size is
    // a hint only
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(
                java.util.concurrent.Executors.newFixedThreadPool(
                    Math.max(2, Math.min(maxConnections, 16)),
                    r -> {
                      Thread t = new Thread(r, "bench-http");
                      t.setDaemon(true);
                      return t;
                    }))
            .build();
  }

  public URI base() {
    return base;
  }

  /** A request to {@code pathAndQuery} (under {@code /v1}), with the key when there is one. */
  private HttpRequest.Builder v1(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery));
    return authorization == null ? b : b.header("Authorization", authorization);
  }

  /** Throws {@link ApiKeyRefused} on a 401; {@code body} is the answer's problem, may be null. */
  private void checkAuthorized(int status, JsonNode body) throws ApiKeyRefused {
    if (status == 401) {
      String detail =
          body == null
              ? "401"
              : "401 "
                  + body.path("code").asText("UNAUTHORIZED")
                  + (body.hasNonNull("detail") ? ": " + body.get("detail").asText() : "");
      throw new ApiKeyRefused(authorization != null, detail);
    }
  }

  /**
   * Fails with {@link ApiKeyRefused} unless the coordinator accepts this client's key (or needs
   * none): one {@code GET /v1/nodes}, to ask before a run rather than fail every request of it.
   */
  public void checkAccess() throws IOException, InterruptedException {
    nodes();
  }

  /** Uploads an item: raw body for a single file, multipart when it has side files. */
  public Submitted submit(WorkItem item, String pipeline, List<String> tags)
      throws IOException, InterruptedException {
    String query =
        "?filename="
            + enc(item.primary().getFileName().toString())
            + (pipeline == null ? "" : "&pipeline=" + enc(pipeline))
            + (tags.isEmpty() ? "" : "&tags=" + enc(String.join(",", tags)));
    HttpRequest.Builder b = v1("/v1/assets" + query).timeout(Duration.ofMinutes(30));
    if (item.sideFiles().isEmpty()) {
      b.header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.ofFile(item.primary()));
    } else {
      String boundary = "bench" + UUID.randomUUID().toString().replace("-", "");
      List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
      addFilePart(parts, boundary, "file", item.primary().getFileName().toString(), item.primary());
      for (WorkItem.SideFile s : item.sideFiles()) {
        addFilePart(parts, boundary, "side", s.name(), s.path());
      }
      parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
      b.header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.concat(parts.toArray(new HttpRequest.BodyPublisher[0])));
    }
    return send(b.build());
  }

  /**
   * Most entries one {@code POST /v1/jobs} takes (the coordinator's {@code
   * AssetStore.MAX_BULK_JOBS}).
   */
  public static final int MAX_BULK_JOBS = 1_000;

  /**
   * Creates one job per entry of {@code assetIds} with one {@code POST /v1/jobs}. Answers one
   * {@link Submitted} per entry, in entry order, each with the request's times; when the request
   * was refused every entry carries its problem code.
   */
  public List<Submitted> submitJobs(List<String> assetIds, String pipeline)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode assets = body.putArray("assets");
    assetIds.forEach(assets::add);
    if (pipeline != null) {
      body.put("pipeline", pipeline);
    }
    HttpRequest req =
        v1("/v1/jobs")
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    long t0 = System.currentTimeMillis();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    long t1 = System.currentTimeMillis();
    JsonNode reply = parse(resp.body());
    checkAuthorized(resp.statusCode(), reply);
    JsonNode jobs = reply.path("jobs");
    List<Submitted> out = new ArrayList<>(assetIds.size());
    if (resp.statusCode() == 202 && jobs.size() == assetIds.size()) {
      for (JsonNode j : jobs) {
        out.add(
            new Submitted(
                202, j.path("asset").asText(null), j.path("job").asText(null), null, null, t0, t1));
      }
      return out;
    }
    String code =
        resp.statusCode() == 202
            ? "BENCH_BAD_REPLY"
            : reply.path("code").asText("HTTP_" + resp.statusCode());
    String detail =
        resp.statusCode() == 202
            ? jobs.size() + " jobs answered for " + assetIds.size() + " entries"
            : reply.path("detail").asText(reply.path("title").asText(""));
    for (String id : assetIds) {
      out.add(new Submitted(resp.statusCode(), id, null, code, detail, t0, t1));
    }
    return out;
  }

  /**
   * Streams {@code length} bytes from the stream as a raw upload (the body is never whole in
   * memory).
   */
  public Submitted submitStream(
      Supplier<InputStream> body, long length, String filename, String pipeline)
      throws IOException, InterruptedException {
    HttpRequest req =
        v1("/v1/assets?filename="
                + enc(filename)
                + (pipeline == null ? "" : "&pipeline=" + enc(pipeline)))
            .timeout(Duration.ofHours(1))
            .header("Content-Type", "application/octet-stream")
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(body), length))
            .build();
    return send(req);
  }

  private Submitted send(HttpRequest req) throws IOException, InterruptedException {
    long t0 = System.currentTimeMillis();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    long t1 = System.currentTimeMillis();
    JsonNode body = parse(resp.body());
    checkAuthorized(resp.statusCode(), body);
    if (resp.statusCode() == 202) {
      return new Submitted(
          202,
          body.path("asset").path("id").asText(null),
          body.path("job").path("id").asText(null),
          null,
          null,
          t0,
          t1);
    }
    return new Submitted(
        resp.statusCode(),
        null,
        null,
        body.path("code").asText("HTTP_" + resp.statusCode()),
        body.path("detail").asText(body.path("title").asText("")),
        t0,
        t1);
  }

  private static void addFilePart(
      List<HttpRequest.BodyPublisher> parts,
      String boundary,
      String field,
      String filename,
      Path file)
      throws IOException {
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + field
            + "\"; filename=\""
            + filename.replace("\"", "%22")
            + "\"; filename*=UTF-8''"
            + enc(filename).replace("+", "%20")
            + "\r\nContent-Type: application/octet-stream\r\n\r\n";
    parts.add(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8));
    parts.add(HttpRequest.BodyPublishers.ofFile(file));
    parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
  }

  /** The asset record (with its files), or null when it does not exist. */
  public JsonNode asset(String assetId) throws IOException, InterruptedException {
    return getJson("/v1/assets/" + assetId);
  }

  /** The job record, or null when it does not exist. */
  public JsonNode job(String jobId) throws IOException, InterruptedException {
    return getJson("/v1/jobs/" + jobId);
  }

  /**
   * {@code GET path} with the whole answer read and dropped: its status only, for timing a request
   * without the cost of parsing its body.
   */
  public int getStatus(String path) throws IOException, InterruptedException {
    HttpResponse<Void> r =
        http.send(
            v1(path).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.discarding());
    checkAuthorized(r.statusCode(), null);
    return r.statusCode();
  }

  /** Whether any job of the grid, anyone's, is still queued or running (two cheap list queries). */
  public boolean anyJobUnfinished() throws IOException, InterruptedException {
    for (String state : new String[] {"queued", "running"}) {
      JsonNode page = getJson("/v1/jobs?state=" + state + "&limit=1");
      if (page != null && page.path("items").size() > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits, polling every 50 ms, until no job of the grid is queued or running, or until {@code
   * deadlineMs}. Only meaningful on a grid nobody else uses.
   */
  public void awaitIdle(long deadlineMs) throws InterruptedException {
    while (System.currentTimeMillis() < deadlineMs) {
      try {
        if (!anyJobUnfinished()) {
          return;
        }
      } catch (IOException e) {
        // the coordinator is busy or restarting: ask again
      }
      Thread.sleep(50);
    }
  }

  /** {@code GET /v1/stats}: assets, jobs and tasks by state, live nodes. */
  public JsonNode stats() throws IOException, InterruptedException {
    JsonNode s = getJson("/v1/stats");
    if (s == null) {
      throw new IOException("GET /v1/stats answered 404 (a coordinator older than the bench?)");
    }
    return s;
  }

  public JsonNode nodes() throws IOException, InterruptedException {
    return getJson("/v1/nodes");
  }

  /** True when {@code /ready} answers 200. */
  public boolean ready() {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/ready")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean cancel(String jobId) throws IOException, InterruptedException {
    HttpResponse<Void> r =
        http.send(
            v1("/v1/jobs/" + jobId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    checkAuthorized(r.statusCode(), null);
    return r.statusCode() == 202;
  }

  /** Downloads a file of an asset to {@code target}; returns its size, or -1 when absent. */
  public long download(String assetId, String name, Path target)
      throws IOException, InterruptedException {
    HttpResponse<Path> r =
        http.send(
            v1("/v1/assets/" + assetId + "/files/" + enc(name).replace("+", "%20")).build(),
            // ofFile(target) alone neither truncates: a shorter file would keep an older tail
            HttpResponse.BodyHandlers.ofFile(
                target,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
    checkAuthorized(r.statusCode(), null);
    return r.statusCode() == 200 ? java.nio.file.Files.size(target) : -1;
  }

  private JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            v1(path).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    checkAuthorized(r.statusCode(), r.statusCode() == 401 ? parse(r.body()) : null);
    if (r.statusCode() == 404) {
      return null;
    }
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
