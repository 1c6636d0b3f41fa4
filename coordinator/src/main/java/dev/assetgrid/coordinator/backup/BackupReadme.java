package dev.assetgrid.coordinator.backup;

/** The {@code README.txt} of a backup folder: what it is and how to bring it back, for a person. */
final class BackupReadme {
  private BackupReadme() {}

  static String text(BackupManifest m) {
    String blobs =
        m.store().blobsIncluded()
            ? Backup.BLOBS_DIR
                + "/        the "
                + m.blobs().size()
                + " blob(s) ("
                + m.blobBytes()
                + " bytes) the database references, at their paths\n"
                + "                below the store's root ("
                + m.store().location()
                + ")\n"
            : "(no blobs)    the blobs stay in "
                + m.store().location()
                + ": only "
                + Backup.MANIFEST_FILE
                + " names them.\n"
                + "              Keep bucket versioning on (and a lifecycle rule that keeps\n"
                + "              noncurrent versions for as long as you keep backups), so a blob\n"
                + "              deleted after this backup can still be brought back.\n";
    return "assetgrid backup\n"
        + "================\n\n"
        + "The grid as of "
        + m.takenAt()
        + " (the database's clock): database "
        + m.source().database()
        + " (PostgreSQL "
        + m.source().serverVersion()
        + ", schema version "
        + m.source().schemaVersion()
        + "),\n"
        + m.counts().getOrDefault("assets", 0L)
        + " asset(s), "
        + m.counts().getOrDefault("jobs", 0L)
        + " job(s), "
        + m.blobs().size()
        + " blob(s). Made by assetgrid "
        + m.source().assetgrid()
        + ", finished "
        + m.finishedAt()
        + ".\n\n"
        + Backup.DUMP_FILE
        + "  the database: "
        + m.dump().tool()
        + ", custom format (pg_restore --list "
        + Backup.DUMP_FILE
        + " shows it)\n"
        + Backup.MANIFEST_FILE
        + "  format version, times, source, counts, and per blob: path, sha256, size\n"
        + blobs
        + Backup.README_FILE
        + "     this note\n\n"
        + "Consistency: the dump and the manifest come from one database snapshot; every blob the\n"
        + "dumped rows reference was copied after it and checked against its sha256. Uploads that\n"
        + "committed after the snapshot are not in this backup, entirely.\n\n"
        + "Not in it: the data folder's secrets (admin.key, cluster.secret, tls/). Keep those apart;\n"
        + "the database holds only hashes of the API keys, so the keys you have go on working.\n\n"
        + "Restore into an empty data folder (a new embedded database is made there):\n"
        + "  java -jar assetgrid-coordinator.jar restore --from THIS_FOLDER --data-dir NEW_DATA\n"
        + "or into an empty external database (blobs go to NEW_DATA/blobs):\n"
        + "  java -jar assetgrid-coordinator.jar restore --from THIS_FOLDER --data-dir NEW_DATA \\\n"
        + "       --db-url postgresql://user:secret@host:5432/empty_db\n"
        + "then start the coordinator on NEW_DATA (and the same --db-url). The restore checks every\n"
        + "blob's sha256 against "
        + Backup.MANIFEST_FILE
        + " before it writes the database.\n";
  }
}
