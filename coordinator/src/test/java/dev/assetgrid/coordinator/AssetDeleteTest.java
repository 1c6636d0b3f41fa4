package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.store.BackupSnapshot;
import dev.assetgrid.coordinator.store.Database;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /v1/assets/{id}}: the asset goes from the API at once, its blobs stay while another
 * asset references them and are purged after the grace otherwise; a purge racing an upload of the
 * same bytes never leaves an asset whose file is gone.
 */
@Timeout(240)
class AssetDeleteTest {
  @TempDir Path dir;
  TestGrid grid;

  @AfterEach
  void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  private TestGrid start(Duration purgeAfter) throws Exception {
    return TestGrid.start(
        TestGrid.config(dir, TestPostgres.newDatabase())
            .withWorkers(2)
            .withStorage(StorageOptions.defaults().withPurgeAfter(purgeAfter)));
  }

  private Path blobFile(BlobKind kind, String sha) {
    return dir.resolve("blobs").resolve(new BlobKey(Principal.DEFAULT_TENANT, kind, sha).path());
  }

  private int refs(BlobKind kind, String sha) throws Exception {
    var rs =
        grid.sql(
            "SELECT refs FROM blobs WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3",
            Tuple.of(Principal.DEFAULT_TENANT, kind.dbName(), sha));
    return rs.size() == 0 ? -1 : rs.iterator().next().getInteger("refs");
  }

