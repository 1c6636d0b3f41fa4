package dev.assetgrid.coordinator.backup;

/** The {@code README.txt} of a backup folder: what it is and how to bring it back, for a person. */
final class BackupReadme {
  private BackupReadme() {}

  static String text(BackupManifest m) {
    String head =
        """
        assetgrid backup
        ================

        The grid as of %s (the database's clock): database %s (PostgreSQL %s,
        schema version %s), %d asset(s), %d job(s), %d blob(s) (%d bytes).
        Made by assetgrid %s, finished %s.

        %s  the database: %s, custom format (pg_restore --list shows it)
        %s  format version, times, source, counts, and per blob: tenant, kind, sha256,
                       size and path (<tenant>/<originals|derivatives|thumbnails>/ab/cd/<sha256>)
        """
            .formatted(
                m.takenAt(),
                m.source().database(),
                m.source().serverVersion(),
                m.source().schemaVersion(),
                m.counts().getOrDefault("assets", 0L),
                m.counts().getOrDefault("jobs", 0L),
                m.blobs().size(),
                m.blobBytes(),
                m.source().assetgrid(),
                m.finishedAt(),
                Backup.DUMP_FILE,
                m.dump().tool(),
                Backup.MANIFEST_FILE);
    String secrets =
        """
        Not in it: the data folder's secrets (admin.key, cluster.secret, tls/). Keep those apart;
        the database holds only hashes of the API keys, so the keys you have go on working.
        """;
    if (!m.store().blobsIncluded()) {
      return head
          + """
          %s     this note

          The blobs are NOT in this folder: they stay in %s, and only
          %s names them (each was in the bucket with its size when the backup ran).
          Keep versioning on for that bucket, with a lifecycle rule that keeps noncurrent
          versions for as long as you keep backups, so that a blob the purge deletes after this
          backup can still be brought back.

          Consistency: the dump and the manifest come from one database snapshot, and no blob it
          references was purged while the backup ran. Uploads that committed after the snapshot
          are not in this backup, entirely.

          %s
          Restore with the same --s3-* flags as the coordinator, into an empty data folder or an
          empty external database:
            java -jar assetgrid-coordinator.jar restore --from THIS_FOLDER --data-dir NEW_DATA \
                 --s3-bucket ... [--db-url postgresql://user:secret@host:5432/empty_db]
          The restore checks that every blob the manifest names is in the bucket before it
          writes the database; then start the coordinator on it with the same flags.
          """
              .formatted(Backup.README_FILE, m.store().location(), Backup.MANIFEST_FILE, secrets);
    }
    return head
        + """
        %s/         the blob(s) the database references, at their paths below the store's
                       root (%s), each checked against its sha256
        %s     this note

        Consistency: the dump and the manifest come from one database snapshot; every blob the
        dumped rows reference was copied after it and checked against its sha256. Uploads that
        committed after the snapshot are not in this backup, entirely.

        %s
        Restore into an empty data folder (a new embedded database is made there):
          java -jar assetgrid-coordinator.jar restore --from THIS_FOLDER --data-dir NEW_DATA
        or into an empty external database (blobs go to NEW_DATA/blobs):
          java -jar assetgrid-coordinator.jar restore --from THIS_FOLDER --data-dir NEW_DATA \\
               --db-url postgresql://user:secret@host:5432/empty_db
        then start the coordinator on NEW_DATA (and the same --db-url). The restore checks every
        blob's sha256 against %s before it writes the database.
        """
            .formatted(
                Backup.BLOBS_DIR,
                m.store().location(),
                Backup.README_FILE,
                secrets,
                Backup.MANIFEST_FILE);
  }
}
