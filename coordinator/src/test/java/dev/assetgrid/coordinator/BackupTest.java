package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.backup.Backup;
import dev.assetgrid.coordinator.backup.BackupManifest;
import dev.assetgrid.coordinator.backup.Restore;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code backup} and {@code restore} on real grids: a grid on its embedded PostgreSQL holding
 * assets, jobs and derivatives is backed up while another thread keeps uploading; the backup is
 * restored into a new data folder and a coordinator started there serves every file of every asset
 * in the manifest with the same sha256. Uploads that committed after the snapshot are absent as a
 * whole. The refusals are one sentence each (non-empty target, no backup, a tampered blob).
 *
 * <p>Needs pg_dump/pg_restore 17: {@code ASSETGRID_PG_BIN}, else {@code .tools/pg17/bin} at the
 * project root (made by {@code .ci/pg-client}), else the usual places.
 */
@Timeout(600)
class BackupTest {
  @TempDir static Path root;

  static Path source;
  static Path backup;
  static TestGrid grid;
  static String adminKey;
  static BackupManifest manifest;

  /** Assets made before the backup started: all must come back. */
  static final List<String> before = new ArrayList<>();

  /** Assets whose upload began after the backup ended: none may come back. */
  static final List<String> after = new CopyOnWriteArrayList<>();

  /** Every asset the uploader made while the backup ran (either side of the snapshot). */
  static final List<String> during = new CopyOnWriteArrayList<>();

  /** The first of {@link #during}, answered 202 before the backup started: all must come back. */
  static List<String> duringBeforeStart;

  /** The original's sha256 of every upload, from the source grid. */
  static final Map<String, String> originalSha = new HashMap<>();

  /** For the stores the commands are given (they only read paths from them). */
  static Vertx vertx;

  /** The local store of a data folder, as the commands build it. */
  static LocalBlobStore local(Path dataDir) {
    return new LocalBlobStore(vertx, dataDir.resolve(Backup.BLOBS_DIR));
  }

  static Path pgBin() {
    String env = System.getenv("ASSETGRID_PG_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve(".tools/pg17/bin");
      if (Files.isExecutable(c.resolve("pg_dump"))) {
        return c;
      }
    }
    return null;
  }

  @BeforeAll
  static void backUpABusyGrid() throws Exception {
    vertx = Vertx.vertx();
    source = root.resolve("source");
    backup = root.resolve("backup");
    // the embedded PostgreSQL of the data folder, two in-process slots that make derivatives
    grid = TestGrid.start(TestGrid.config(source, null).withWorkers(2));
    adminKey = grid.adminKey();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          grid.uploadBytes(
              TinyGlb.triangle("before-" + i),
              "before-" + i + ".glb",
              "pipeline=validate,optimize-mesh,thumbnail");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      JsonObject body = new JsonObject(r.body());
      before.add(body.getJsonObject("asset").getString("id"));
      jobs.add(body.getJsonObject("job").getString("id"));
    }
    for (String j : jobs) {
      assertThat(grid.awaitJob(j, Duration.ofMinutes(3)).getString("state")).isEqualTo("succeeded");
    }

