package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integrity scrub through the API of a real grid (local store): {@code POST /v1/admin/scrub}
 * finds a blob changed and one deleted behind the grid's back under {@code data/blobs}, their
 * assets become {@code corrupt} (listed by {@code ?status=corrupt}, counted in {@code /v1/stats},
 * audited), a job that succeeds meanwhile does not hide it, and the bytes put back return the asset
 * to what its jobs say.
 */
@Timeout(180)
class ScrubApiTest {
  @TempDir static Path dataDir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase())
                .withStorage(StorageOptions.defaults().withScrubBytesPerSecond(100_000_000)));
    grid.startNode(1);
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void theScrubFindsWhatChangedBehindTheGridsBack() throws Exception {
    String changed = upload("changed");
    String gone = upload("gone");
    String clean = upload("clean");
    Path changedFile = blobFile(changed);
    byte[] original = Files.readAllBytes(changedFile);
    byte[] other = original.clone();
    other[other.length - 1] ^= 1; // one bit flipped
    Files.write(changedFile, other);
    Files.delete(blobFile(gone));

    HttpResponse<String> r = grid.post("/v1/admin/scrub", "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject report = new JsonObject(r.body());
    assertThat(report.getLong("corrupt")).isEqualTo(1);
    assertThat(report.getLong("missing")).isEqualTo(1);
    assertThat(report.getLong("ok")).isEqualTo(report.getLong("scanned") - 2).isPositive();
    assertThat(report.getLong("corruptAssets")).isEqualTo(2);
    assertThat(report.getBoolean("completed")).isTrue();

    assertThat(status(changed)).isEqualTo("corrupt");
    assertThat(status(gone)).isEqualTo("corrupt");
    assertThat(status(clean)).isEqualTo("ready");
    assertThat(idsOf(grid.get("/v1/assets?status=corrupt")))
        .containsExactlyInAnyOrder(changed, gone);

    JsonObject integrity = stats().getJsonObject("storage").getJsonObject("integrity");
    assertThat(integrity.getJsonObject("blobs").getLong("corrupt")).isEqualTo(1);
    assertThat(integrity.getJsonObject("blobs").getLong("missing")).isEqualTo(1);
    assertThat(integrity.getJsonObject("blobs").getLong("unverified")).isZero();
    assertThat(integrity.getJsonObject("blobs").getLong("ok")).isEqualTo(report.getLong("ok"));
    assertThat(integrity.getLong("corruptAssets")).isEqualTo(2);
    assertThat(integrity.getString("lastVerifiedAt")).isNotNull();

    JsonArray audit =
        new JsonObject(grid.get("/v1/audit?action=asset.corrupt").body()).getJsonArray("items");
    assertThat(audit).hasSize(2);
    for (int i = 0; i < audit.size(); i++) {
      assertThat(audit.getJsonObject(i).getString("keyId")).isEqualTo("scrub");
    }
    assertThat(new JsonObject(grid.get("/v1/audit?action=blob.scrub").body()).getJsonArray("items"))
        .hasSize(1);

    // a job that succeeds on a corrupt asset does not make it ready
    HttpResponse<String> queued =
        grid.post("/v1/assets/" + changed + "/jobs", "{\"pipeline\":\"noop\"}");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    assertThat(
            grid.awaitJob(new JsonObject(queued.body()).getString("id"), Duration.ofSeconds(60))
                .getString("state"))
        .isEqualTo("succeeded");
    assertThat(status(changed)).isEqualTo("corrupt");

    // the bytes put back (from a backup): the next scrub returns the asset to what its job says
    Files.write(changedFile, original);
    JsonObject again = new JsonObject(grid.post("/v1/admin/scrub", "").body());
    assertThat(again.getLong("restoredAssets")).isEqualTo(1);
    assertThat(again.getLong("missing")).isEqualTo(1);
    assertThat(status(changed)).isEqualTo("ready");
    assertThat(status(gone)).isEqualTo("corrupt");
    assertThat(stats().getJsonObject("storage").getJsonObject("integrity").getLong("corruptAssets"))
        .isEqualTo(1);
  }

  // --- helpers ---

  /** Uploads a distinct triangle, waits for its job; the asset id. */
  static String upload(String generator) throws Exception {
    HttpResponse<String> r =
        grid.uploadBytes(TinyGlb.triangle(generator), generator + ".glb", "pipeline=noop");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject body = new JsonObject(r.body());
    grid.awaitJob(body.getJsonObject("job").getString("id"), Duration.ofSeconds(60));
    return body.getJsonObject("asset").getString("id");
  }

  /** Where the local store keeps the asset's original: {@code data/blobs/<BlobKey.path()>}. */
  static Path blobFile(String assetId) throws Exception {
    String sha =
        grid.sql(
                "SELECT sha256 FROM asset_files WHERE asset_id = $1 AND name = 'original'",
                Tuple.of(java.util.UUID.fromString(assetId)))
            .iterator()
            .next()
            .getString(0);
    Path p =
        dataDir
            .resolve("blobs")
            .resolve(new BlobKey(Principal.DEFAULT_TENANT, BlobKind.ORIGINAL, sha).path());
    assertThat(p).exists();
    return p;
  }

  static String status(String assetId) throws Exception {
    HttpResponse<String> r = grid.get("/v1/assets/" + assetId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("status");
  }

  static JsonObject stats() throws Exception {
    HttpResponse<String> r = grid.get("/v1/stats");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static Set<String> idsOf(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Set<String> out = new HashSet<>();
    JsonArray items = new JsonObject(r.body()).getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      out.add(items.getJsonObject(i).getString("id"));
    }
    return out;
  }
}
