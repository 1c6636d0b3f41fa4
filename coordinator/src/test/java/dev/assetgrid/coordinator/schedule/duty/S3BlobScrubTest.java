package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.blob.S3FaultInjector;
import dev.assetgrid.coordinator.blob.S3Options;
import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.coordinator.store.BlobIntegrity;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The scrub over S3 (s3proxy in this JVM): blobs damaged by putting other bytes at their keys, or
 * deleting them, with a plain SDK client; and an object store that answers 503 marks nothing.
 */
class S3BlobScrubTest extends BlobScrubContract {
  static TestS3 s3;
  static S3Options options;

  @BeforeAll
  static void start() throws Exception {
    startDatabase();
    s3 = TestS3.start(java.nio.file.Files.createDirectories(scratch.resolve("s3")));
    options = s3.options().withPrefix("scrub");
    S3BlobStore s = new S3BlobStore(vertx, options, scratch.resolve("staging"), s3.credentials());
    TestGrid.await(s.start());
    store = s;
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (store != null) {
      TestGrid.await(((S3BlobStore) store).close());
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  protected void overwriteBehindTheBack(BlobKey key, byte[] bytes) {
    s3.client()
        .putObject(
            r -> r.bucket(s3.bucket()).key(options.objectKey(key)), RequestBody.fromBytes(bytes));
  }

  @Override
  protected void deleteBehindTheBack(BlobKey key) {
    s3.client().deleteObject(r -> r.bucket(s3.bucket()).key(options.objectKey(key)));
  }

  @Test
  void anUnavailableStoreMarksNothingAndTheNextPassDoes() throws Exception {
    Stored changed = storeAsset(30_000, 40);
    Stored clean = storeAsset(30_000, 41);
    overwriteBehindTheBack(changed.key(), bytes(30_000, 42));
    S3FaultInjector injector = TestGrid.await(S3FaultInjector.start(vertx, s3.endpoint()));
    S3BlobStore behind =
        new S3BlobStore(
            vertx,
            options.withEndpoint(injector.endpoint()).withTimeout(Duration.ofSeconds(5)),
            scratch.resolve("staging-injected"),
            s3.credentials());
    try {
      TestGrid.await(behind.start());
      BlobScrub scrub = new BlobScrub(vertx, new BlobIntegrity(pool), behind, 50_000_000, false);

      injector.failAll(503);
      ScrubReport r = TestGrid.await(scrub.scrubNow());
      assertThat(r.unavailable()).contains("503");
      assertThat(r.scanned()).isZero();
      assertThat(integrity(changed)).isEqualTo("unverified");
      assertThat(integrity(clean)).isEqualTo("unverified");
      assertThat(status(changed)).isEqualTo("ready");
      assertThat(count("SELECT count(*) FROM blobs WHERE scrub_claimed_until IS NOT NULL"))
          .as("claims given back")
          .isZero();
      assertThat(
              sql(
                      "SELECT 1 FROM audit_log WHERE action = 'asset.corrupt' AND $1 = ANY(target_ids)",
                      Tuple.of(changed.asset().toString()))
                  .size())
          .isZero();

      // refused connections too
      injector.clear();
      TestGrid.await(injector.stop());
      ScrubReport refused = TestGrid.await(scrub.scrubNow());
      assertThat(refused.unavailable()).isNotNull();
      assertThat(integrity(changed)).isEqualTo("unverified");
      TestGrid.await(injector.restart());

      ScrubReport after = TestGrid.await(scrub.scrubNow());
      assertThat(after.unavailable()).isNull();
      assertThat(after.ok()).isEqualTo(1);
      assertThat(after.corrupt()).isEqualTo(1);
      assertThat(status(changed)).isEqualTo("corrupt");
      assertThat(status(clean)).isEqualTo("ready");
    } finally {
      TestGrid.await(behind.close());
      TestGrid.await(injector.close());
    }
  }
}
