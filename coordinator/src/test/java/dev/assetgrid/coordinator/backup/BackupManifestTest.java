package dev.assetgrid.coordinator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.store.BackupSnapshot.BlobRef;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BackupManifestTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(62) + "01";
  static final UUID TENANT = UUID.fromString("00000000-0000-4000-8000-000000000001");
  static final BlobKey ORIGINAL_B = new BlobKey(TENANT, BlobKind.ORIGINAL, B);
  static final BlobKey THUMBNAIL_A = new BlobKey(TENANT, BlobKind.THUMBNAIL, A);

  static BackupManifest sample() {
    return new BackupManifest(
        BackupManifest.VERSION,
        Instant.parse("2026-12-03T08:00:00Z"),
        Instant.parse("2026-12-03T08:00:02.5Z"),
        new BackupManifest.Source(
            "postgresql://127.0.0.1:5432/postgres", true, "17.11", "5", "dev"),
        new BackupManifest.Dump(
            "database.dump", "custom", "pg_dump (PostgreSQL) 17.12", 17, A, 31602),
        new BackupManifest.Store("local", true, "/srv/data/blobs"),
        Map.of("assets", 2L, "jobs", 3L),
        List.of(new BackupManifest.Blob(ORIGINAL_B, 5), new BackupManifest.Blob(THUMBNAIL_A, 10)));
  }

  @Test
  void roundTripsThroughJsonWithBlobCountsAdded() {
    JsonObject j = sample().toJson();
    assertThat(j.getJsonArray("blobs").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("tenant", TENANT.toString())
                .put("kind", "original")
                .put("sha256", B)
                .put("size", 5)
                .put("path", TENANT + "/originals/bb/bb/" + B));
    assertThat(j.getJsonObject("counts").getLong("blobs")).isEqualTo(2);
    assertThat(j.getJsonObject("counts").getLong("blobBytes")).isEqualTo(15);
    assertThat(BackupManifest.fromJson(j.encode())).isEqualTo(sample());
  }

  @Test
  void readsStrictlyAndNamesWhatIsWrong() {
    JsonObject j = sample().toJson();
    j.getJsonObject("store").put("bucket", "x");
    assertRefused(j, "/store/bucket is not a member of a version 1 manifest");
    assertRefused(
        sample().toJson().put("version", 2),
        "/version is 2; this coordinator reads backups of format version 1");
    assertRefused(
        sample().toJson().put("format", "tarball"), "/format is not \"assetgrid-backup\"");
    JsonObject escape = sample().toJson();
    escape.getJsonArray("blobs").getJsonObject(1).put("path", "../../etc/passwd");
    assertRefused(
        escape,
        "/blobs/1/path is not " + THUMBNAIL_A.path() + ", the path of its tenant, kind and sha256");
    JsonObject kind = sample().toJson();
    kind.getJsonArray("blobs").getJsonObject(0).put("kind", "originals");
    assertRefused(kind, "/blobs/0/kind is not one of original, derivative, thumbnail");
    JsonObject tenant = sample().toJson();
    tenant.getJsonArray("blobs").getJsonObject(0).put("tenant", "default");
    assertRefused(tenant, "/blobs/0/tenant is not a tenant id (a UUID)");
    JsonObject old = sample().toJson();
    old.getJsonArray("blobs").getJsonObject(0).remove("tenant");
    assertRefused(old, "/blobs/0/tenant is missing or not a string");
    JsonObject size = sample().toJson();
    size.getJsonArray("blobs").getJsonObject(0).put("size", -1);
    assertRefused(size, "/blobs/0/size is missing or not a whole number >= 0");
    JsonObject count = sample().toJson();
    count.getJsonObject("counts").put("blobs", 3);
    assertRefused(count, "/counts/blobs does not match the 2 entries of /blobs");
    assertThatThrownBy(() -> BackupManifest.fromJson("[1]"))
        .hasMessage("the backup's manifest.json is not valid: it is not a JSON object");
  }

  private static void assertRefused(JsonObject j, String what) {
    assertThatThrownBy(() -> BackupManifest.fromJson(j.encode()))
        .isInstanceOf(AssetGridException.class)
        .hasMessage("the backup's manifest.json is not valid: " + what)
        .extracting(e -> ((AssetGridException) e).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void manifestEntriesAreTheStoresPathsSortedByPath() {
    UUID other = UUID.fromString("00000000-0000-4000-8000-000000000000");
    BlobKey otherTenant = new BlobKey(other, BlobKind.DERIVATIVE, B);
    List<BackupManifest.Blob> e =
        Backup.manifestEntries(
            List.of(
                new BlobRef(THUMBNAIL_A, 10),
                new BlobRef(ORIGINAL_B, 5),
                new BlobRef(otherTenant, 5)));
    assertThat(e)
        .containsExactly(
            new BackupManifest.Blob(otherTenant, 5),
            new BackupManifest.Blob(ORIGINAL_B, 5),
            new BackupManifest.Blob(THUMBNAIL_A, 10));
    assertThat(e.get(0).path()).isEqualTo(other + "/derivatives/bb/bb/" + B);
    assertThat(e.get(2).path()).isEqualTo(TENANT + "/thumbnails/aa/aa/" + A);
  }
}
