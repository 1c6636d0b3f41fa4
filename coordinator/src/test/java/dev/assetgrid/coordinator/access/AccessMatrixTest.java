package dev.assetgrid.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.OpenApiContract;
import dev.assetgrid.coordinator.StringAnswer;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.net.Cidr;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the API × every kind of credential → the status it must answer. The table below
 * has one entry per route; a route the router has and the table lacks (a new endpoint nobody
 * thought about) fails {@link #everyRouteHasAnEntry}.
 */
@Timeout(300)
class AccessMatrixTest {
  @TempDir static Path dataDir;
  static TestGrid grid;

  /** The credentials, in the order they are tried (the destructive ones last). */
  enum Cred {
    NONE,
    MALFORMED,
    WRONG_SECRET,
    EXPIRED,
    REVOKED,
    READER,
    OTHER_TENANT_ADMIN,
    WRITER,
    ADMIN
  }

  /** What a cell expects: refused (401, 403, 404) or allowed (2xx, or 409 for a state conflict). */
  enum Want {
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    OK
  }

  static final Map<Cred, String> header = new LinkedHashMap<>();
  static String assetId;
  static String jobId;
  static String victimKey;
  static String uploadId;
  static String webhookId;
  static String deliveryId;
  static String importId;

  /** A webhook of the default tenant (to a closed loopback port), made by its admin. */
  static String newWebhook() {
    try {
      return new JsonObject(
              grid.post(
                      "/v1/webhooks",
                      "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"job.failed\"]}")
                  .body())
          .getString("id");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A direct upload of the default tenant, begun by its admin (no part sent). */
  static String newUpload() {
    try {
      return new JsonObject(grid.post("/v1/uploads", "{\"name\":\"u.glb\",\"size\":100}").body())
          .getString("id");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh asset of the default tenant for each build of the table (DELETE takes one away). */
  static java.util.function.Supplier<String> victimAsset;

  /** A request to make: method, path (ids filled in), body (null = none). */
  record Call(String method, String path, byte[] body, String contentType) {}

  /** One route: how to call it, and what each role gets (anonymous ones always get 401). */
  record Entry(Call call, Want reader, Want writer, Want admin, Want otherTenantAdmin) {}

  static Map<String, Entry> table() {
    Function<String, Call> get = p -> new Call("GET", p, null, null);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, Entry> t = new LinkedHashMap<>();
    Want ok = Want.OK, no = Want.FORBIDDEN, nf = Want.NOT_FOUND;
    t.put("GET /v1/assets", new Entry(get.apply("/v1/assets"), ok, ok, ok, ok));
    t.put("GET /v1/assets/:id", new Entry(get.apply("/v1/assets/" + assetId), ok, ok, ok, nf));
    t.put(
        "GET /v1/assets/:id/files/:name",
        new Entry(get.apply("/v1/assets/" + assetId + "/files/original"), ok, ok, ok, nf));
    t.put(
        "PATCH /v1/assets/:id",
        new Entry(
            new Call(
                "PATCH",
                "/v1/assets/" + assetId,
                "{\"tags\":[\"matrix\"]}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            ok,
            ok,
            nf));
    t.put(
        "DELETE /v1/assets/:id",
        new Entry(
            new Call("DELETE", "/v1/assets/" + victimAsset.get(), null, null), no, ok, ok, nf));
    t.put(
        "POST /v1/assets",
        new Entry(
            new Call(
                "POST",
                "/v1/assets?filename=m.glb&pipeline=noop",
                TinyGlb.triangle(),
                "model/gltf-binary"),
            no,
            ok,
            ok,
            ok));
    t.put(
        "POST /v1/assets/:id/jobs",
        new Entry(
            new Call(
                "POST",
                "/v1/assets/" + assetId + "/jobs",
                "{\"pipeline\":\"noop\"}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            ok,
            ok,
            nf));
    t.put("GET /v1/jobs", new Entry(get.apply("/v1/jobs"), ok, ok, ok, ok));
    t.put(
        "POST /v1/jobs",
        new Entry(
            new Call(
                "POST",
                "/v1/jobs",
                ("{\"assets\":[\"" + assetId + "\"],\"pipeline\":\"noop\"}")
                    .getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            ok,
            ok,
            nf));
    t.put("GET /v1/jobs/:id", new Entry(get.apply("/v1/jobs/" + jobId), ok, ok, ok, nf));
    t.put(
        "GET /v1/jobs/:id/events",
        new Entry(get.apply("/v1/jobs/" + jobId + "/events"), ok, ok, ok, nf));
    t.put(
        "POST /v1/jobs/:id/cancel",
        new Entry(new Call("POST", "/v1/jobs/" + jobId + "/cancel", null, null), no, ok, ok, nf));
    t.put(
        "POST /v1/jobs/:id/retry",
        new Entry(new Call("POST", "/v1/jobs/" + jobId + "/retry", null, null), no, ok, ok, nf));
    t.put("GET /v1/nodes", new Entry(get.apply("/v1/nodes"), ok, ok, ok, ok));
    t.put("GET /v1/stats", new Entry(get.apply("/v1/stats"), ok, ok, ok, ok));
    t.put(
        "POST /v1/keys",
        new Entry(
            new Call(
                "POST",
                "/v1/keys",
                "{\"role\":\"reader\"}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            no,
            ok,
            ok));
    t.put("GET /v1/keys", new Entry(get.apply("/v1/keys"), no, no, ok, ok));
    t.put("GET /v1/keys/:keyId", new Entry(get.apply("/v1/keys/" + victimKey), no, no, ok, nf));
    t.put(
        "DELETE /v1/keys/:keyId",
        new Entry(new Call("DELETE", "/v1/keys/" + victimKey, null, null), no, no, ok, nf));
    t.put("GET /v1/audit", new Entry(get.apply("/v1/audit"), no, no, ok, ok));
    t.put("GET /v1/tenants/:name", new Entry(get.apply("/v1/tenants/default"), no, no, ok, nf));
    t.put(
        "PATCH /v1/tenants/:name",
        new Entry(
            new Call(
                "PATCH",
                "/v1/tenants/default",
                "{\"quotas\":{\"assets\":null}}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            no,
            ok,
            nf));
    // direct uploads: a complete with no part sent is a 409 (missing part) for whoever may
    t.put(
        "POST /v1/uploads",
        new Entry(
            new Call(
                "POST",
                "/v1/uploads",
                "{\"name\":\"m.glb\",\"size\":100}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            ok,
            ok,
            ok));
    t.put("GET /v1/uploads/:id", new Entry(get.apply("/v1/uploads/" + uploadId), no, ok, ok, nf));
    t.put(
        "POST /v1/uploads/:id/complete",
        new Entry(
            new Call("POST", "/v1/uploads/" + uploadId + "/complete", null, null), no, ok, ok, nf));
    t.put(
        "DELETE /v1/uploads/:id",
        new Entry(new Call("DELETE", "/v1/uploads/" + newUpload(), null, null), no, ok, ok, nf));
    t.put("GET /v1/events", new Entry(get.apply("/v1/events"), ok, ok, ok, ok));
    byte[] urls =
        "{\"urls\":[\"https://models.example.invalid/m.glb\"]}".getBytes(StandardCharsets.UTF_8);
    t.put(
        "POST /v1/imports",
        new Entry(new Call("POST", "/v1/imports", urls, "application/json"), no, ok, ok, ok));
    t.put("GET /v1/imports", new Entry(get.apply("/v1/imports"), ok, ok, ok, ok));
    t.put("GET /v1/imports/:id", new Entry(get.apply("/v1/imports/" + importId), ok, ok, ok, nf));
    t.put(
        "GET /v1/imports/:id/items",
        new Entry(get.apply("/v1/imports/" + importId + "/items"), ok, ok, ok, nf));
    t.put(
        "POST /v1/imports/:id/cancel",
        new Entry(
            new Call("POST", "/v1/imports/" + importId + "/cancel", null, null), no, ok, ok, nf));
    byte[] hook =
        "{\"url\":\"http://127.0.0.1:9/m\",\"events\":[\"*\"]}".getBytes(StandardCharsets.UTF_8);
    t.put(
        "POST /v1/webhooks",
        new Entry(new Call("POST", "/v1/webhooks", hook, "application/json"), no, no, ok, ok));
    t.put("GET /v1/webhooks", new Entry(get.apply("/v1/webhooks"), no, no, ok, ok));
    String w = "/v1/webhooks/" + webhookId;
    t.put("GET /v1/webhooks/:webhookId", new Entry(get.apply(w), no, no, ok, nf));
    t.put(
        "PATCH /v1/webhooks/:webhookId",
        new Entry(
            new Call(
                "PATCH",
                w,
                "{\"description\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
            no,
            no,
            ok,
            nf));
    t.put(
        "DELETE /v1/webhooks/:webhookId",
        new Entry(new Call("DELETE", "/v1/webhooks/" + newWebhook(), null, null), no, no, ok, nf));
    t.put(
        "POST /v1/webhooks/:webhookId/rotate-secret",
        new Entry(new Call("POST", w + "/rotate-secret", null, null), no, no, ok, nf));
    t.put(
        "POST /v1/webhooks/:webhookId/test",
        new Entry(new Call("POST", w + "/test", null, null), no, no, ok, nf));
    t.put(
        "GET /v1/webhooks/:webhookId/deliveries",
        new Entry(get.apply(w + "/deliveries"), no, no, ok, nf));
    t.put(
        "GET /v1/webhooks/:webhookId/deliveries/:deliveryId",
        new Entry(get.apply(w + "/deliveries/" + deliveryId), no, no, ok, nf));
    t.put(
        "POST /v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver",
        new Entry(
            new Call("POST", w + "/deliveries/" + deliveryId + "/redeliver", null, null),
            no,
            no,
            ok,
            nf));
    // parts of local direct uploads: authorised by the upload's token (DirectUploadTest)
    t.put("PUT /internal/uploads/:id/parts/:n", null);
    // the whole grid's blobs: the system admin only (another tenant's admin is refused, not 404)
    t.put(
        "POST /v1/admin/scrub",
        new Entry(new Call("POST", "/v1/admin/scrub", null, null), no, no, ok, no));
    // the whole grid's figures: any key of the default tenant (a reader key for Prometheus)
    t.put("GET /metrics", new Entry(get.apply("/metrics"), ok, ok, ok, no));
    // nodes' blob routes: authorised by the lease token, not by keys (LeaseTokens; tested there)
    t.put("GET /internal/tasks/:taskId/inputs/:sha256", null);
    t.put("PUT /internal/tasks/:taskId/outputs/:name", null);
    t.put("POST /internal/tasks/:taskId/outputs/:name/presign", null);
    // who the caller is: any key
    t.put("GET /v1/me", new Entry(get.apply("/v1/me"), ok, ok, ok, ok));
    // the dashboard's page and files: public, they hold no data (DashboardTest)
    t.put("GET /", null);
    t.put("GET /dashboard/", null); // "/dashboard/*": Vert.x names it by its prefix
    // open to everyone, for load balancers and orchestrators
    t.put("GET /health", null);
    t.put("GET /ready", null);
    // the API's description and Swagger UI (OpenApiTest)
    t.put("GET /openapi.yaml", null);
    t.put("GET /openapi.json", null);
    t.put("GET /docs", null);
    t.put("GET /docs/:file", null);
    assertThat(empty).isNotEmpty();
    return t;
  }

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase())
                .withNotifications(
                    NotifyOptions.defaults()
                        .withReceivers(true, List.of(Cidr.parse("127.0.0.0/8")))));
    String admin = grid.adminKey();
    header.put(Cred.ADMIN, "Bearer " + admin);
    header.put(Cred.READER, "Bearer " + makeKey("{\"role\":\"reader\"}", admin));
    header.put(Cred.WRITER, "Bearer " + makeKey("{\"role\":\"writer\"}", admin));
    header.put(
        Cred.OTHER_TENANT_ADMIN,
        "Bearer " + makeKey("{\"role\":\"admin\",\"tenant\":\"acme\"}", admin));
    String expiring = makeKey("{\"role\":\"admin\",\"ttl\":1}", admin);
    String revoked = makeKey("{\"role\":\"admin\"}", admin);
    HttpResponse<String> del =
        send("DELETE", "/v1/keys/" + ApiKey.parse(revoked).id(), null, null, "Bearer " + admin);
    assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
    header.put(Cred.REVOKED, "Bearer " + revoked);
    header.put(Cred.EXPIRED, "Bearer " + expiring);
    header.put(Cred.NONE, null);
    header.put(Cred.MALFORMED, "Bearer not-a-key");
    ApiKey a = ApiKey.parse(admin);
    header.put(
        Cred.WRONG_SECRET, "Bearer " + new ApiKey(a.id(), ApiKey.generate().secret()).text());
    victimKey = ApiKey.parse(makeKey("{\"role\":\"reader\",\"name\":\"victim\"}", admin)).id();
    JsonObject up =
        new JsonObject(grid.uploadBytes(TinyGlb.triangle(), "tri.glb", "pipeline=noop").body());
    assetId = up.getJsonObject("asset").getString("id");
    victimAsset =
        () -> {
          try {
            return new JsonObject(
                    grid.uploadBytes(TinyGlb.triangle(), "victim.glb", "pipeline=noop").body())
                .getJsonObject("asset")
                .getString("id");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    jobId = up.getJsonObject("job").getString("id");
    uploadId = newUpload();
    webhookId = newWebhook();
    importId =
        new JsonObject(
                grid.post("/v1/imports", "{\"urls\":[\"https://models.example.invalid/a.glb\"]}")
                    .body())
            .getString("id");
    deliveryId =
        new JsonObject(grid.post("/v1/webhooks/" + webhookId + "/test", "").body())
            .getString("deliveryId");
    Thread.sleep(1_100); // the ttl=1 key expires
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static String makeKey(String body, String admin) throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/v1/keys",
            body.getBytes(StandardCharsets.UTF_8),
            "application/json",
            "Bearer " + admin);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("key");
  }

  static HttpResponse<String> send(
      String method, String path, byte[] body, String contentType, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(grid.url(path)))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<InputStream> r =
        grid.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String text;
    try (InputStream in = r.body()) {
      // an event stream stays open: its first bytes are enough
      text =
          path.endsWith("/events") && r.statusCode() == 200
              ? new String(in.readNBytes(8), StandardCharsets.UTF_8)
              : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // every cell's answer (the refusals too) as openapi.yaml describes it
    OpenApiContract.get().check(method, r.uri(), r.statusCode(), r.headers(), text);
    return new StringAnswer(r, text);
  }

  @Test
  void everyRouteHasAnEntry() {
    TreeSet<String> routes = new TreeSet<>(grid.coordinator.routes());
    TreeSet<String> listed = new TreeSet<>(table().keySet());
    assertThat(routes)
        .as("routes of the router without an entry in AccessMatrixTest.table()")
        .isSubsetOf(listed);
    assertThat(listed).as("entries of the table that are not routes").isSubsetOf(routes);
  }

  @Test
  void everyEndpointAnswersEveryCredentialAsExpected() throws Exception {
    List<String> wrong = new ArrayList<>();
    int cells = 0;
    for (Cred cred : Cred.values()) {
      for (Map.Entry<String, Entry> e : table().entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        Entry en = e.getValue();
        Want want =
            switch (cred) {
              case NONE, MALFORMED, WRONG_SECRET, EXPIRED, REVOKED -> Want.UNAUTHORIZED;
              case READER -> en.reader();
              case WRITER -> en.writer();
              case ADMIN -> en.admin();
              case OTHER_TENANT_ADMIN -> en.otherTenantAdmin();
            };
        Call c = en.call();
        HttpResponse<String> r =
            send(c.method(), c.path(), c.body(), c.contentType(), header.get(cred));
        cells++;
        int s = r.statusCode();
        boolean good =
            switch (want) {
              case UNAUTHORIZED ->
                  s == 401
                      && r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")
                      && r.body().contains("\"code\":\"UNAUTHORIZED\"");
              case FORBIDDEN -> s == 403 && r.body().contains("\"code\":\"FORBIDDEN\"");
              case NOT_FOUND -> s == 404 && r.body().contains("\"code\":\"NOT_FOUND\"");
              case OK -> (s >= 200 && s < 300) || s == 409;
            };
        if (!good) {
          wrong.add(cred + " " + e.getKey() + " → " + s + " (want " + want + "): " + r.body());
        }
        // (its audit log lists its own refused attempts, which name the ids it sent)
        if (cred == Cred.OTHER_TENANT_ADMIN
            && s == 200
            && !c.path().endsWith("/events")
            && !c.path().equals("/v1/audit")) {
          assertThat(r.body())
              .as("another tenant's view of " + c.path() + " names none of our ids")
              .doesNotContain(assetId)
              .doesNotContain(jobId)
              .doesNotContain(victimKey);
        }
      }
    }
    assertThat(wrong).as("cells of %d that answered wrong", cells).isEmpty();
    assertThat(cells)
        .isEqualTo(
            Cred.values().length * (int) table().values().stream().filter(x -> x != null).count());
  }
}
