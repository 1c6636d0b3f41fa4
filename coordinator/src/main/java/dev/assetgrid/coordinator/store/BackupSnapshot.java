package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One point in time of the database, shared by a backup's dump and its blob manifest: a {@code
 * REPEATABLE READ} transaction that exports its snapshot ({@code pg_export_snapshot()}) for {@code
 * pg_dump --snapshot} and reads, from the same snapshot, every blob the rows reference. Blocking
 * (JDBC); used by the {@code backup} command, never by a running coordinator.
 *
 * <p>Order of a backup: {@link #open} takes {@link #ADVISORY_LOCK} in shared mode, then begins the
 * transaction and exports the snapshot; the caller runs {@code pg_dump} while the transaction is
 * open, then {@link #endTransaction()} (a long-open snapshot would hold back vacuum of the churning
 * queue tables), copies the blobs, and only then {@link #close()} releases the lock.
 */
public final class BackupSnapshot implements AutoCloseable {

  /**
   * The advisory lock key (a PostgreSQL {@code bigint}; the ASCII of "agbackup") that guards blobs
   * against deletion while a backup copies them. A backup holds it in shared mode from before its
   * snapshot until its last blob is copied. Blobs are immutable and content-addressed, so copying
   * them after the snapshot is safe as long as none the snapshot references is deleted meanwhile,
   * and one is purgeable as soon as its last reference goes ({@code --purge-after} may be zero). So
   * whatever deletes blobs takes this key in exclusive mode, in the transaction that deletes them:
   * {@link BlobRefs#purge} calls {@code pg_try_advisory_xact_lock(ADVISORY_LOCK)} first and skips
   * its round when a backup holds it. Several backups can run at once; a backup that starts while a
   * purge holds the key waits until the purge's transaction ends, so its snapshot never names a
   * blob that purge deleted.
   */
  public static final long ADVISORY_LOCK = 0x6167_6261_636b_7570L;

  /** The blobs a row references (see {@link #blobReferences()}). */
  private static final String REFERENCED_BLOBS =
      "SELECT tenant_id, kind, sha256, size_bytes FROM blobs WHERE refs > 0";

  /** Rows per table, for the manifest and for a reader's sanity check after a restore. */
  private static final String COUNTS =
      """
      SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM assets),
             (SELECT count(*) FROM asset_files), (SELECT count(*) FROM jobs),
             (SELECT count(*) FROM tasks), (SELECT count(*) FROM api_keys)""";

  /**
   * A blob the snapshot's rows reference.
   *
   * @param key where the store keeps it (tenant, kind, sha256)
   * @param size bytes
   */
  public record BlobRef(BlobKey key, long size) {}

  private final Connection connection;
  private final String snapshotId;
  private final Instant takenAt;
  private final String serverVersion;
  private final int serverVersionNum;
  private final String schemaVersion;
  private boolean inTransaction = true;

  private BackupSnapshot(
      Connection connection,
      String snapshotId,
      Instant takenAt,
      String serverVersion,
      int serverVersionNum,
      String schemaVersion) {
    this.connection = connection;
    this.snapshotId = snapshotId;
    this.takenAt = takenAt;
    this.serverVersion = serverVersion;
    this.serverVersionNum = serverVersionNum;
    this.schemaVersion = schemaVersion;
  }

  /**
   * Connects, takes {@link #ADVISORY_LOCK} in shared mode (waiting for a purge that holds it),
   * begins a read-only {@code REPEATABLE READ} transaction and exports its snapshot.
   */
  public static BackupSnapshot open(Database db) {
    Connection c = null;
    try {
      c = connect(db);
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = 'assetgrid-backup'");
        st.execute("SELECT pg_advisory_lock_shared(" + ADVISORY_LOCK + ")");
      }
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      String id;
      Instant at;
      String version;
      int versionNum;
      try (Statement st = c.createStatement();
          // the first statement fixes the transaction's snapshot; everything below reads it
          ResultSet rs =
              st.executeQuery(
                  "SELECT pg_export_snapshot(), now(), current_setting('server_version'),"
                      + " current_setting('server_version_num')::int")) {
        rs.next();
        id = rs.getString(1);
        at = rs.getTimestamp(2).toInstant();
        version = rs.getString(3);
        versionNum = rs.getInt(4);
      }
      String schema = schemaVersion(c);
      if (schema == null) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "the database at "
                + db.describe()
                + " holds no assetgrid schema (no flyway_schema_history): nothing to back up");
      }
      return new BackupSnapshot(c, id, at, version, versionNum, schema);
    } catch (SQLException e) {
      closeQuietly(c);
      throw unavailable(db, e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** The exported snapshot's name, for {@code pg_dump --snapshot}. */
  public String id() {
    return snapshotId;
  }

  /**
   * The server's {@code now()} at the snapshot: what the backup holds is the state at this time.
   */
  public Instant takenAt() {
    return takenAt;
  }

  /** {@code server_version}, e.g. {@code 17.11}. */
  public String serverVersion() {
    return serverVersion;
  }

  /** The server's major version, e.g. 17. */
  public int serverMajor() {
    return serverVersionNum / 10_000;
  }

  /** The last Flyway migration applied, e.g. {@code 4}. */
  public String schemaVersion() {
    return schemaVersion;
  }

  /**
   * Every blob a row of the snapshot references, in no order: the {@code blobs} rows whose {@code
   * refs} is above zero (the V5 triggers keep it in the same transactions as the referencing rows
   * of {@code asset_files} and {@code task_outputs}, so the snapshot's counts match its rows).
   *
   * <p>Not the rows at zero: such a blob is garbage awaiting the purge, no row of the dump can read
   * it, and a restored grid would only purge it again. Its row is in the dump all the same; on the
   * restored grid the purge deletes that row (deleting bytes that are not there is a no-op), and an
   * upload of the same bytes before then stores them anew (the upload checks the store, not the
   * row).
   */
  public List<BlobRef> blobReferences() {
    requireTransaction();
    List<BlobRef> refs = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(REFERENCED_BLOBS)) {
      while (rs.next()) {
        BlobKey key =
            new BlobKey(
                (UUID) rs.getObject(1), BlobKind.ofDbName(rs.getString(2)), rs.getString(3).trim());
        refs.add(new BlobRef(key, rs.getLong(4)));
      }
      return refs;
    } catch (SQLException e) {
      throw new AssetGridException(
          ErrorCode.STORE_UNAVAILABLE, "reading the blob references failed: " + e.getMessage());
    }
  }

  /** Rows per table in the snapshot: tenants, assets, assetFiles, jobs, tasks, apiKeys. */
  public Map<String, Long> counts() {
    requireTransaction();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(COUNTS)) {
      rs.next();
      Map<String, Long> m = new LinkedHashMap<>();
      String[] names = {"tenants", "assets", "assetFiles", "jobs", "tasks", "apiKeys"};
      for (int i = 0; i < names.length; i++) {
        m.put(names[i], rs.getLong(i + 1));
      }
      return m;
    } catch (SQLException e) {
      throw new AssetGridException(
          ErrorCode.STORE_UNAVAILABLE, "counting rows failed: " + e.getMessage());
    }
  }

  /**
   * Ends the snapshot's transaction (once {@code pg_dump} has imported and finished with it); the
   * advisory lock stays until {@link #close()}.
   */
  public void endTransaction() {
    if (!inTransaction) {
      return;
    }
    inTransaction = false;
    try {
      connection.rollback();
    } catch (SQLException e) {
      throw new AssetGridException(
          ErrorCode.STORE_UNAVAILABLE, "ending the snapshot failed: " + e.getMessage());
    }
  }

  /** Ends the transaction if open and releases the advisory lock (by closing the session). */
  @Override
  public void close() {
    closeQuietly(connection);
  }

  private void requireTransaction() {
    if (!inTransaction) {
      throw new IllegalStateException("the snapshot's transaction has ended");
    }
  }

  // ------------------------------------------------------------------ shared with restore

  /**
   * Tables, views and sequences outside the system schemas: zero for a database a restore may write
   * into.
   */
  public static long userRelations(Database db) {
    try (Connection c = connect(db);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw unavailable(db, e);
    }
  }

  /** The server's major version (e.g. 17). */
  public static int serverMajor(Database db) {
    try (Connection c = connect(db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1) / 10_000;
    } catch (SQLException e) {
      throw unavailable(db, e);
    }
  }

  /** The schema version of an assetgrid database, or null when it has none. */
  public static String schemaVersion(Database db) {
    try (Connection c = connect(db)) {
      return schemaVersion(c);
    } catch (SQLException e) {
      throw unavailable(db, e);
    }
  }

  private static String schemaVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return null;
      }
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                    + " ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static Connection connect(Database db) throws SQLException {
    return DriverManager.getConnection(
        db.jdbcUrl(), db.connectOptions().getUser(), db.connectOptions().getPassword());
  }

  private static AssetGridException unavailable(Database db, SQLException e) {
    return new AssetGridException(
        ErrorCode.STORE_UNAVAILABLE,
        "cannot read the database at " + db.describe() + ": " + firstLine(e.getMessage()),
        e);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no reason given";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // the server ends the transaction and frees the session's locks with the connection
    }
  }
}
