package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.store.DerivativeRetention;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --drop-derivatives-after}, end to end on a real grid (embedded PostgreSQL, an in-process
 * node running optimize-mesh): derivatives of an asset nobody read are dropped (the original stays,
 * the purge takes the bytes), the asset says which, a download of one answers 503
 * DERIVATIVE_REGENERATING with Retry-After and starts one job, and once that job succeeded the file
 * is back under its name.
 */
@Timeout(300)
class DerivativeRetentionTest {
  static final Duration AFTER = Duration.ofDays(7);

  @TempDir static Path dir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dir, TestPostgres.newDatabase())
                .withStorage(
                    StorageOptions.defaults()
                        .withDropDerivativesAfter(AFTER)
                        .withPurgeAfter(Duration.ZERO)));
    grid.startNode(1);
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void unreadDerivativesAreDroppedAndADownloadMakesThemAgainOnce() throws Exception {
    HttpResponse<String> up =
        grid.uploadBytes(TinyGlb.triangle("cold"), "cold.glb", "pipeline=optimize-mesh");
    assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
    String asset = new JsonObject(up.body()).getJsonObject("asset").getString("id");
    String firstJob = new JsonObject(up.body()).getJsonObject("job").getString("id");
    assertThat(grid.awaitJob(firstJob, Duration.ofMinutes(2)).getString("state"))
        .isEqualTo("succeeded");
    Map<String, String> derived = derivedFiles(asset);
    assertThat(derived).containsKey("optimized.glb");
    String originalSha = file(asset, "original").sha256;

    // a download notes the read (at most once an hour: a second one writes nothing)
    assertThat(file(asset, "optimized.glb").status).isEqualTo(200);
    OffsetDateTime read = lastRead(asset);
    assertThat(read).isNotNull();
    assertThat(file(asset, "optimized.glb").status).isEqualTo(200);
    assertThat(lastRead(asset)).as("throttled").isEqualTo(read);

    // written a month ago but read just now: kept
    grid.sql(
        "UPDATE assets SET created_at = created_at - interval '30 days' WHERE id = $1::uuid",
        Tuple.of(asset));
    grid.sql(
        "UPDATE asset_files SET created_at = created_at - interval '30 days' WHERE asset_id = $1::uuid",
        Tuple.of(asset));
    assertThat(dropNow().assets()).isZero();
    assertThat(derivedFiles(asset)).isEqualTo(derived);

    // not read for a month either: dropped, the original kept, the asset says what went
    grid.sql(
        "UPDATE assets SET last_read_at = last_read_at - interval '30 days' WHERE id = $1::uuid",
        Tuple.of(asset));
    DerivativeRetention.Dropped dropped = dropNow();
    assertThat(dropped.assets()).isEqualTo(1);
    assertThat(dropped.files()).isEqualTo(derived.size());
    assertThat(derivedFiles(asset)).isEmpty();
    JsonObject a = new JsonObject(grid.get("/v1/assets/" + asset).body());
    assertThat(a.getString("status")).isEqualTo("ready");
    JsonArray gone = a.getJsonArray("droppedDerivatives");
    List<String> goneNames = new ArrayList<>();
    for (int i = 0; i < gone.size(); i++) {
      goneNames.add(gone.getJsonObject(i).getString("name"));
      assertThat(gone.getJsonObject(i).getString("droppedAt")).isNotNull();
    }
    assertThat(goneNames).containsExactlyInAnyOrderElementsOf(derived.keySet());
    assertThat(dropNow().assets()).as("nothing left to drop").isZero();
    // the references are counted down and the purge (grace 0 here) deletes the bytes
    String optimizedSha = derived.get("optimized.glb");
    assertThat(refs("derivative", optimizedSha)).isZero();
    assertThat(TestGrid.await(grid.coordinator.purgeBlobsNow())).isPositive();
    assertThat(refs("derivative", optimizedSha)).as("row gone with the bytes").isEqualTo(-1);
    Download original = file(asset, "original");
    assertThat(original.status).isEqualTo(200);
    assertThat(original.sha256).isEqualTo(originalSha);
    assertThat(file(asset, "no-such-file.glb").status).isEqualTo(404);

    // a download of a dropped one: 503 with Retry-After, one job started however often asked
    Download first = file(asset, "optimized.glb");
    assertThat(first.status).isEqualTo(503);
    assertThat(first.retryAfter).isEqualTo("30");
    JsonObject problem = new JsonObject(first.body);
    assertThat(problem.getString("code")).isEqualTo(ErrorCode.DERIVATIVE_REGENERATING.name());
    assertThat(problem.getBoolean("retryable")).isTrue();
    String regenJob = problem.getString("job");
    assertThat(regenJob).isNotNull();
    assertThat(problem.getString("detail"))
        .isEqualTo(
            "file optimized.glb of asset "
                + asset
                + " was dropped after going unread and is being made again by job "
                + regenJob
                + "; retry in 30 s");
    Download again = file(asset, "optimized.glb");
    assertThat(again.status).isEqualTo(503);
    assertThat(new JsonObject(again.body).getString("job")).isEqualTo(regenJob);
    assertThat(new JsonObject(grid.get("/v1/assets/" + asset).body()).getJsonArray("jobs"))
        .as("the upload's job and one regeneration")
        .containsExactly(firstJob, regenJob);
    JsonObject job = grid.awaitJob(regenJob, Duration.ofMinutes(2));
    assertThat(job.getString("state")).isEqualTo("succeeded");
    assertThat(job.getJsonObject("pipeline"))
        .isEqualTo(new JsonObject(grid.job(firstJob).encode()).getJsonObject("pipeline"));

    // back under the same name, with the same bytes
    Download back = file(asset, "optimized.glb");
    assertThat(back.status).isEqualTo(200);
    assertThat(back.sha256).isEqualTo(optimizedSha);
    assertThat(derivedFiles(asset)).isEqualTo(derived);
    a = new JsonObject(grid.get("/v1/assets/" + asset).body());
    assertThat(a.getJsonArray("droppedDerivatives")).isEmpty();
    assertThat(a.getString("status")).isEqualTo("ready");
    var audit =
        new JsonObject(grid.get("/v1/audit?action=derivative.regenerate").body())
            .getJsonArray("items");
    assertThat(audit).as("the regeneration, audited once").hasSize(1);
  }

  // ------------------------------------------------------------------ helpers

  static DerivativeRetention.Dropped dropNow() throws Exception {
    return TestGrid.await(grid.coordinator.dropColdDerivativesNow(Instant.now()));
  }

  /** name → sha256 of the asset's derived files, from the API. */
  static Map<String, String> derivedFiles(String asset) throws Exception {
    JsonArray files = new JsonObject(grid.get("/v1/assets/" + asset).body()).getJsonArray("files");
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      if ("derived".equals(f.getString("role"))) {
        out.put(f.getString("name"), f.getString("sha256"));
      }
    }
    return out;
  }

  static OffsetDateTime lastRead(String asset) throws Exception {
    Row r =
        grid.sql("SELECT last_read_at FROM assets WHERE id = $1::uuid", Tuple.of(asset))
            .iterator()
            .next();
    return r.getOffsetDateTime("last_read_at");
  }

  /** The blob's reference count, -1 when it has no row. */
  static int refs(String kind, String sha) throws Exception {
    var rs =
        grid.sql("SELECT refs FROM blobs WHERE kind = $1 AND sha256 = $2", Tuple.of(kind, sha));
    return rs.size() == 0 ? -1 : rs.iterator().next().getInteger("refs");
  }

  record Download(int status, String sha256, String body, String retryAfter) {}

  static Download file(String asset, String name) throws Exception {
    HttpResponse<byte[]> r =
        grid.http.send(
            grid.request("/v1/assets/" + asset + "/files/" + name).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Download(
        r.statusCode(),
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())),
        new String(r.body(), java.nio.charset.StandardCharsets.UTF_8),
        r.headers().firstValue("Retry-After").orElse(null));
  }
}
