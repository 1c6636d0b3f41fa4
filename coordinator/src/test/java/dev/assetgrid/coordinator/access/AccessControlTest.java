package dev.assetgrid.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.AccessOptions;
import dev.assetgrid.coordinator.Coordinator;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.shared.cluster.ClusterOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keys, tenants, quotas and the audit log, through the real API of a real grid. */
@Timeout(300)
class AccessControlTest {
  @TempDir static Path dataDir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(dataDir);
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static HttpResponse<String> call(String base, String method, String path, String json, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return TestGrid.checked(grid.http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  static HttpResponse<String> call(String method, String path, String json, String key)
      throws Exception {
    return call(grid.coordinator.baseUrl(), method, path, json, key);
  }

  static String newKey(String body) throws Exception {
    HttpResponse<String> r = call("POST", "/v1/keys", body, grid.adminKey());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("key");
  }

  static HttpResponse<String> upload(byte[] glb, String key) throws Exception {
    return TestGrid.checked(
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/v1/assets?filename=m.glb&pipeline=noop")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(glb))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void theBootstrapKeyIsOwnerOnlyShownOnceAndNeverStoredInClear() throws Exception {
    Path file = dataDir.resolve("admin.key");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String key = grid.adminKey();
    ApiKey parsed = ApiKey.parse(key);
    assertThat(parsed).isNotNull();
    assertThat(call("GET", "/v1/keys", null, key).statusCode()).isEqualTo(200);
    // the database holds the id and a hash of the secret, never the secret
    var rows =
        grid.sql("SELECT secret_hash, role FROM api_keys WHERE id = $1", Tuple.of(parsed.id()));
    assertThat(rows.size()).isEqualTo(1);
    byte[] hash = rows.iterator().next().getBuffer("secret_hash").getBytes();
    assertThat(hash).isEqualTo(ApiKey.hash(parsed.secret()));
    assertThat(rows.iterator().next().getString("role")).isEqualTo("admin");
    var all = grid.sql("SELECT * FROM api_keys", Tuple.tuple());
    all.forEach(r -> assertThat(r.toJson().encode()).doesNotContain(parsed.secret()));
    // listing shows no secret either
    String list = call("GET", "/v1/keys", null, key).body();
    assertThat(list).contains(parsed.id()).doesNotContain(parsed.secret());
  }

  @Test
  void unauthenticatedRequestsGet401WithAChallengeAndHealthStaysOpen() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/assets", null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"assetgrid\"");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject p = new JsonObject(r.body());
    assertThat(p.getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(p.getString("detail")).contains("Authorization: Bearer");
    HttpResponse<String> bad = call("GET", "/v1/assets", null, "ag_nothing");
    assertThat(bad.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("invalid_token");
    assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/ready", null, null).statusCode()).isEqualTo(200);
    // an unknown path under /v1 gives nothing away without a key
    assertThat(call("GET", "/v1/nothing-here", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void tenantsSeeOnlyTheirOwnThingsAndTheSameBytesUploadAlikeInBoth() throws Exception {
    String a = newKey("{\"role\":\"writer\",\"tenant\":\"tenant-a\"}");
    String b = newKey("{\"role\":\"writer\",\"tenant\":\"tenant-b\"}");
    byte[] glb = TinyGlb.triangle("shared-bytes");
    HttpResponse<String> ra = upload(glb, a);
    HttpResponse<String> rb = upload(glb, b);
    assertThat(ra.statusCode()).isEqualTo(202);
    assertThat(rb.statusCode()).isEqualTo(202);
    JsonObject assetA = new JsonObject(ra.body()).getJsonObject("asset");
    JsonObject assetB = new JsonObject(rb.body()).getJsonObject("asset");
    // nothing in B's answer says the bytes were already there
    assertThat(assetB.fieldNames()).isEqualTo(assetA.fieldNames());
    assertThat(assetB.getString("id")).isNotEqualTo(assetA.getString("id"));
    assertThat(rb.headers().map().keySet()).isEqualTo(ra.headers().map().keySet());
    String idA = assetA.getString("id");
    String jobA = new JsonObject(ra.body()).getJsonObject("job").getString("id");
    assertThat(call("GET", "/v1/assets/" + idA, null, a).statusCode()).isEqualTo(200);
    HttpResponse<String> probe = call("GET", "/v1/assets/" + idA, null, b);
    assertThat(probe.statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/jobs/" + jobA, null, b).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/v1/jobs/" + jobA + "/cancel", null, b).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/assets/" + idA + "/files/original", null, b).statusCode())
        .isEqualTo(404);
    JsonArray listB =
        new JsonObject(call("GET", "/v1/assets", null, b).body()).getJsonArray("items");
    assertThat(listB.size()).isEqualTo(1);
    assertThat(listB.getJsonObject(0).getString("id")).isEqualTo(assetB.getString("id"));
    JsonObject statsB = new JsonObject(call("GET", "/v1/stats", null, b).body());
    assertThat(statsB.getLong("assets")).isEqualTo(1L);
    // the same Idempotency-Key in two tenants are two keys
    for (String k : List.of(a, b)) {
      HttpResponse<String> r =
          TestGrid.checked(
              grid.http.send(
                  HttpRequest.newBuilder(URI.create(grid.url("/v1/jobs")))
                      .header("Authorization", "Bearer " + k)
                      .header("Content-Type", "application/json")
                      .header("Idempotency-Key", "same-key")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"assets\":[\""
                                  + (k == a ? idA : assetB.getString("id"))
                                  + "\"],\"pipeline\":\"noop\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }
  }

  @Test
  void aTenantAdminManagesItsOwnKeysOnly() throws Exception {
    String acme = newKey("{\"role\":\"admin\",\"tenant\":\"acme-keys\"}");
    HttpResponse<String> other =
        call("POST", "/v1/keys", "{\"role\":\"reader\",\"tenant\":\"default\"}", acme);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(other.body()).getString("code")).isEqualTo("FORBIDDEN");
    HttpResponse<String> own = call("POST", "/v1/keys", "{\"role\":\"reader\"}", acme);
    assertThat(own.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(own.body()).getString("tenant")).isEqualTo("acme-keys");
    JsonArray keys =
        new JsonObject(call("GET", "/v1/keys", null, acme).body()).getJsonArray("items");
    assertThat(keys.size()).isEqualTo(2);
    keys.forEach(k -> assertThat(((JsonObject) k).getString("tenant")).isEqualTo("acme-keys"));
    // bad requests say what is wrong
    HttpResponse<String> badRole = call("POST", "/v1/keys", "{\"role\":\"root\"}", acme);
    assertThat(badRole.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badRole.body()).getString("pointer")).isEqualTo("/role");
    HttpResponse<String> unknown = call("POST", "/v1/keys", "{\"role\":\"reader\",\"x\":1}", acme);
    assertThat(new JsonObject(unknown.body()).getString("pointer")).isEqualTo("/x");
    HttpResponse<String> badTenant =
        call("POST", "/v1/keys", "{\"role\":\"reader\",\"tenant\":\"Not Valid\"}", grid.adminKey());
    assertThat(badTenant.statusCode()).isEqualTo(400);
    HttpResponse<String> past =
        call(
            "POST",
            "/v1/keys",
            "{\"role\":\"reader\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
            acme);
    assertThat(past.statusCode()).isEqualTo(400);
  }

  @Test
  void anExpiredKeyStopsWorking() throws Exception {
    String k = newKey("{\"role\":\"reader\",\"ttl\":1}");
    assertThat(call("GET", "/v1/assets", null, k).statusCode()).isEqualTo(200);
    Thread.sleep(1_200);
    HttpResponse<String> r = call("GET", "/v1/assets", null, k);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getString("detail")).contains("expired");
  }

  @Test
  void aRevokedKeyStopsWorkingOnEveryCoordinatorWithinTwoSeconds() throws Exception {
    Path second = Files.createTempDirectory("ag-coord2");
    var cfg =
        TestGrid.config(second, grid.coordinator.config().dbUrl())
            .withCluster(
                ClusterOptions.loopback(
                        grid.clusterName, false, List.of(grid.coordinator.clusterAddress()))
                    .withSecret(grid.coordinator.config().cluster().secret()));
    Coordinator other = Coordinator.start(cfg);
    try {
      String k = newKey("{\"role\":\"reader\"}");
      // made on the first coordinator, usable on the second at once
      assertThat(call(other.baseUrl(), "GET", "/v1/assets", null, k).statusCode()).isEqualTo(200);
      String id = ApiKey.parse(k).id();
      assertThat(call("DELETE", "/v1/keys/" + id, null, grid.adminKey()).statusCode())
          .isEqualTo(200);
      long t0 = System.nanoTime();
      int status;
      do {
        status = call(other.baseUrl(), "GET", "/v1/assets", null, k).statusCode();
        if (status == 401) {
          break;
        }
        Thread.sleep(20);
      } while (System.nanoTime() - t0 < 5_000_000_000L);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(
          "[measure] revoked key refused by the second coordinator after " + ms + " ms");
      assertThat(status).isEqualTo(401);
      assertThat(ms).isLessThan(2_000);
      // the second coordinator did not write a bootstrap key: the database had keys
      assertThat(second.resolve("admin.key")).doesNotExist();
      // and the first coordinator refuses it too
      assertThat(call("GET", "/v1/assets", null, k).statusCode()).isEqualTo(401);
    } finally {
      other.close();
    }
  }

  @Test
  void aRevocationNobodyAnnouncedIsPickedUpByThePollWithinASecondOrSo() throws Exception {
    String k = newKey("{\"role\":\"reader\"}");
    assertThat(call("GET", "/v1/assets", null, k).statusCode()).isEqualTo(200);
    // as if the announcement were lost: the row changes, no message is sent
    grid.sql(
        "UPDATE api_keys SET revoked_at = now(), updated_at = now() WHERE id = $1",
        Tuple.of(ApiKey.parse(k).id()));
    long t0 = System.nanoTime();
    int status;
    do {
      status = call("GET", "/v1/assets", null, k).statusCode();
      if (status == 401) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() - t0 < 5_000_000_000L);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[measure] unannounced revocation refused after " + ms + " ms");
    assertThat(status).isEqualTo(401);
    assertThat(ms).isLessThan(2_000);
  }

  @Test
  void quotasHoldUnderConcurrentUploads() throws Exception {
    String admin = newKey("{\"role\":\"admin\",\"tenant\":\"quota-co\"}");
    HttpResponse<String> set =
        call("PATCH", "/v1/tenants/quota-co", "{\"quotas\":{\"assets\":3}}", grid.adminKey());
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(new JsonObject(set.body()).getJsonObject("effectiveQuotas").getLong("assets"))
        .isEqualTo(3L);
    // a tenant's own admin reads its tenant but cannot raise its quotas
    assertThat(call("GET", "/v1/tenants/quota-co", null, admin).statusCode()).isEqualTo(200);
    assertThat(
            call("PATCH", "/v1/tenants/quota-co", "{\"quotas\":{\"assets\":100}}", admin)
                .statusCode())
        .isEqualTo(403);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] glb = TinyGlb.triangle("quota-" + i);
        all.add(pool.submit((Callable<HttpResponse<String>>) () -> upload(glb, admin)));
      }
      int ok = 0;
      int refused = 0;
      for (var f : all) {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 202) {
          ok++;
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
          JsonObject p = new JsonObject(r.body());
          assertThat(p.getString("code")).isEqualTo("QUOTA_EXCEEDED");
          assertThat(p.getString("quota")).isEqualTo("assets");
          assertThat(p.getLong("limit")).isEqualTo(3L);
          refused++;
        }
      }
      assertThat(ok).isEqualTo(3);
      assertThat(refused).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
    JsonObject t = new JsonObject(call("GET", "/v1/tenants/quota-co", null, admin).body());
    assertThat(t.getJsonObject("usage").getLong("assets")).isEqualTo(3L);
    // at the quota, the next upload is refused before its bytes are read
    HttpResponse<String> more = upload(TinyGlb.triangle("quota-more"), admin);
    assertThat(more.statusCode()).isEqualTo(403);
    assertThat(more.headers().firstValue("Connection")).hasValue("close");
    // a byte quota: an upload that does not fit is refused, one that fits is not
    String bytesAdmin = newKey("{\"role\":\"writer\",\"tenant\":\"bytes-co\"}");
    int size = TinyGlb.triangle("bytes-1").length;
    assertThat(
            call(
                    "PATCH",
                    "/v1/tenants/bytes-co",
                    "{\"quotas\":{\"storedBytes\":" + (size + size / 2) + "}}",
                    grid.adminKey())
                .statusCode())
        .isEqualTo(200);
    assertThat(upload(TinyGlb.triangle("bytes-1"), bytesAdmin).statusCode()).isEqualTo(202);
    HttpResponse<String> over = upload(TinyGlb.triangle("bytes-2"), bytesAdmin);
    assertThat(over.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(over.body()).getString("quota")).isEqualTo("storedBytes");
    // nothing half-stored: three assets, three jobs
    var counts =
        grid.sql(
            "SELECT (SELECT count(*) FROM assets a JOIN tenants t ON t.id = a.tenant_id WHERE t.name = $1) AS a,"
                + " (SELECT count(*) FROM jobs j JOIN tenants t ON t.id = j.tenant_id WHERE t.name = $1) AS j",
            Tuple.of("quota-co"));
    assertThat(counts.iterator().next().getLong("a")).isEqualTo(3L);
    assertThat(counts.iterator().next().getLong("j")).isEqualTo(3L);
  }

  @Test
  void activeJobQuotaCountsQueuedJobs() throws Exception {
    String w = newKey("{\"role\":\"writer\",\"tenant\":\"jobs-co\"}");
    assertThat(
            call("PATCH", "/v1/tenants/jobs-co", "{\"quotas\":{\"activeJobs\":2}}", grid.adminKey())
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> first = upload(TinyGlb.triangle("jobs-1"), w);
    assertThat(first.statusCode()).isEqualTo(202);
    String asset = new JsonObject(first.body()).getJsonObject("asset").getString("id");
    // one queued; two more in one request would make three
    HttpResponse<String> two =
        call("POST", "/v1/jobs", "{\"assets\":[\"" + asset + "\",\"" + asset + "\"]}", w);
    assertThat(two.statusCode()).as(two.body()).isEqualTo(403);
    assertThat(new JsonObject(two.body()).getString("quota")).isEqualTo("activeJobs");
    assertThat(call("POST", "/v1/jobs", "{\"assets\":[\"" + asset + "\"]}", w).statusCode())
        .isEqualTo(202);
  }

  @Test
  void everyWriteIsAuditedWithWhoWhatAndOutcomeAndTheLogIsAppendOnly() throws Exception {
    String admin = newKey("{\"role\":\"admin\",\"tenant\":\"audited\"}");
    String writer = call("POST", "/v1/keys", "{\"role\":\"writer\"}", admin).body();
    String writerKey = new JsonObject(writer).getString("key");
    String writerId = new JsonObject(writer).getString("id");
    String reader =
        new JsonObject(call("POST", "/v1/keys", "{\"role\":\"reader\"}", admin).body())
            .getString("key");
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(grid.url("/v1/assets?filename=a.glb&pipeline=noop")))
            .header("Authorization", "Bearer " + writerKey)
            .header("X-Request-Id", "req-audit-1")
            .POST(HttpRequest.BodyPublishers.ofByteArray(TinyGlb.triangle("audit")))
            .build();
    HttpResponse<String> up =
        TestGrid.checked(grid.http.send(req, HttpResponse.BodyHandlers.ofString()));
    assertThat(up.statusCode()).isEqualTo(202);
    assertThat(up.headers().firstValue("X-Request-Id")).hasValue("req-audit-1");
    String job = new JsonObject(up.body()).getJsonObject("job").getString("id");
    assertThat(call("POST", "/v1/jobs/" + job + "/cancel", null, writerKey).statusCode())
        .isEqualTo(202);
    assertThat(call("POST", "/v1/jobs/" + job + "/cancel", null, reader).statusCode())
        .isEqualTo(403);
    // a failed write is audited too
    assertThat(call("POST", "/v1/jobs/" + job + "/cancel", null, writerKey).statusCode())
        .isEqualTo(409);
    JsonArray items =
        new JsonObject(call("GET", "/v1/audit?limit=50", null, admin).body()).getJsonArray("items");
    List<String> lines = new ArrayList<>();
    for (Object o : items) {
      JsonObject e = (JsonObject) o;
      lines.add(e.getString("action") + " " + e.getString("outcome") + " " + e.getString("keyId"));
    }
    assertThat(lines)
        .contains(
            "asset.create succeeded " + writerId,
            "job.cancel succeeded " + writerId,
            "job.cancel failed " + writerId,
            "key.create succeeded " + ApiKey.parse(admin).id());
    assertThat(lines.stream().filter(l -> l.startsWith("job.cancel denied ")).count()).isEqualTo(1);
    JsonObject created =
        items.stream()
            .map(o -> (JsonObject) o)
            .filter(e -> e.getString("action").equals("asset.create"))
            .findFirst()
            .orElseThrow();
    assertThat(created.getString("requestId")).isEqualTo("req-audit-1");
    assertThat(created.getJsonArray("targetIds").getString(1)).isEqualTo(job);
    // filters and paging
    JsonObject page =
        new JsonObject(call("GET", "/v1/audit?limit=2&keyId=" + writerId, null, admin).body());
    assertThat(page.getJsonArray("items").size()).isEqualTo(2);
    assertThat(page.getString("next")).isNotNull();
    JsonObject rest =
        new JsonObject(
            call(
                    "GET",
                    "/v1/audit?limit=50&keyId=" + writerId + "&cursor=" + page.getString("next"),
                    null,
                    admin)
                .body());
    assertThat(rest.getJsonArray("items").size()).isEqualTo(1);
    // another tenant's admin sees none of it
    String outsider = newKey("{\"role\":\"admin\",\"tenant\":\"outsider\"}");
    assertThat(call("GET", "/v1/audit?keyId=" + writerId, null, outsider).body())
        .doesNotContain(writerId.substring(0, 8) + "\"");
    // append-only, even for the database's owner
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> grid.sql("UPDATE audit_log SET outcome = 'succeeded'", Tuple.tuple()))
        .hasMessageContaining("append-only");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> grid.sql("DELETE FROM audit_log", Tuple.tuple()))
        .hasMessageContaining("append-only");
  }

  @Test
  void withAuthOffEveryRequestIsTheDefaultAdmin() throws Exception {
    Path dir = Files.createTempDirectory("ag-noauth");
    var cfg =
        TestGrid.config(dir, TestPostgres.newDatabase())
            .withAccess(AccessOptions.defaults().withAuth(false));
    try (TestGrid open = TestGrid.start(cfg)) {
      HttpResponse<String> r =
          TestGrid.checked(
              open.http.send(
                  HttpRequest.newBuilder(URI.create(open.url("/v1/assets"))).build(),
                  HttpResponse.BodyHandlers.ofString()));
      assertThat(r.statusCode()).isEqualTo(200);
      HttpResponse<String> up =
          TestGrid.checked(
              open.http.send(
                  HttpRequest.newBuilder(
                          URI.create(open.url("/v1/assets?filename=x.glb&pipeline=noop")))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(TinyGlb.triangle()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
      assertThat(up.statusCode()).isEqualTo(202);
    }
  }
}
