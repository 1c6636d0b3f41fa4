package dev.assetgrid.coordinator.backup;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.store.BackupSnapshot;
import dev.assetgrid.coordinator.store.BackupSnapshot.BlobRef;
import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coordinator.jar backup --out DIR}: the database and the blobs it references, as of one
 * instant, into a new folder. Blocking; runs beside a live grid (or on a stopped one).
 *
 * <p>The folder: {@value #DUMP_FILE} (pg_dump, custom format), {@value #BLOBS_DIR}/ (with the local
 * store: its files at their {@link BlobKey#path()}, {@code <tenant>/<kind folder>/ab/cd/<sha256>}),
 * {@value #README_FILE}, and {@value #MANIFEST_FILE} (format version, times, source, counts, one
 * entry per blob: tenant, kind, sha256, size, path), written last. With the S3 store the blobs stay
 * in the bucket and only the manifest names them, after a HeadObject of each has found it there
 * with its size (bucket versioning keeps what a later purge deletes; the note says so).
 *
 * <p>Consistency. The dump and the manifest come from one snapshot ({@link BackupSnapshot}: a
 * {@code REPEATABLE READ} transaction whose exported snapshot {@code pg_dump --snapshot} imports),
 * so every row in the dump is in the manifest's view and nothing committed after it is in either;
 * the manifest lists the {@code blobs} rows the snapshot counts as referenced ({@code refs > 0},
 * see {@link BackupSnapshot#blobReferences()} for why not all of them). Blobs are immutable and
 * content-addressed, so they are copied after the snapshot, checked against the sha256 the rows
 * give; {@link BackupSnapshot#ADVISORY_LOCK}, held in shared mode throughout, keeps a purge from
 * deleting any of them meanwhile. Uploads go on: one that commits after the snapshot is simply not
 * in the backup, and its blob (if already stored) is not copied.
 *
 * <p>Recipe: refuse a non-empty {@code --out}; find the database (the {@code --db-url} server, the
 * embedded server a running coordinator has on {@code DATA_DIR/pg}, or that server started for the
 * backup's duration); open the snapshot; find a pg_dump at least as new as the server; dump; end
 * the snapshot's transaction; copy and verify the blobs (S3: check each is in the bucket); write
 * the note and the manifest; release the lock. A failure removes what was written and is one {@link
 * AssetGridException}.
 */
public final class Backup {
  private static final Logger LOG = LoggerFactory.getLogger(Backup.class);

  public static final String DUMP_FILE = "database.dump";
  public static final String MANIFEST_FILE = "manifest.json";
  public static final String BLOBS_DIR = "blobs";
  public static final String README_FILE = "README.txt";

  /**
   * What to back up and where.
   *
   * @param out the backup folder: must not exist, or be empty
   * @param dataDir the coordinator's data folder (embedded database in {@code pg/}, local blobs in
   *     {@code blobs/})
   * @param dbUrl an external PostgreSQL ({@code postgresql://user:secret@host:port/db}), or null
   *     for the embedded one of {@code dataDir}
   * @param pgBin the folder holding pg_dump, or null to search (see {@link PgTools})
   * @param blobs the grid's blob store: a {@link LocalBlobStore}'s files are copied into the backup
   *     (read through {@link BlobStore#localPath}), an {@link S3BlobStore}'s objects stay in the
   *     bucket, each checked there with {@link BlobStore#stat} (HeadObject: present, its size)
   */
  public record Request(Path out, Path dataDir, String dbUrl, Path pgBin, BlobStore blobs) {
    public Request {
      Objects.requireNonNull(blobs, "blobs");
    }
  }

  private Backup() {}

  /**
   * What a backup does with the store's blobs: the local store's are copied (the manifest gives the
   * root they came from), an S3 bucket's are only named.
   */
  static BackupManifest.Store storeOf(BlobStore blobs) {
    if (blobs instanceof LocalBlobStore local) {
      return new BackupManifest.Store(BackupManifest.Store.LOCAL, true, local.root().toString());
    }
    if (blobs instanceof S3BlobStore) {
      return new BackupManifest.Store(BackupManifest.Store.S3, false, blobs.describe());
    }
    throw new AssetGridException(
        ErrorCode.INVALID_REQUEST,
        "a backup knows the local and the S3 blob store, not " + blobs.describe());
  }

  /** Runs the backup; returns its manifest. */
  public static BackupManifest create(Request request) {
    return create(request, Clock.systemUTC());
  }

  static BackupManifest create(Request r, Clock clock) {
    Path out = r.out().toAbsolutePath().normalize();
    requireEmptyTarget(out);
    BackupManifest.Store store = storeOf(r.blobs());
    boolean created = false;
    try (Source source = Source.open(r.dataDir(), r.dbUrl());
        BackupSnapshot snapshot = BackupSnapshot.open(source.db())) {
      PgTools.Tool pgDump =
          new PgTools(r.pgBin())
              .require(
                  "pg_dump",
                  snapshot.serverMajor(),
                  "the server is PostgreSQL " + snapshot.serverVersion());
      List<BackupManifest.Blob> blobs = manifestEntries(snapshot.blobReferences());
      Map<String, Long> counts = snapshot.counts();
      LOG.info(
          "backup of {} as of {}: {} blob(s), {} asset(s)",
          source.db().describe(),
          snapshot.takenAt(),
          blobs.size(),
          counts.get("assets"));

      Files.createDirectories(out);
      created = true;
      BackupFiles files = new BackupFiles(out);
      BackupManifest.Dump dump = dump(snapshot, source.db(), pgDump, r.pgBin(), out, files);
      snapshot.endTransaction();

      if (store.blobsIncluded()) {
        copyBlobs(blobs, r.blobs(), out.resolve(BLOBS_DIR), files);
      } else {
        checkBucket(blobs, r.blobs());
        LOG.info(
            "the {} blob(s) stay in {}, each there with its size: the manifest names them (keep"
                + " bucket versioning on)",
            blobs.size(),
            store.location());
      }

      BackupManifest manifest =
          new BackupManifest(
              BackupManifest.VERSION,
              snapshot.takenAt(),
              clock.instant(),
              new BackupManifest.Source(
                  source.db().describe().toString(),
                  source.embedded(),
                  snapshot.serverVersion(),
                  snapshot.schemaVersion(),
                  dev.assetgrid.node.Node.version()),
              dump,
              store,
              counts,
              blobs);
      files.write(out.resolve(README_FILE), BackupReadme.text(manifest));
      files.write(out.resolve(MANIFEST_FILE), manifest.toJson().encodePrettily() + "\n");
      files.syncFolders();
      return manifest;
    } catch (IOException e) {
      removeOnFailure(out, created);
      throw new AssetGridException(
          ErrorCode.BLOB_IO_ERROR,
          "writing the backup into " + out + " failed: " + BackupFiles.reason(e));
    } catch (RuntimeException e) {
      removeOnFailure(out, created);
      throw e;
    }
  }

  /** One entry per referenced blob, sorted by its path (the order of the backup's folder). */
  static List<BackupManifest.Blob> manifestEntries(List<BlobRef> refs) {
    List<BackupManifest.Blob> out = new ArrayList<>(refs.size());
    for (BlobRef ref : refs) {
      out.add(new BackupManifest.Blob(ref.key(), ref.size()));
    }
    out.sort(Comparator.comparing(BackupManifest.Blob::path));
    return out;
  }

  private static BackupManifest.Dump dump(
      BackupSnapshot snapshot,
      Database db,
      PgTools.Tool pgDump,
      Path pgBin,
      Path out,
      BackupFiles files)
      throws IOException {
    Path target = out.resolve(DUMP_FILE);
    Path part = BackupFiles.partOf(target);
    Path log = Files.createTempFile("assetgrid-pg_dump", ".log");
    long t0 = System.nanoTime();
    new PgTools(pgBin)
        .run(
            pgDump,
            db,
            List.of("--format=custom", "--snapshot=" + snapshot.id(), "--file=" + part),
            log);
    Files.deleteIfExists(log);
    files.publishWritten(part, target);
    long size = Files.size(target);
    LOG.info(
        "{} wrote {} bytes in {} ms", pgDump.version(), size, (System.nanoTime() - t0) / 1_000_000);
    return new BackupManifest.Dump(
        DUMP_FILE, "custom", pgDump.version(), pgDump.major(), BackupFiles.sha256(target), size);
  }

  /** Copies every blob from the local store's file into {@code to}, each checked as it goes. */
  private static void copyBlobs(
      List<BackupManifest.Blob> blobs, BlobStore store, Path to, BackupFiles files)
      throws IOException {
    long t0 = System.nanoTime();
    long bytes = 0;
    for (BackupManifest.Blob b : blobs) {
      Path from = store.localPath(b.key()).orElseThrow();
      BackupFiles.Copied got;
      try {
        got = files.copyVerified(from, to.resolve(b.path()), b.sha256(), b.size());
      } catch (NoSuchFileException e) {
        throw new AssetGridException(
            ErrorCode.BLOB_NOT_FOUND,
            b.sha256()
                + " (the database references it, but the store has no "
                + from
                + "; the store is damaged: nothing was backed up)");
      }
      if (!got.sha256().equals(b.sha256()) || got.size() != b.size()) {
        throw new AssetGridException(
            ErrorCode.BLOB_CHECKSUM_MISMATCH,
            "the store's copy of blob "
                + b.sha256()
                + " at "
                + from
                + " is damaged ("
                + got.size()
                + " bytes hashing to "
                + got.sha256()
                + "); nothing was backed up");
      }
      bytes += b.size();
    }
    LOG.info(
        "copied {} blob(s), {} bytes, in {} ms",
        blobs.size(),
        bytes,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * BLOB_NOT_FOUND unless the bucket holds every blob the manifest names, each with its size: a
   * backup that names blobs the bucket lacks could not be restored.
   */
  private static void checkBucket(List<BackupManifest.Blob> blobs, BlobStore store) {
    long t0 = System.nanoTime();
    List<BackupManifest.Blob> absent = BucketCheck.absent(blobs, store);
    if (!absent.isEmpty()) {
      throw new AssetGridException(
          ErrorCode.BLOB_NOT_FOUND,
          absent.size()
              + " of the "
              + blobs.size()
              + " blob(s) the database references are not in "
              + store.describe()
              + " with their size (the first: "
              + absent.get(0).path()
              + "), so the store is damaged; nothing was backed up");
    }
    LOG.info(
        "checked {} blob(s) in {} in {} ms",
        blobs.size(),
        store.describe(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** INVALID_REQUEST unless {@code out} is missing or an empty folder. */
  private static void requireEmptyTarget(Path out) {
    try {
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, out + " is a file; back up into a new or empty folder");
      }
      if (!BackupFiles.isEmptyOrMissing(out)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, out + " is not empty; back up into a new or empty folder");
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot read " + out + ": " + BackupFiles.reason(e));
    }
  }

  private static void removeOnFailure(Path out, boolean created) {
    if (!created) {
      return;
    }
    try {
      try (var ds = Files.newDirectoryStream(out)) {
        for (Path p : ds) {
          BackupFiles.deleteTree(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not remove the unfinished backup in {}: {}", out, e.toString());
    }
  }

  /** The database to back up, and whether this command started it (then it stops it at the end). */
  record Source(Database db, boolean embedded, boolean startedHere) implements AutoCloseable {

    static Source open(Path dataDir, String dbUrl) {
      if (dbUrl != null && !dbUrl.isBlank()) {
        return new Source(Database.external(dbUrl), false, false);
      }
      Path pg = dataDir.resolve("pg");
      var running = Database.running(pg);
      if (running.isPresent()) {
        LOG.info("backing up the running embedded server of {}", pg);
        return new Source(running.get(), true, false);
      }
      if (!Files.isRegularFile(pg.resolve("PG_VERSION"))) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            dataDir.toAbsolutePath()
                + " holds no embedded database (no pg/PG_VERSION); give the data folder with"
                + " --data-dir, or the server with --db-url");
      }
      LOG.info("no server runs on {}: starting the embedded one for the backup", pg);
      return new Source(Database.embedded(pg), true, true);
    }

    @Override
    public void close() {
      if (startedHere) {
        db.close();
      }
    }
  }
}
