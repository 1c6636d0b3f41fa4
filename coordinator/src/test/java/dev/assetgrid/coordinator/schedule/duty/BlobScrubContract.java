package dev.assetgrid.coordinator.schedule.duty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.BlobIntegrity;
import dev.assetgrid.coordinator.store.Database;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrub over one real store and a real PostgreSQL (schema V6): blobs are stored through the
 * store, referenced by asset rows, then damaged behind the grid's back ({@link
 * #overwriteBehindTheBack}, {@link #deleteBehindTheBack}) the way a failing disk, an operator or
 * another writer to the bucket would. {@link LocalBlobScrubTest} runs it on the local folder,
 * {@link S3BlobScrubTest} on s3proxy.
 */
@Timeout(120)
abstract class BlobScrubContract {
  static final UUID TENANT = Principal.DEFAULT_TENANT;
  static final BlobSpace SPACE = new BlobSpace(TENANT, BlobKind.ORIGINAL);

  protected static Vertx vertx;
  protected static Context context;
  protected static Database db;
  protected static Pool pool;
  protected static BlobStore store;
  @TempDir static Path scratch;

  /** Starts the database (once per class); the subclass then makes {@link #store}. */
  static void startDatabase() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    db = Database.external(TestPostgres.newDatabase());
    db.migrate();
    pool = db.pool(vertx, 4);
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    if (vertx != null) {
      TestGrid.await(vertx.close());
    }
    if (db != null) {
      db.close();
    }
  }

  /** Replaces the stored bytes of {@code key} without the grid knowing. */
  protected abstract void overwriteBehindTheBack(BlobKey key, byte[] bytes) throws Exception;

  /** Deletes the stored object of {@code key} without the grid knowing. */
  protected abstract void deleteBehindTheBack(BlobKey key) throws Exception;

  @BeforeEach
  void emptyTables() throws Exception {
    sql("DELETE FROM asset_files", Tuple.tuple());
    sql("DELETE FROM assets", Tuple.tuple());
    sql("DELETE FROM blobs", Tuple.tuple());
  }

  BlobScrub scrub(long bytesPerSecond) {
    return new BlobScrub(vertx, new BlobIntegrity(pool), store, bytesPerSecond, false);
  }

  @Test
  void findsTheCorruptTheTruncatedAndTheMissingAndKeepsTheCleanOk() throws Exception {
    Stored changed = storeAsset(100_000, 1);
    Stored truncated = storeAsset(100_000, 2);
    Stored gone = storeAsset(100_000, 3);
    Stored clean = storeAsset(100_000, 4);
    overwriteBehindTheBack(changed.key, bytes(100_000, 99)); // same size, other bytes
    overwriteBehindTheBack(truncated.key, java.util.Arrays.copyOf(truncated.bytes, 99_999));
    deleteBehindTheBack(gone.key);

    ScrubReport r = TestGrid.await(scrub(50_000_000).scrubNow());

    assertThat(r.unavailable()).isNull();
    assertThat(r.scanned()).isEqualTo(4);
    assertThat(r.ok()).isEqualTo(1);
    assertThat(r.corrupt()).isEqualTo(2);
    assertThat(r.missing()).isEqualTo(1);
    assertThat(r.skipped()).isZero();
    assertThat(r.corruptAssets()).isEqualTo(3);
    assertThat(r.bytes()).isEqualTo(100_000 + 99_999 + 100_000);
    assertThat(integrity(changed)).isEqualTo("corrupt");
    assertThat(integrity(truncated)).isEqualTo("corrupt");
    assertThat(integrity(gone)).isEqualTo("missing");
    assertThat(integrity(clean)).isEqualTo("ok");
    assertThat(status(changed)).isEqualTo("corrupt");
    assertThat(status(truncated)).isEqualTo("corrupt");
    assertThat(status(gone)).isEqualTo("corrupt");
    assertThat(status(clean)).isEqualTo("ready");
    Row d =
        one(
            "SELECT integrity_detail, verified_at, scrub_claimed_until FROM blobs WHERE sha256 = $1",
            Tuple.of(truncated.key.sha256()));
    assertThat(d.getJsonObject("integrity_detail").getLong("sizeBytes")).isEqualTo(99_999);
    assertThat(d.getOffsetDateTime("verified_at")).isNotNull();
    assertThat(d.getValue("scrub_claimed_until")).isNull();
    for (Stored s : List.of(changed, truncated, gone)) {
      Row a =
          one(
              "SELECT key_id, outcome, detail FROM audit_log WHERE action = 'asset.corrupt' AND $1 = ANY(target_ids)",
              Tuple.of(s.asset.toString()));
      assertThat(a.getString("key_id")).isEqualTo(BlobIntegrity.SCRUB_KEY_ID);
      assertThat(a.getString("outcome")).isEqualTo("succeeded");
      assertThat(a.getJsonObject("detail").getString("sha256")).isEqualTo(s.key.sha256());
    }

    // a second pass finds the same and writes no new audit rows
    long audited = count("SELECT count(*) FROM audit_log WHERE action = 'asset.corrupt'");
    ScrubReport again = TestGrid.await(scrub(50_000_000).scrubNow());
    assertThat(again.scanned()).isEqualTo(4);
    assertThat(again.corrupt() + again.missing()).isEqualTo(3);
    assertThat(again.corruptAssets()).isZero();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'asset.corrupt'"))
        .isEqualTo(audited);
  }

  @Test
  void aBlobPutBackReadsOkAndItsAssetReturnsToWhatItsJobsSay() throws Exception {
    Stored s = storeAsset(50_000, 5);
    overwriteBehindTheBack(s.key, bytes(50_000, 55));
    TestGrid.await(scrub(50_000_000).scrubNow());
    assertThat(status(s)).isEqualTo("corrupt");

    // a job that ends meanwhile does not hide the damage: it changes what the asset returns to
    sql("UPDATE assets SET status = 'failed' WHERE id = $1", Tuple.of(s.asset));
    assertThat(status(s)).isEqualTo("corrupt");
    assertThat(
            one("SELECT status_before_corrupt FROM assets WHERE id = $1", Tuple.of(s.asset))
                .getString(0))
        .isEqualTo("failed");
    assertThat(
            count(
                "SELECT count(*) FROM assets WHERE tenant_id = '"
                    + TENANT
                    + "' AND status = 'corrupt'"))
        .isEqualTo(1);

    overwriteBehindTheBack(s.key, s.bytes); // restored from a backup
    ScrubReport r = TestGrid.await(scrub(50_000_000).scrubNow());
    assertThat(r.ok()).isEqualTo(1);
    assertThat(r.restoredAssets()).isEqualTo(1);
    assertThat(integrity(s)).isEqualTo("ok");
    assertThat(status(s)).isEqualTo("failed");
    assertThat(
            count(
                "SELECT count(*) FROM audit_log WHERE action = 'asset.restored' AND '"
                    + s.asset
                    + "' = ANY(target_ids)"))
        .isEqualTo(1);
  }

  @Test
  void anAssetWithTwoDamagedBlobsReturnsOnlyWhenBothReadBack() throws Exception {
    Stored a = storeAsset(20_000, 6);
    Stored side = storeFile(a.asset, "side.bin", 20_000, 7);
    deleteBehindTheBack(a.key);
    deleteBehindTheBack(side.key);
    ScrubReport r = TestGrid.await(scrub(50_000_000).scrubNow());
    assertThat(r.missing()).isEqualTo(2);
    assertThat(r.corruptAssets()).isEqualTo(1);

    overwriteBehindTheBack(a.key, a.bytes);
    assertThat(TestGrid.await(scrub(50_000_000).scrubNow()).restoredAssets()).isZero();
    assertThat(status(a)).isEqualTo("corrupt");

    overwriteBehindTheBack(side.key, side.bytes);
    assertThat(TestGrid.await(scrub(50_000_000).scrubNow()).restoredAssets()).isEqualTo(1);
    assertThat(status(a)).isEqualTo("ready");
  }

  @Test
  void readsNoFasterThanItsRate() throws Exception {
    int size = 1 << 20;
    for (int i = 0; i < 3; i++) {
      storeAsset(size, 10 + i);
    }
    long rate = 2_000_000;
    long t0 = System.nanoTime();
    ScrubReport r = TestGrid.await(scrub(rate).scrubNow());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(r.ok()).isEqualTo(3);
    assertThat(r.bytes()).isEqualTo(3L * size);
    // the last buffer read is not waited for: a lower bound of (bytes - one buffer) / rate
    double floor = (3.0 * size - BlobScrub.READ_BUFFER) / rate;
    System.out.printf(
        "%s: scrubbed %d bytes at a pace of %.1f MB/s in %.2f s: %.2f MB/s (floor %.2f s)%n",
        getClass().getSimpleName(),
        r.bytes(),
        rate / 1e6,
        seconds,
        r.bytes() / seconds / 1e6,
        floor);
    assertThat(seconds).isGreaterThanOrEqualTo(floor * 0.95);
    assertThat(r.bytes() / seconds).isLessThanOrEqualTo(rate * 1.1);
  }

  @Test
  void aPassReadsWhatWasNotVerifiedSinceItBeganAndTheBackgroundWhatIsDue() throws Exception {
    Stored s = storeAsset(10_000, 20);
    BlobScrub scrub = scrub(50_000_000);
    assertThat(TestGrid.await(scrub.runOnce()).scanned()).isEqualTo(1); // never verified: due
    assertThat(TestGrid.await(scrub.runOnce()).scanned()).isZero(); // verified just now
    assertThat(TestGrid.await(scrub.scrubNow()).scanned()).isEqualTo(1); // a full pass reads all
    sql(
        "UPDATE blobs SET verified_at = now() - interval '8 days' WHERE sha256 = $1",
        Tuple.of(s.key.sha256()));
    assertThat(TestGrid.await(scrub.runOnce()).scanned()).isEqualTo(1);
  }

  @Test
  void aBlobClaimedByAnotherScrubberIsLeftToIt() throws Exception {
    Stored first = storeAsset(10_000, 30);
    Stored second = storeAsset(10_000, 31);
    BlobIntegrity other = new BlobIntegrity(pool);
    List<BlobIntegrity.Claimed> claimed =
        TestGrid.await(
            other.claim(TestGrid.await(other.now()), 1, bytes -> java.time.Duration.ofMinutes(5)));
    assertThat(claimed).hasSize(1);
    Stored taken = claimed.get(0).key().equals(first.key) ? first : second;
    Stored left = taken == first ? second : first;

    ScrubReport r = TestGrid.await(scrub(50_000_000).scrubNow());
    assertThat(r.scanned()).isEqualTo(1);
    assertThat(integrity(taken)).isEqualTo("unverified");
    assertThat(integrity(left)).isEqualTo("ok");

    TestGrid.await(other.release(List.of(taken.key)));
    assertThat(TestGrid.await(scrub(50_000_000).scrubNow()).scanned()).isEqualTo(2);
  }

  // --- helpers ---

  /** An asset (status ready) with one original file, stored through the store. */
  record Stored(UUID asset, BlobKey key, byte[] bytes) {}

  Stored storeAsset(int size, long seed) throws Exception {
    UUID asset = UUID.randomUUID();
    byte[] b = bytes(size, seed);
    String sha = sha256(b);
    sql(
        "INSERT INTO assets (id, tenant_id, name, format, sha256, size_bytes, status) VALUES ($1, $2, 'a.glb', 'glb', $3, $4, 'ready')",
        Tuple.of(asset, TENANT, sha, (long) size));
    return storeFile(asset, "original", size, seed);
  }

  Stored storeFile(UUID asset, String name, int size, long seed) throws Exception {
    byte[] b = bytes(size, seed);
    BlobInfo info = put(b);
    sql(
        "INSERT INTO asset_files (asset_id, name, role, sha256, size_bytes, content_type, kind, tenant_id)"
            + " VALUES ($1, $2, $3, $4, $5, 'application/octet-stream', 'original', $6)",
        Tuple.of(
            asset,
            name,
            name.equals("original") ? "original" : "side",
            info.sha256(),
            (long) size,
            TENANT));
    return new Stored(asset, SPACE.key(info.sha256()), b);
  }

  BlobInfo put(byte[] b) throws Exception {
    Path f = Files.createTempFile(scratch, "src", ".bin");
    Files.write(f, b);
    return TestGrid.await(
        onContext(
            () ->
                store.put(
                    vertx.fileSystem().openBlocking(f.toString(), new OpenOptions().setRead(true)),
                    1 << 30,
                    null,
                    SPACE)));
  }

  static <T> Future<T> onContext(Supplier<Future<T>> body) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> body.get().onComplete(p));
    return p.future();
  }

  String integrity(Stored s) throws Exception {
    return one("SELECT integrity FROM blobs WHERE sha256 = $1", Tuple.of(s.key.sha256()))
        .getString(0);
  }

  String status(Stored s) throws Exception {
    return one("SELECT status FROM assets WHERE id = $1", Tuple.of(s.asset)).getString(0);
  }

  static Row one(String q, Tuple args) throws Exception {
    var rs = sql(q, args);
    assertThat(rs.size()).as(q).isEqualTo(1);
    return rs.iterator().next();
  }

  static long count(String q) throws Exception {
    return one(q, Tuple.tuple()).getLong(0);
  }

  static io.vertx.sqlclient.RowSet<Row> sql(String q, Tuple args) throws Exception {
    return TestGrid.sql(pool, q, args);
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
