package dev.assetgrid.coordinator.backup;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.store.BackupSnapshot;
import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coordinator.jar restore --from DIR}: a {@link Backup} back into an empty data folder (a
 * new embedded database is made in it) or an empty external database. A backup of the local store
 * brings its blobs into an empty local store (by default {@code DATA_DIR/blobs}), each at its
 * {@link BlobKey#path()}; a backup whose blobs stayed in a bucket is restored with that bucket's
 * {@link S3BlobStore}, after a HeadObject of every blob the manifest names has found it there with
 * its size. Blocking. Copying a local store's backup into a bucket is not built yet (refused in one
 * sentence).
 *
 * <p>Recipe: read the manifest strictly; check the dump against its sha256; refuse a target that is
 * not empty; find a pg_restore at least as new as the pg_dump that wrote the archive; copy every
 * blob into the store's folder, checking its sha256 and size against the manifest, or (S3) check
 * that the bucket holds each (a damaged backup or bucket is refused here, before the database is
 * touched); make the database (initdb for the embedded one) and {@code pg_restore
 * --single-transaction --exit-on-error} into it, so it is all there or not at all; check the schema
 * version. A failure removes what the restore made.
 */
public final class Restore {
  private static final Logger LOG = LoggerFactory.getLogger(Restore.class);

  /**
   * What an empty data folder may already hold: the secrets a backup leaves out, copied in by the
   * operator before the restore.
   */
  static final Set<String> SETTINGS = Set.of("admin.key", "cluster.secret", "tls");

  /**
   * @param from the backup folder
   * @param dataDir the data folder to restore into: blobs go to {@code blobs/}, the embedded
   *     database (without {@code dbUrl}) to {@code pg/}
   * @param dbUrl an empty external database to restore into, or null for a new embedded one
   * @param pgBin the folder holding pg_restore, or null to search (see {@link PgTools})
   * @param blobs the store to restore the blobs into: a {@link LocalBlobStore} whose root is
   *     missing or empty (only its {@link LocalBlobStore#root()} and {@link BlobStore#localPath}
   *     are used), or for a backup that left its blobs in a bucket, that bucket's {@link
   *     S3BlobStore}, started (only {@link BlobStore#stat} is used)
   */
  public record Request(Path from, Path dataDir, String dbUrl, Path pgBin, BlobStore blobs) {
    public Request {
      Objects.requireNonNull(blobs, "blobs");
    }
  }

  private Restore() {}

