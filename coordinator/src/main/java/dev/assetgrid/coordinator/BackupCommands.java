package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.backup.Backup;
import dev.assetgrid.coordinator.backup.BackupManifest;
import dev.assetgrid.coordinator.backup.Restore;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.blob.S3Options;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code backup} and {@code restore} subcommands of {@link CoordinatorMain}. A failure is one
 * sentence on stderr: exit code 2 for something the operator fixes (a non-empty target, a missing
 * backup, missing PostgreSQL tools: {@code INVALID_REQUEST}), 1 for everything else.
 */
final class BackupCommands {
  private static final Logger LOG = LoggerFactory.getLogger(BackupCommands.class);

  private BackupCommands() {}

  /** Options both commands share, with the coordinator's own variables. */
  static class Target {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "The coordinator's data folder (embedded database in pg/, local blobs in blobs/)."
                + " Default: ${DEFAULT-VALUE}. Env: ASSETGRID_DATA_DIR.",
        defaultValue = "${env:ASSETGRID_DATA_DIR:-" + CoordinatorConfig.DEFAULT_DATA_DIR_NAME + "}")
    Path dataDir;

    @Option(
        names = "--db-url",
        paramLabel = "URL",
        description =
            "External PostgreSQL, e.g. postgresql://user:secret@db:5432/assetgrid. Default: the"
                + " embedded database of --data-dir. Env: ASSETGRID_DB_URL.",
        defaultValue = "${env:ASSETGRID_DB_URL}")
    String dbUrl;

    @Option(
        names = "--pg-bin",
        paramLabel = "DIR",
        description =
            "Folder holding pg_dump and pg_restore (PostgreSQL 17 or newer). Default: the newest"
                + " in /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or PATH. Env: ASSETGRID_PG_BIN.",
        defaultValue = "${env:ASSETGRID_PG_BIN}")
    Path pgBin;

    /** {@code --s3-*}: the grid's bucket, as the coordinator takes it. */
    @CommandLine.Mixin S3Flags s3 = new S3Flags();

    /**
     * Runs {@code work} with the grid's blob store as the coordinator builds it: the bucket of
     * {@code --s3-*}, checked as at the coordinator's start (credentials found, bucket answers), or
     * the local store in {@code <data-dir>/blobs}. The S3 store stages nothing here, so it gets a
     * temporary staging folder rather than the running coordinator's {@code s3-staging} (which it
     * would empty). Store and Vert.x instance are closed again when {@code work} returns.
     */
    <T> T withBlobStore(Function<BlobStore, T> work) {
      S3Options bucket = s3.s3Options();
      Vertx vertx = Vertx.vertx();
      Path staging = null;
      BlobStore store = null;
      try {
        if (bucket != null) {
          staging = Files.createTempDirectory("assetgrid-backup-s3-staging");
          S3BlobStore s3Store = new S3BlobStore(vertx, bucket, staging);
          store = s3Store;
          await(s3Store.start());
        } else {
          store = new LocalBlobStore(vertx, dataDir.resolve(Backup.BLOBS_DIR));
        }
        return work.apply(store);
      } catch (IOException e) {
        throw new AssetGridException(
            ErrorCode.BLOB_IO_ERROR, "cannot make a temporary folder: " + e.getMessage(), e);
      } finally {
        if (store != null) {
          try {
            await(store.close());
          } catch (RuntimeException e) {
            LOG.warn("closing {} failed: {}", store.describe(), e.toString());
          }
        }
        await(vertx.close());
        if (staging != null) {
          try {
            try (var files = Files.walk(staging)) {
              for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
              }
            }
          } catch (IOException e) {
            LOG.warn("could not remove {}: {}", staging, e.toString());
          }
        }
      }
    }
  }

  /** Waits for {@code f} on this (non-event-loop) thread; its failure is thrown as it is. */
  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = {
        "Backs up the grid as of one instant into a new folder: the database (pg_dump, custom"
            + " format), manifest.json naming every blob the database references (tenant, kind,"
            + " sha256, size, path), and the blobs of the local store <data-dir>/blobs, each"
            + " checked against its sha256. With --s3-bucket the blobs stay in the bucket (keep"
            + " its versioning on) and each is checked there with its size. Works while the"
            + " coordinator runs and uploads go on (the blob purge waits); uploads that commit"
            + " after the snapshot are not in the backup."
      })
  static final class BackupCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "The backup folder: must not exist, or be empty.")
    Path out;

    @CommandLine.Mixin Target target = new Target();

    @Override
    public Integer call() {
      return report(
          spec,
          () -> {
            long t0 = System.nanoTime();
            BackupManifest m =
                target.withBlobStore(
                    blobs ->
                        Backup.create(
                            new Backup.Request(
                                out, target.dataDir, target.dbUrl, target.pgBin, blobs)));
            spec.commandLine()
                .getOut()
                .printf(
                    "backed up %d asset(s), %d job(s), %d blob(s) (%d bytes) as of %s into %s in"
                        + " %.1f s%n",
                    m.counts().getOrDefault("assets", 0L),
                    m.counts().getOrDefault("jobs", 0L),
                    m.blobs().size(),
                    m.blobBytes(),
                    m.takenAt(),
                    out.toAbsolutePath().normalize(),
                    (System.nanoTime() - t0) / 1e9);
          });
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = {
        "Restores a backup into an empty data folder (a new embedded database is made there) or,"
            + " with --db-url, into an empty external database with the blobs in <data-dir>/blobs;"
            + " every blob is checked against the manifest's sha256 before the database is written."
            + " A backup of a grid in S3 is restored with the same --s3-* flags: every blob it names"
            + " must be in the bucket with its size. Then start the coordinator on that data folder"
            + " (with those flags)."
      })
  static final class RestoreCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DIR",
        description = "The backup folder (made by backup).")
    Path from;

    @CommandLine.Mixin Target target = new Target();

    @Override
    public Integer call() {
      return report(
          spec,
          () -> {
            long t0 = System.nanoTime();
            BackupManifest m =
                target.withBlobStore(
                    blobs ->
                        Restore.run(
                            new Restore.Request(
                                from, target.dataDir, target.dbUrl, target.pgBin, blobs)));
            spec.commandLine()
                .getOut()
                .printf(
                    "restored %d asset(s), %d job(s), %d blob(s) (%d bytes), the grid as of %s,"
                        + " into %s in %.1f s%n",
                    m.counts().getOrDefault("assets", 0L),
                    m.counts().getOrDefault("jobs", 0L),
                    m.blobs().size(),
                    m.blobBytes(),
                    m.takenAt(),
                    target.dbUrl != null
                        ? target.dataDir.toAbsolutePath().normalize()
                            + " and "
                            + target.dbUrl.replaceAll("//[^@/]*@", "//")
                        : target.dataDir.toAbsolutePath().normalize(),
                    (System.nanoTime() - t0) / 1e9);
          });
    }
  }

  interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work}; a failure is one sentence and an exit code, never a stack trace. */
  static int report(CommandLine.Model.CommandSpec spec, Work work) {
    String name = spec.qualifiedName(" ");
    try {
      work.run();
      return 0;
    } catch (AssetGridException e) {
      LOG.debug("{} failed", name, e);
      spec.commandLine().getErr().println(name + ": " + e.getMessage());
      return e.code() == ErrorCode.INVALID_REQUEST ? 2 : 1;
    } catch (Exception e) {
      LOG.error("{} failed", name, e);
      spec.commandLine()
          .getErr()
          .println(name + ": failed on an internal error (the log above has the details)");
      return 1;
    }
  }
}