    AtomicBoolean backupDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> uploadErrors = new CopyOnWriteArrayList<>();
    Thread uploader =
        new Thread(
            () -> {
              try {
                for (int i = 0; !stop.get() && i < 2_000; i++) {
                  boolean startedAfter = backupDone.get();
                  HttpResponse<String> r =
                      grid.uploadBytes(
                          TinyGlb.triangle("live-" + i), "live-" + i + ".glb", "pipeline=inspect");
                  if (r.statusCode() != 202) {
                    throw new AssertionError(r.statusCode() + " " + r.body());
                  }
                  String id = new JsonObject(r.body()).getJsonObject("asset").getString("id");
                  (startedAfter ? after : during).add(id);
                }
              } catch (Throwable t) {
                uploadErrors.add(t);
              }
            },
            "uploader");
    uploader.start();
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (during.size() < 3 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(during)
        .as("uploads going on before the backup starts")
        .hasSizeGreaterThanOrEqualTo(3);
    int whenStarted = during.size();
    duringBeforeStart = List.copyOf(during.subList(0, whenStarted));
    long t0 = System.nanoTime();
    manifest = Backup.create(new Backup.Request(backup, source, null, pgBin(), local(source)));
    System.out.printf(
        "BackupTest: backup of %d blob(s) in %d ms while %d upload(s) went on%n",
        manifest.blobs().size(), (System.nanoTime() - t0) / 1_000_000, during.size() - whenStarted);
    backupDone.set(true);
    end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (after.size() < 3 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    stop.set(true);
    uploader.join(60_000);
    assertThat(uploadErrors).isEmpty();
    assertThat(after).as("uploads after the backup").hasSizeGreaterThanOrEqualTo(3);
    for (String id : concat(before, during, after)) {
      JsonObject asset = new JsonObject(grid.get("/v1/assets/" + id).body());
      originalSha.put(id, asset.getString("sha256"));
    }
  }

  @SafeVarargs
  static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
    if (vertx != null) {
      TestGrid.await(vertx.close());
    }
  }