  /** Runs the restore; returns the backup's manifest. */
  public static BackupManifest run(Request r) {
    Path from = r.from().toAbsolutePath().normalize();
    Path dataDir = r.dataDir().toAbsolutePath().normalize();
    boolean external = r.dbUrl() != null && !r.dbUrl().isBlank();
    BackupManifest m = readManifest(from);
    LocalBlobStore local = r.blobs() instanceof LocalBlobStore l ? l : null;
    if (m.store().blobsIncluded() && local == null) {
      // TODO(s3): copy a local store's backup into the bucket (BlobStore.put of each file)
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "restoring into "
              + r.blobs().describe()
              + " is not built yet; restore into a local store");
    }
    if (!m.store().blobsIncluded() && !(r.blobs() instanceof S3BlobStore)) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "this backup holds no blobs (they stay in "
              + m.store().location()
              + "), so restore it with the --s3-* flags of that bucket");
    }
    Path blobRoot = local != null ? local.root() : null;
    Path dump = from.resolve(m.dump().file());
    verifyDump(m, dump);
    requireEmptyTarget(dataDir, external, blobRoot);
    if (local == null) {
      checkBucket(m, r.blobs());
    }
    Database target = external ? Database.external(r.dbUrl()) : null;
    if (external) {
      long relations = BackupSnapshot.userRelations(target);
      if (relations > 0) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "the database at "
                + target.describe()
                + " is not empty ("
                + relations
                + " tables, views or sequences); restore only into an empty database");
      }
    }
    PgTools.Tool pgRestore =
        new PgTools(r.pgBin())
            .require(
                "pg_restore", m.dump().toolMajor(), "the backup was written by " + m.dump().tool());

    Path pgDir = dataDir.resolve("pg");
    try {
      if (local != null) {
        BackupFiles files = new BackupFiles(blobRoot.getParent());
        copyBlobs(m, from.resolve(Backup.BLOBS_DIR), local, files);
        files.syncFolders();
      }
      if (!external) {
        target = Database.embedded(pgDir);
      }
      try {
        int major = BackupSnapshot.serverMajor(target);
        int sourceMajor = major(m.source().serverVersion());
        if (major < sourceMajor) {
          throw new AssetGridException(
              ErrorCode.INVALID_REQUEST,
              "the backup comes from PostgreSQL "
                  + m.source().serverVersion()
                  + " and cannot go into the older PostgreSQL "
                  + major
                  + " at "
                  + target.describe());
        }
        Path log = Files.createTempFile("assetgrid-pg_restore", ".log");
        long t0 = System.nanoTime();
        new PgTools(r.pgBin())
            .run(
                pgRestore,
                target,
                List.of(
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    dump.toString()),
                log);
        Files.deleteIfExists(log);
        LOG.info(
            "{} restored the database in {} ms",
            pgRestore.version(),
            (System.nanoTime() - t0) / 1_000_000);
        String schema = BackupSnapshot.schemaVersion(target);
        if (!m.source().schemaVersion().equals(schema)) {
          throw new AssetGridException(
              ErrorCode.STORE_UNAVAILABLE,
              "the restored database is at schema version "
                  + schema
                  + ", the backup's manifest says "
                  + m.source().schemaVersion());
        }
      } finally {
        if (!external) {
          target.close(); // stops the embedded server this restore started
        }
      }
      return m;
    } catch (IOException e) {
      removeOnFailure(blobRoot, external ? null : pgDir);
      throw new AssetGridException(
          ErrorCode.BLOB_IO_ERROR,
          "restoring into " + dataDir + " failed: " + BackupFiles.reason(e));
    } catch (RuntimeException e) {
      removeOnFailure(blobRoot, external ? null : pgDir);
      throw e;
    }
  }

  /**
   * BLOB_NOT_FOUND unless the bucket holds every blob of a backup that left them there, each with
   * its size; checked before the database is written, so a refused restore writes nothing.
   */
  private static void checkBucket(BackupManifest m, BlobStore store) {
    long t0 = System.nanoTime();
    List<BackupManifest.Blob> absent = BucketCheck.absent(m.blobs(), store);
    if (!absent.isEmpty()) {
      throw new AssetGridException(
          ErrorCode.BLOB_NOT_FOUND,
          absent.size()
              + " of the "
              + m.blobs().size()
              + " blob(s) the backup names are missing from "
              + store.describe()
              + " (the first: "
              + absent.get(0).path()
              + "): bring them back from the bucket's noncurrent versions, or give the bucket"
              + " the backup was made from; nothing was restored");
    }
    LOG.info(
        "all {} blob(s) of the backup are in {} ({} ms)",
        m.blobs().size(),
        store.describe(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The manifest of a finished backup in {@code from}; INVALID_REQUEST otherwise. */
  static BackupManifest readManifest(Path from) {
    if (!Files.isDirectory(from)) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "there is no backup folder " + from);
    }
    Path file = from.resolve(Backup.MANIFEST_FILE);
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          from + " holds no " + Backup.MANIFEST_FILE + ", so it is not a finished backup");
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot read " + file + ": " + BackupFiles.reason(e));
    }
    return BackupManifest.fromJson(text);
  }

  private static void verifyDump(BackupManifest m, Path dump) {
    try {
      if (!Files.isRegularFile(dump)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "the backup has no " + m.dump().file() + " beside its manifest");
      }
      if (Files.size(dump) != m.dump().size()
          || !BackupFiles.sha256(dump).equals(m.dump().sha256())) {
        throw new AssetGridException(
            ErrorCode.BLOB_CHECKSUM_MISMATCH,
            "the backup's "
                + m.dump().file()
                + " does not match the sha256 in its manifest (the backup is damaged); nothing was"
                + " restored");
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot read " + dump + ": " + BackupFiles.reason(e));
    }
  }

  /**
   * INVALID_REQUEST unless the target holds nothing a restore could clash with: for the embedded
   * database, a data folder that is missing or holds only {@link #SETTINGS}; in either case a
   * missing or empty blob store root.
   */
  private static void requireEmptyTarget(Path dataDir, boolean external, Path blobRoot) {
    try {
      if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, dataDir + " is a file, not a data folder");
      }
      if (!external && Files.exists(dataDir)) {
        requireOnlySettings(dataDir);
      }
      if (blobRoot != null && !BackupFiles.isEmptyOrMissing(blobRoot)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            blobRoot + " is not empty; restore only into an empty blob folder");
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot read " + dataDir + ": " + BackupFiles.reason(e));
    }
  }

  private static void requireOnlySettings(Path dataDir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
      for (Path p : ds) {
        if (!SETTINGS.contains(p.getFileName().toString())) {
          throw new AssetGridException(
              ErrorCode.INVALID_REQUEST,
              "the data folder "
                  + dataDir
                  + " is not empty (it holds "
                  + p.getFileName()
                  + "); restore only into an empty data folder");
        }
      }
    }
  }

  private static void copyBlobs(
      BackupManifest m, Path from, LocalBlobStore store, BackupFiles files) throws IOException {
    long t0 = System.nanoTime();
    for (BackupManifest.Blob b : m.blobs()) {
      BackupFiles.Copied got;
      try {
        got =
            files.copyVerified(
                from.resolve(b.path()),
                store.localPath(b.key()).orElseThrow(),
                b.sha256(),
                b.size());
      } catch (NoSuchFileException e) {
        throw new AssetGridException(
            ErrorCode.BLOB_NOT_FOUND,
            "the backup lacks blob "
                + b.sha256()
                + " (no "
                + Backup.BLOBS_DIR
                + "/"
                + b.path()
                + "), so it is damaged; nothing was restored");
      }
      if (!got.sha256().equals(b.sha256()) || got.size() != b.size()) {
        throw new AssetGridException(
            ErrorCode.BLOB_CHECKSUM_MISMATCH,
            "the backup's copy of blob "
                + b.sha256()
                + " does not match the sha256 in its manifest (the backup is damaged); nothing"
                + " was restored");
      }
    }
    LOG.info(
        "copied and verified {} blob(s), {} bytes, in {} ms",
        m.blobs().size(),
        m.blobBytes(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The major version of a {@code server_version} such as {@code 17.11} or {@code 18beta1}. */
  static int major(String serverVersion) {
    java.util.regex.Matcher mm = java.util.regex.Pattern.compile("^(\\d+)").matcher(serverVersion);
    return mm.find() ? Integer.parseInt(mm.group(1)) : 0;
  }

  private static void removeOnFailure(Path blobRoot, Path pgDir) {
    try {
      if (blobRoot != null) {
        BackupFiles.deleteTree(blobRoot);
      }
      if (pgDir != null) {
        BackupFiles.deleteTree(pgDir);
      }
    } catch (IOException e) {
      LOG.warn("could not remove what the failed restore made: {}", e.toString());
    }
  }
}