  private HttpResponse<String> delete(String assetId) throws Exception {
    return TestGrid.checked(
        grid.http.send(
            grid.request("/v1/assets/" + assetId).DELETE().build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private String upload(byte[] glb, String name) throws Exception {
    HttpResponse<String> r = grid.uploadBytes(glb, name, "pipeline=inspect");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject j = new JsonObject(r.body());
    grid.awaitJob(j.getJsonObject("job").getString("id"), Duration.ofSeconds(60));
    return j.getJsonObject("asset").getString("id");
  }

  @Test
  void aDeletedAssetIsGoneAtOnceAndItsBytesAfterTheGraceUnlessSharedByAnother() throws Exception {
    grid = start(Duration.ZERO);
    byte[] glb = TinyGlb.triangle();
    String sha = sha256(glb);
    String first = upload(glb, "a.glb");
    String second = upload(glb, "b.glb");
    assertThat(refs(BlobKind.ORIGINAL, sha)).as("two assets, one blob").isEqualTo(2);
    JsonObject storage = new JsonObject(grid.get("/v1/stats").body()).getJsonObject("storage");
    assertThat(storage.getLong("savedByDeduplicationBytes"))
        .as(storage.encode())
        .isGreaterThanOrEqualTo(glb.length);
    assertThat(storage.getJsonObject("byKind").getJsonObject("originals").getLong("bytes"))
        .isEqualTo(glb.length);
    assertThat(storage.containsKey("monthlyCostEstimate")).as("no price, no estimate").isFalse();
    assertThat(blobFile(BlobKind.ORIGINAL, sha)).isRegularFile();
    var derived =
        grid.sql(
            "SELECT sha256, kind FROM asset_files WHERE asset_id = $1::uuid AND role = 'derived'",
            Tuple.of(first));
    assertThat(derived.size()).as("the inspect report").isPositive();
    long before = tenantBytes();

    assertThat(delete(first).statusCode()).isEqualTo(204);
    assertThat(grid.get("/v1/assets/" + first).statusCode()).isEqualTo(404);
    assertThat(grid.get("/v1/assets/" + first + "/files/original").statusCode()).isEqualTo(404);
    assertThat(grid.get("/v1/assets").body()).doesNotContain(first).contains(second);
    assertThat(delete(first).statusCode()).as("a second delete").isEqualTo(404);
    assertThat(tenantBytes()).as("usage gives the bytes back").isEqualTo(before - glb.length);
    assertThat(refs(BlobKind.ORIGINAL, sha)).isEqualTo(1);

    TestGrid.await(grid.coordinator.purgeBlobsNow());
    assertThat(blobFile(BlobKind.ORIGINAL, sha)).as("still referenced by b").isRegularFile();
    HttpResponse<byte[]> still =
        grid.http.send(
            grid.request("/v1/assets/" + second + "/files/original").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(still.body()).isEqualTo(glb);

    assertThat(delete(second).statusCode()).isEqualTo(204);
    assertThat(refs(BlobKind.ORIGINAL, sha)).isZero();
    assertThat(TestGrid.await(grid.coordinator.purgeBlobsNow())).isPositive();
    assertThat(blobFile(BlobKind.ORIGINAL, sha)).doesNotExist();
    assertThat(refs(BlobKind.ORIGINAL, sha)).as("row gone with the bytes").isEqualTo(-1);
    for (var row : derived) {
      String kind = row.getString("kind");
      assertThat(blobFile(BlobKind.ofDbName(kind), row.getString("sha256")))
          .as("derivatives of deleted assets go too")
          .doesNotExist();
    }
    var audit = new JsonObject(grid.get("/v1/audit?action=asset.delete&outcome=succeeded").body());
    assertThat(audit.getJsonArray("items")).as("two deletes, audited").hasSize(2);
  }

  @Test
  void blobsWaitForTheGraceBeforeThePurgeTakesThem() throws Exception {
    grid = start(Duration.ofHours(1));
    byte[] glb = TinyGlb.triangle();
    String id = upload(glb, "a.glb");
    assertThat(delete(id).statusCode()).isEqualTo(204);
    TestGrid.await(grid.coordinator.purgeBlobsNow());
    assertThat(blobFile(BlobKind.ORIGINAL, sha256(glb))).isRegularFile();
  }

  @Test
  void aPurgeRacingAnUploadOfTheSameBytesNeverLeavesAFileWithoutItsBytes() throws Exception {
    grid = start(Duration.ZERO);
    int refusedRetryably = 0;
    for (int round = 0; round < 15; round++) {
      // distinct bytes per round
      byte[] glb = TinyGlb.triangle("race " + round);
      String sha = sha256(glb);
      String old = upload(glb, "old.glb");
      assertThat(delete(old).statusCode()).isEqualTo(204); // refs 0: purgeable at once
      byte[] bytes = glb;
      CompletableFuture<HttpResponse<String>> up =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return grid.uploadBytes(bytes, "new.glb", "pipeline=noop");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      List<Integer> purged = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        purged.add(TestGrid.await(grid.coordinator.purgeBlobsNow()));
      }
      HttpResponse<String> r = up.get();
      TestGrid.await(grid.coordinator.purgeBlobsNow());
      if (r.statusCode() == 503) {
        assertThat(r.body()).contains("STORAGE_UNAVAILABLE");
        refusedRetryably++;
        continue;
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = new JsonObject(r.body()).getJsonObject("asset").getString("id");
      HttpResponse<byte[]> back =
          grid.http.send(
              grid.request("/v1/assets/" + id + "/files/original").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(back.statusCode()).as("round %d, purges %s", round, purged).isEqualTo(200);
      assertThat(sha256(back.body())).isEqualTo(sha);
      assertThat(refs(BlobKind.ORIGINAL, sha)).isEqualTo(1);
    }
    assertThat(refusedRetryably).as("most rounds succeed").isLessThan(15);
  }

  @Test
  void aPurgeDuringABackupDeletesNothingAndRunsAfterIt() throws Exception {
    grid = start(Duration.ZERO);
    byte[] glb = TinyGlb.triangle("backed up, then deleted");
    String sha = sha256(glb);
    BlobKey key = new BlobKey(Principal.DEFAULT_TENANT, BlobKind.ORIGINAL, sha);
    String id = upload(glb, "a.glb");
    try (BackupSnapshot backup = BackupSnapshot.open(grid.coordinator.database())) {
      assertThat(backup.blobReferences())
          .as("the backup lists it")
          .contains(new BackupSnapshot.BlobRef(key, glb.length));
      // after the snapshot the asset goes: no reference left, purgeable at once (--purge-after 0)
      assertThat(delete(id).statusCode()).isEqualTo(204);
      assertThat(refs(BlobKind.ORIGINAL, sha)).isZero();
      assertThat(TestGrid.await(grid.coordinator.purgeBlobsNow()))
          .as("the backup holds the lock shared")
          .isZero();
      assertThat(blobFile(BlobKind.ORIGINAL, sha))
          .as("the backup can still copy it")
          .isRegularFile();
      assertThat(refs(BlobKind.ORIGINAL, sha)).as("the row stays too").isZero();
      backup.endTransaction(); // pg_dump is done; the blobs are being copied
      assertThat(TestGrid.await(grid.coordinator.purgeBlobsNow())).isZero();
      assertThat(blobFile(BlobKind.ORIGINAL, sha)).isRegularFile();
    }
    // the backup has ended: the next round deletes it (the timed round may beat this one to it)
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (refs(BlobKind.ORIGINAL, sha) != -1 && System.nanoTime() < end) {
      TestGrid.await(grid.coordinator.purgeBlobsNow());
    }
    assertThat(refs(BlobKind.ORIGINAL, sha)).as("row gone").isEqualTo(-1);
    assertThat(blobFile(BlobKind.ORIGINAL, sha)).doesNotExist();
  }

  @Test
  void aBackupStartingWhileAPurgeDeletesWaitsForThePurgesCommit() throws Exception {
    grid = start(Duration.ZERO);
    Database db = grid.coordinator.database();
    try (Connection purge =
        DriverManager.getConnection(
            db.jdbcUrl(), db.connectOptions().getUser(), db.connectOptions().getPassword())) {
      purge.setAutoCommit(false);
      try (Statement st = purge.createStatement()) {
        // what BlobRefs.purge takes first, here held open as if it were deleting objects
        st.execute("SELECT pg_advisory_xact_lock(" + BackupSnapshot.ADVISORY_LOCK + ")");
      }
      CompletableFuture<BackupSnapshot> opening =
          CompletableFuture.supplyAsync(() -> BackupSnapshot.open(db));
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (waitingForTheBackupLock() == 0 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(waitingForTheBackupLock()).as("the backup waits for the lock").isEqualTo(1);
      assertThat(opening).isNotDone();
      purge.commit();
      try (BackupSnapshot backup = opening.get(30, TimeUnit.SECONDS)) {
        assertThat(backup.id()).isNotBlank();
        assertThat(TestGrid.await(grid.coordinator.purgeBlobsNow())).isZero();
      }
    }
  }

  private long waitingForTheBackupLock() throws Exception {
    long key = BackupSnapshot.ADVISORY_LOCK;
    return grid.sql(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
            Tuple.of((long) (key >>> 32), key & 0xffff_ffffL))
        .iterator()
        .next()
        .getLong("n");
  }

  private HttpResponse<String> patch(String assetId, String json) throws Exception {
    return TestGrid.checked(
        grid.http.send(
            grid.request("/v1/assets/" + assetId)
                .header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void patchChangesNameTagsAndInfoAndRefusesWhatItCannotChange() throws Exception {
    grid = start(Duration.ofHours(1));
    String id = upload(TinyGlb.triangle(), "a.glb");
    HttpResponse<String> r =
        patch(
            id,
            "{\"name\":\"Chair\",\"tags\":[\"furniture\",\"oak\"],"
                + "\"info\":{\"description\":\"a chair\",\"usageRights\":\"CC-BY-4.0\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject a = new JsonObject(r.body());
    assertThat(a.getString("name")).isEqualTo("Chair");
    assertThat(a.getJsonArray("tags").getList()).containsExactly("furniture", "oak");
    assertThat(a.getJsonObject("info").getString("usageRights")).isEqualTo("CC-BY-4.0");
    assertThat(a.getJsonObject("metadata")).as("the computed metadata is untouched").isNotEmpty();

    // merge patch: null removes, other members stay
    JsonObject b =
        new JsonObject(patch(id, "{\"info\":{\"description\":null,\"author\":\"K\"}}").body());
    assertThat(b.getJsonObject("info").getMap()).containsOnlyKeys("usageRights", "author");
    assertThat(b.getString("name")).isEqualTo("Chair");
    assertThat(new JsonObject(grid.get("/v1/assets?tag=oak").body()).getJsonArray("items"))
        .hasSize(1);

    HttpResponse<String> bad = patch(id, "{\"format\":\"obj\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("pointer")).isEqualTo("/format");
    assertThat(patch(id, "{\"tags\":[\"a,b\"]}").statusCode()).isEqualTo(400);
    assertThat(patch(id, "{\"info\":[1]}").statusCode()).isEqualTo(400);
    assertThat(patch(id, "{}").statusCode()).isEqualTo(400);
    assertThat(patch("01a23ae0-a261-72cf-b291-dd78cb0f79c1", "{\"name\":\"x\"}").statusCode())
        .isEqualTo(404);
    var audit = new JsonObject(grid.get("/v1/audit?action=asset.update&outcome=succeeded").body());
    assertThat(audit.getJsonArray("items")).hasSize(2);
  }

  private long tenantBytes() throws Exception {
    return grid.sql("SELECT stored_bytes FROM tenants WHERE name = 'default'", Tuple.tuple())
        .iterator()
        .next()
        .getLong("stored_bytes");
  }

  static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }
}