  @Test
  void theBackupFolderHoldsTheDumpTheBlobsTheNoteAndTheManifest() throws Exception {
    assertThat(backup.resolve(Backup.DUMP_FILE)).isRegularFile();
    assertThat(backup.resolve(Backup.README_FILE)).content().contains("restore --from");
    JsonObject json = new JsonObject(Files.readString(backup.resolve(Backup.MANIFEST_FILE)));
    assertThat(json.getString("format")).isEqualTo("assetgrid-backup");
    assertThat(json.getInteger("version")).isEqualTo(1);
    assertThat(json.getJsonObject("store").getString("type")).isEqualTo("local");
    assertThat(json.getJsonObject("source").getBoolean("embedded")).isTrue();
    assertThat(json.getJsonObject("dump").getString("tool")).contains("pg_dump (PostgreSQL) 1");
    assertThat(json.getJsonObject("counts").getLong("assets"))
        .isGreaterThanOrEqualTo((long) before.size());
    assertThat(BackupManifest.fromJson(Files.readString(backup.resolve(Backup.MANIFEST_FILE))))
        .isEqualTo(manifest);
    // every manifest entry is a file with its sha256, and nothing else is in blobs/ (no .part)
    Set<String> onDisk = new HashSet<>();
    try (Stream<Path> s = Files.walk(backup.resolve(Backup.BLOBS_DIR))) {
      s.filter(Files::isRegularFile)
          .forEach(p -> onDisk.add(backup.resolve(Backup.BLOBS_DIR).relativize(p).toString()));
    }
    assertThat(onDisk)
        .containsExactlyInAnyOrderElementsOf(
            manifest.blobs().stream().map(BackupManifest.Blob::path).toList());
    for (BackupManifest.Blob b : manifest.blobs()) {
      assertThat(sha256(Files.readAllBytes(backup.resolve(Backup.BLOBS_DIR).resolve(b.path()))))
          .isEqualTo(b.sha256());
    }
    assertThat(backup.resolve(Backup.DUMP_FILE)).hasSize(manifest.dump().size());
    // today's keys: <tenant>/<originals|derivatives|thumbnails>/ab/cd/<sha256>, all three kinds
    assertThat(manifest.blobs())
        .allSatisfy(
            b ->
                assertThat(b.path())
                    .isEqualTo(
                        Principal.DEFAULT_TENANT
                            + "/"
                            + b.key().kind().folder()
                            + "/"
                            + b.sha256().substring(0, 2)
                            + "/"
                            + b.sha256().substring(2, 4)
                            + "/"
                            + b.sha256()));
    assertThat(manifest.blobs().stream().map(b -> b.key().kind()).distinct())
        .containsExactlyInAnyOrder(BlobKind.values());
    // the blobs table of the snapshot: every file of the assets made before is there, by its key
    for (String id : before) {
      var files =
          grid.sql(
              "SELECT tenant_id, kind, sha256, size_bytes FROM asset_files WHERE asset_id = $1::uuid",
              Tuple.of(id));
      assertThat(files.size()).isPositive();
      for (var f : files) {
        assertThat(manifest.blobs())
            .contains(
                new BackupManifest.Blob(
                    new BlobKey(
                        f.getUUID("tenant_id"),
                        BlobKind.ofDbName(f.getString("kind")),
                        f.getString("sha256")),
                    f.getLong("size_bytes")));
      }
    }
    try (Stream<Path> s = Files.list(backup)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Backup.DUMP_FILE, Backup.MANIFEST_FILE, Backup.README_FILE, Backup.BLOBS_DIR);
    }
  }

  @Test
  void aCoordinatorOnTheRestoredFolderServesEveryFileOfTheSnapshotAndNothingAfterIt()
      throws Exception {
    Path restored = root.resolve("restored");
    Files.createDirectories(restored);
    // the secrets a backup leaves out, copied in by the operator first (an allowed "empty" folder)
    Files.copy(source.resolve("admin.key"), restored.resolve("admin.key"));
    long t0 = System.nanoTime();
    Restore.run(new Restore.Request(backup, restored, null, pgBin(), local(restored)));
    System.out.printf("BackupTest: restore in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    Map<String, String> shaOf = new HashMap<>();
    for (BackupManifest.Blob b : manifest.blobs()) {
      shaOf.put(b.sha256(), b.path());
    }
    try (TestGrid copy = TestGrid.start(TestGrid.config(restored, null).withWorkers(1))) {
      assertThat(copy.adminKey()).isEqualTo(adminKey);
      JsonArray items =
          new JsonObject(copy.get("/v1/assets?limit=500").body()).getJsonArray("items");
      List<String> ids = items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
      assertThat((long) ids.size()).isEqualTo(manifest.counts().get("assets"));
      assertThat(ids)
          .containsAll(before)
          .containsAll(duringBeforeStart)
          .doesNotContainAnyElementsOf(after);
      assertThat(before.size() + during.size())
          .as("every asset is one made before or during the backup")
          .isGreaterThanOrEqualTo(ids.size());
      Set<String> during = new HashSet<>(BackupTest.during);
      for (String id : ids) {
        assertThat(before.contains(id) || during.contains(id)).as(id).isTrue();
      }
      int files = 0;
      for (String id : ids) {
        JsonObject asset = new JsonObject(copy.get("/v1/assets/" + id).body());
        JsonArray fs = asset.getJsonArray("files");
        assertThat(fs).as("asset %s has its files", id).isNotEmpty();
        for (Object o : fs) {
          JsonObject f = (JsonObject) o;
          String sha = f.getString("sha256");
          assertThat(shaOf).as("%s/%s in the manifest", id, f.getString("name")).containsKey(sha);
          HttpResponse<byte[]> r =
              copy.http.send(
                  copy.request("/v1/assets/" + id + "/files/" + f.getString("name")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(sha256(r.body())).as("%s/%s", id, f.getString("name")).isEqualTo(sha);
          files++;
        }
        for (Object j : asset.getJsonArray("jobs", new JsonArray())) {
          String jobId = j instanceof JsonObject jo ? jo.getString("id") : (String) j;
          assertThat(copy.get("/v1/jobs/" + jobId).statusCode()).isEqualTo(200);
        }
      }
      // derivatives came back: the assets made before hold their thumbnails and optimized GLBs
      for (String id : before) {
        JsonObject asset = new JsonObject(copy.get("/v1/assets/" + id).body());
        assertThat(
                asset.getJsonArray("files").stream().map(o -> ((JsonObject) o).getString("name")))
            .contains("optimized.glb", "thumbnail.png", "validation.json");
      }
      // an upload the snapshot does not hold is absent entirely: no row, and its bytes (unique to
      // it: every triangle names its own generator) are not in the backup
      Set<String> absent = new HashSet<>(concat(BackupTest.during, after));
      ids.forEach(absent::remove);
      for (String id : absent) {
        assertThat(copy.get("/v1/assets/" + id).statusCode()).as(id).isEqualTo(404);
        assertThat(shaOf).as("blob of %s", id).doesNotContainKey(originalSha.get(id));
      }
      assertThat(absent).hasSizeGreaterThanOrEqualTo(after.size());
      System.out.printf("BackupTest: %d file(s) of %d asset(s) read back%n", files, ids.size());
      // and the restored grid works: a new upload is processed
      String job =
          copy.submit(
              writeTemp("after-restore.glb", TinyGlb.triangle("after-restore")),
              "pipeline=inspect");
      assertThat(copy.awaitJob(job, Duration.ofMinutes(2)).getString("state"))
          .isEqualTo("succeeded");
    }

    // a stopped grid: the backup starts the data folder's embedded server for its duration
    Path again = root.resolve("backup-of-restored");
    BackupManifest m2 =
        Backup.create(new Backup.Request(again, restored, null, pgBin(), local(restored)));
    assertThat(m2.counts().get("assets")).isEqualTo(manifest.counts().get("assets") + 1);
    assertThat(Files.exists(restored.resolve("pg/postmaster.pid")))
        .as("the server it started is stopped again")
        .isFalse();
  }

  @Test
  void aGridInS3IsBackedUpAndRestoredWithTheS3FlagsAndEveryBlobIsCheckedInTheBucket()
      throws Exception {
    // the commands find their credentials through the SDK's default chain, as the coordinator does
    System.setProperty("aws.accessKeyId", TestS3.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", TestS3.SECRET_KEY);
    try (TestS3 s3 = TestS3.start(Files.createDirectories(root.resolve("s3")))) {
      StorageOptions inBucket =
          StorageOptions.defaults()
              .withS3(s3.options().withPrefix("grid"))
              .withFilesVia(StorageOptions.FilesVia.STREAM);
      String location = "s3://" + s3.bucket() + "/grid/";
      List<String> s3Flags =
          List.of(
              "--s3-bucket",
              s3.bucket(),
              "--s3-endpoint",
              s3.endpoint().toString(),
              "--s3-region",
              "us-east-1",
              "--s3-path-style",
              "--s3-prefix",
              "grid");
      Path data = root.resolve("s3-data");
      String db = TestPostgres.newDatabase();
      Path out = root.resolve("backup-s3");
      String kept;
      BlobKey goneKey;
      try (TestGrid g =
          TestGrid.start(TestGrid.config(data, db).withWorkers(1).withStorage(inBucket))) {
        HttpResponse<String> r =
            g.uploadBytes(
                TinyGlb.triangle("s3-kept"), "kept.glb", "pipeline=optimize-mesh,thumbnail");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        kept = new JsonObject(r.body()).getJsonObject("asset").getString("id");
        String job = new JsonObject(r.body()).getJsonObject("job").getString("id");
        assertThat(g.awaitJob(job, Duration.ofMinutes(3)).getString("state"))
            .isEqualTo("succeeded");
        // an asset deleted before the backup: its blob counts no reference and awaits the purge
        r = g.uploadBytes(TinyGlb.triangle("s3-gone"), "gone.glb", "pipeline=inspect");
        String gone = new JsonObject(r.body()).getJsonObject("asset").getString("id");
        goneKey =
            new BlobKey(
                Principal.DEFAULT_TENANT,
                BlobKind.ORIGINAL,
                new JsonObject(g.get("/v1/assets/" + gone).body()).getString("sha256"));
        assertThat(
                g.http
                    .send(
                        g.request("/v1/assets/" + gone).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(204);

        Cli cli =
            cli(withFlags(s3Flags, "backup", "--out", out, "--data-dir", data, "--db-url", db));
        assertThat(cli.exit).as(cli.err).isZero();
        assertThat(cli.out).contains("backed up 1 asset(s)");
      }
      BackupManifest m =
          BackupManifest.fromJson(Files.readString(out.resolve(Backup.MANIFEST_FILE)));
      assertThat(m.store()).isEqualTo(new BackupManifest.Store("s3", false, location));
      assertThat(m.blobs().stream().map(b -> b.key().kind()))
          .as("the original, the derivative and the thumbnail")
          .contains(BlobKind.ORIGINAL, BlobKind.DERIVATIVE, BlobKind.THUMBNAIL);
      assertThat(m.blobs().stream().map(BackupManifest.Blob::key))
          .as("referenced blobs only")
          .doesNotContain(goneKey);
      try (Stream<Path> st = Files.list(out)) {
        assertThat(st.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(Backup.DUMP_FILE, Backup.MANIFEST_FILE, Backup.README_FILE);
      }
      assertThat(out.resolve(Backup.README_FILE))
          .content()
          .contains("The blobs are NOT in this folder: they stay in " + location)
          .contains("Keep versioning on for that bucket");

      // restored with the same flags into a new data folder and an empty database: the grid on
      // it serves the files from the bucket
      Path data2 = root.resolve("s3-restored");
      String db2 = TestPostgres.newDatabase();
      Cli cli =
          cli(withFlags(s3Flags, "restore", "--from", out, "--data-dir", data2, "--db-url", db2));
      assertThat(cli.exit).as(cli.err).isZero();
      assertThat(cli.out).contains("restored 1 asset(s)");
      // (with an external database and the blobs in a bucket, nothing goes into the data folder)
      Files.copy(data.resolve("admin.key"), Files.createDirectories(data2).resolve("admin.key"));
      try (TestGrid back = TestGrid.start(TestGrid.config(data2, db2).withStorage(inBucket))) {
        JsonArray files =
            new JsonObject(back.get("/v1/assets/" + kept).body()).getJsonArray("files");
        assertThat(files.size()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < files.size(); i++) {
          JsonObject f = files.getJsonObject(i);
          HttpResponse<byte[]> got =
              back.http.send(
                  back.request("/v1/assets/" + kept + "/files/" + f.getString("name")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          assertThat(got.statusCode()).as(f.getString("name")).isEqualTo(200);
          assertThat(sha256(got.body())).isEqualTo(f.getString("sha256"));
        }
      }

      // a blob gone from the bucket: the backup stops, and the restore writes nothing
      BackupManifest.Blob lost = m.blobs().get(0);
      s3.client().deleteObject(d -> d.bucket(s3.bucket()).key("grid/" + lost.path()));
      Path out2 = root.resolve("backup-s3-damaged");
      cli = cli(withFlags(s3Flags, "backup", "--out", out2, "--data-dir", data, "--db-url", db));
      assertThat(cli.exit).isEqualTo(1);
      assertThat(cli.err.strip())
          .isEqualTo(
              "assetgrid-coordinator backup: 1 of the "
                  + m.blobs().size()
                  + " blob(s) the database references are not in "
                  + location
                  + " with their size (the first: "
                  + lost.path()
                  + "), so the store is damaged; nothing was backed up");
      assertThat(out2.resolve(Backup.MANIFEST_FILE)).doesNotExist();
      Path data3 = root.resolve("s3-restored-again");
      String db3 = TestPostgres.newDatabase();
      cli = cli(withFlags(s3Flags, "restore", "--from", out, "--data-dir", data3, "--db-url", db3));
      assertThat(cli.exit).isEqualTo(1);
      assertThat(cli.err.strip())
          .isEqualTo(
              "assetgrid-coordinator restore: 1 of the "
                  + m.blobs().size()
                  + " blob(s) the backup names are missing from "
                  + location
                  + " (the first: "
                  + lost.path()
                  + "): bring them back from the bucket's noncurrent versions, or give the bucket"
                  + " the backup was made from; nothing was restored");
      try (var target = dev.assetgrid.coordinator.store.Database.external(db3)) {
        assertThat(dev.assetgrid.coordinator.store.BackupSnapshot.userRelations(target))
            .as("nothing restored")
            .isZero();
      }

      // what is not built: a bucket's backup without the flags, a local backup into a bucket
      Path target = root.resolve("restore-of-s3");
      AssetGridException e =
          catchAge(
              () -> Restore.run(new Restore.Request(out, target, null, pgBin(), local(target))));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.getMessage())
          .isEqualTo(
              "this backup holds no blobs (they stay in "
                  + location
                  + "), so restore it with the --s3-* flags of that bucket");
      assertThat(target).doesNotExist();
      S3BlobStore bucket =
          new S3BlobStore(
              vertx, s3.options().withPrefix("grid"), root.resolve("s3-staging"), s3.credentials());
      e = catchAge(() -> Restore.run(new Restore.Request(backup, target, null, pgBin(), bucket)));
      assertThat(e.getMessage())
          .startsWith("restoring into s3://")
          .endsWith("is not built yet; restore into a local store");
      assertThat(target).doesNotExist();
      TestGrid.await(bucket.close());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  /** {@code args} (paths and strings) followed by {@code flags}. */
  static String[] withFlags(List<String> flags, Object... args) {
    List<String> all = new ArrayList<>();
    for (Object a : args) {
      all.add(a.toString());
    }
    all.addAll(flags);
    return all.toArray(String[]::new);
  }

  @Test
  void refusalsAreOneSentenceWithExitCodeTwo() throws Exception {
    // restore into a data folder that holds a grid
    AssetGridException e =
        catchAge(
            () -> Restore.run(new Restore.Request(backup, source, null, pgBin(), local(source))));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage())
        .contains("is not empty")
        .doesNotContain("\n")
        .doesNotContain("Exception");
    Cli cli = cli("restore", "--from", backup.toString(), "--data-dir", source.toString());
    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err.strip())
        .startsWith("assetgrid-coordinator restore: ")
        .contains("is not empty");
    assertThat(cli.err.strip().lines()).hasSize(1);

    // no such backup folder
    Path missing = root.resolve("no-such-backup");
    e =
        catchAge(
            () ->
                Restore.run(
                    new Restore.Request(
                        missing, root.resolve("x"), null, pgBin(), local(root.resolve("x")))));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).isEqualTo("there is no backup folder " + missing.toAbsolutePath());
    cli = cli("restore", "--from", missing.toString(), "--data-dir", root.resolve("x").toString());
    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err.strip().lines()).hasSize(1);
    assertThat(root.resolve("x")).doesNotExist();

    // a folder that is not a finished backup
    Path unfinished = Files.createDirectories(root.resolve("unfinished"));
    Files.writeString(unfinished.resolve(Backup.DUMP_FILE), "half");
    e =
        catchAge(
            () ->
                Restore.run(
                    new Restore.Request(
                        unfinished, root.resolve("y"), null, pgBin(), local(root.resolve("y")))));
    assertThat(e.getMessage()).contains("holds no manifest.json");

    // backup into a non-empty folder
    cli = cli("backup", "--out", backup.toString(), "--data-dir", source.toString());
    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err.strip())
        .isEqualTo(
            "assetgrid-coordinator backup: "
                + backup.toAbsolutePath()
                + " is not empty; back up into a new or empty folder");

    // backup of a folder holding no grid
    Path empty = Files.createDirectories(root.resolve("empty-data"));
    cli =
        cli("backup", "--out", root.resolve("b-empty").toString(), "--data-dir", empty.toString());
    assertThat(cli.exit).isEqualTo(2);
    assertThat(cli.err).contains("holds no embedded database");
    assertThat(root.resolve("b-empty")).doesNotExist();
  }

  @Test
  void aTamperedBlobIsFoundBeforeTheDatabaseIsWritten() throws Exception {
    Path tampered = root.resolve("tampered");
    copyTree(backup, tampered);
    BackupManifest.Blob victim = manifest.blobs().get(manifest.blobs().size() / 2);
    Path file = tampered.resolve(Backup.BLOBS_DIR).resolve(victim.path());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    Path target = root.resolve("restore-of-tampered");
    AssetGridException e =
        catchAge(
            () -> Restore.run(new Restore.Request(tampered, target, null, pgBin(), local(target))));
    assertThat(e.code()).isEqualTo(ErrorCode.BLOB_CHECKSUM_MISMATCH);
    assertThat(e.getMessage())
        .isEqualTo(
            "the backup's copy of blob "
                + victim.sha256()
                + " does not match the sha256 in its manifest (the backup is damaged); nothing was"
                + " restored");
    assertThat(target.resolve("pg")).doesNotExist();
    assertThat(target.resolve("blobs")).doesNotExist();
    Cli cli = cli("restore", "--from", tampered.toString(), "--data-dir", target.toString());
    assertThat(cli.exit).isEqualTo(1);
    assertThat(cli.err.strip()).isEqualTo("assetgrid-coordinator restore: " + e.getMessage());

    // a damaged dump is refused as well
    Path badDump = root.resolve("bad-dump");
    copyTree(backup, badDump);
    Files.write(
        badDump.resolve(Backup.DUMP_FILE),
        new byte[] {1, 2, 3},
        java.nio.file.StandardOpenOption.APPEND);
    e =
        catchAge(
            () -> Restore.run(new Restore.Request(badDump, target, null, pgBin(), local(target))));
    assertThat(e.code()).isEqualTo(ErrorCode.BLOB_CHECKSUM_MISMATCH);
    assertThat(e.getMessage()).contains("database.dump does not match");
  }

  @Test
  void anExternalDatabaseRoundTripsAndANonEmptyOneIsRefused() throws Exception {
    String db = TestPostgres.newDatabase();
    Path data = root.resolve("ext-data");
    String assetId;
    Path out = root.resolve("ext-backup");
    TestGrid ext = TestGrid.start(TestGrid.config(data, db));
    try {
      HttpResponse<String> r =
          ext.uploadBytes(TinyGlb.triangle("ext"), "ext.glb", "pipeline=inspect");
      assertThat(r.statusCode()).isEqualTo(202);
      assetId = new JsonObject(r.body()).getJsonObject("asset").getString("id");
      Cli cli =
          cli(
              "backup",
              "--out",
              out.toString(),
              "--data-dir",
              data.toString(),
              "--db-url",
              db,
              "--pg-bin",
              String.valueOf(pgBin()));
      assertThat(cli.exit).as(cli.err).isZero();
      assertThat(cli.out).contains("backed up 1 asset(s)");
      BackupManifest m =
          BackupManifest.fromJson(Files.readString(out.resolve(Backup.MANIFEST_FILE)));
      assertThat(m.source().embedded()).isFalse();
      assertThat(m.source().database()).doesNotContain("postgres:postgres");

      // into the same, non-empty database: refused
      AssetGridException e =
          catchAge(
              () ->
                  Restore.run(
                      new Restore.Request(
                          out,
                          root.resolve("ext-r1"),
                          db,
                          pgBin(),
                          local(root.resolve("ext-r1")))));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.getMessage())
          .contains("is not empty")
          .contains("restore only into an empty database");

    } finally {
      ext.close();
    }
    String fresh = TestPostgres.newDatabase();
    Path data2 = root.resolve("ext-r2");
    Restore.run(new Restore.Request(out, data2, fresh, pgBin(), local(data2)));
    Files.copy(data.resolve("admin.key"), data2.resolve("admin.key"));
    try (TestGrid back = TestGrid.start(TestGrid.config(data2, fresh))) {
      JsonObject asset = new JsonObject(back.get("/v1/assets/" + assetId).body());
      JsonObject original = asset.getJsonArray("files").getJsonObject(0);
      HttpResponse<byte[]> f =
          back.http.send(
              back.request("/v1/assets/" + assetId + "/files/" + original.getString("name"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(f.statusCode()).isEqualTo(200);
      assertThat(sha256(f.body())).isEqualTo(original.getString("sha256"));
    }
  }

  // ------------------------------------------------------------------ helpers

  record Cli(int exit, String out, String err) {}

  static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--pg-bin") && pgBin() != null) {
      all.addAll(List.of("--pg-bin", pgBin().toString()));
    }
    int exit =
        new CommandLine(new CoordinatorMain())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Cli(exit, out.toString(), err.toString());
  }

  interface Call {
    void run() throws Exception;
  }

  static AssetGridException catchAge(Call c) {
    Throwable[] t = new Throwable[1];
    assertThatThrownBy(
            () -> {
              try {
                c.run();
              } catch (Throwable x) {
                t[0] = x;
                throw x;
              }
            })
        .isInstanceOf(AssetGridException.class);
    return (AssetGridException) t[0];
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static Path writeTemp(String name, byte[] bytes) throws Exception {
    return Files.write(Files.createTempDirectory(root, "up").resolve(name), bytes);
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path d = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d);
        }
      }
    }
  }
}
