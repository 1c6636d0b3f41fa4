package dev.assetgrid.coordinator.backup;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@code manifest.json} of a backup folder: what the backup holds and how to check it. Written
 * last, so a folder without it is an unfinished backup. Read strictly: an unknown member, a wrong
 * type or another format version is refused rather than half understood.
 *
 * @param version {@link #VERSION}
 * @param takenAt the database snapshot's time (server clock): the backup is the grid as of then
 * @param finishedAt when the backup was complete (local clock)
 * @param source where it came from
 * @param dump the database dump
 * @param store the blob store and whether the blobs themselves are in the folder
 * @param counts rows per table in the snapshot ({@code tenants}, {@code assets}, {@code
 *     assetFiles}, {@code jobs}, {@code tasks}, {@code apiKeys})
 * @param blobs every blob the dumped rows reference (refs above zero in the snapshot), by path
 */
public record BackupManifest(
    int version,
    Instant takenAt,
    Instant finishedAt,
    Source source,
    Dump dump,
    Store store,
    Map<String, Long> counts,
    List<Blob> blobs) {

  /** The {@code format} member: tells a backup manifest from any other JSON. */
  public static final String FORMAT = "assetgrid-backup";

  /** The manifest layout this code writes and reads. */
  public static final int VERSION = 1;

  /**
   * @param database the server, without credentials, e.g. {@code postgresql://127.0.0.1:5432/db}
   * @param embedded whether it was the embedded server of a data folder
   * @param serverVersion PostgreSQL's {@code server_version}, e.g. {@code 17.11}
   * @param schemaVersion the last assetgrid migration applied, e.g. {@code 4}
   * @param assetgrid the coordinator version that made the backup
   */
  public record Source(
      String database,
      boolean embedded,
      String serverVersion,
      String schemaVersion,
      String assetgrid) {}

  /**
   * @param file its name in the folder
   * @param format {@code custom} (pg_dump's archive format, read by pg_restore)
   * @param tool the pg_dump that wrote it, e.g. {@code pg_dump (PostgreSQL) 17.12}
   * @param toolMajor that pg_dump's major version (a restore needs a pg_restore at least as new)
   * @param sha256 of the file
   * @param size bytes
   */
  public record Dump(
      String file, String format, String tool, int toolMajor, String sha256, long size) {}

  /**
   * @param type {@code local} (a folder of files) or {@code s3}
   * @param blobsIncluded whether the blobs are copied into the backup's {@code blobs/} folder (the
   *     local store) or stay in the store and only the manifest names them (S3, where bucket
   *     versioning keeps what a later delete would remove)
   * @param location the store's root folder or {@code s3://bucket/prefix}
   */
  public record Store(String type, boolean blobsIncluded, String location) {
    public static final String LOCAL = "local";
    public static final String S3 = "s3";
  }

  /**
   * One stored blob; in JSON {@code tenant}, {@code kind} (as the {@code blobs} table says it:
   * {@code original}, {@code derivative}, {@code thumbnail}), {@code sha256}, {@code size} and
   * {@code path}.
   *
   * @param key the store's name of it: tenant, kind, sha256
   * @param size bytes
   */
  public record Blob(BlobKey key, long size) {
    public Blob {
      Objects.requireNonNull(key, "key");
    }

    /**
     * {@link BlobKey#path()}: where it lives below the local store's root, the S3 prefix, and the
     * backup's {@code blobs/}, with {@code /} separators.
     */
    public String path() {
      return key.path();
    }

    public String sha256() {
      return key.sha256();
    }
  }

  /** Total bytes of {@link #blobs()}. */
  public long blobBytes() {
    return blobs.stream().mapToLong(Blob::size).sum();
  }

  public JsonObject toJson() {
    JsonArray b = new JsonArray();
    for (Blob x : blobs) {
      b.add(
          new JsonObject()
              .put("tenant", x.key().tenant().toString())
              .put("kind", x.key().kind().dbName())
              .put("sha256", x.sha256())
              .put("size", x.size())
              .put("path", x.path()));
    }
    JsonObject c = new JsonObject();
    counts.forEach(c::put);
    c.put("blobs", (long) blobs.size()).put("blobBytes", blobBytes());
    return new JsonObject()
        .put("format", FORMAT)
        .put("version", version)
        .put("takenAt", takenAt.toString())
        .put("finishedAt", finishedAt.toString())
        .put(
            "source",
            new JsonObject()
                .put("database", source.database())
                .put("embedded", source.embedded())
                .put("serverVersion", source.serverVersion())
                .put("schemaVersion", source.schemaVersion())
                .put("assetgrid", source.assetgrid()))
        .put(
            "dump",
            new JsonObject()
                .put("file", dump.file())
                .put("format", dump.format())
                .put("tool", dump.tool())
                .put("toolMajor", dump.toolMajor())
                .put("sha256", dump.sha256())
                .put("size", dump.size()))
        .put(
            "store",
            new JsonObject()
                .put("type", store.type())
                .put("blobsIncluded", store.blobsIncluded())
                .put("location", store.location()))
        .put("counts", c)
        .put("blobs", b);
  }

  /** Parses {@code manifest.json}; INVALID_REQUEST naming the first thing wrong. */
  public static BackupManifest fromJson(String text) {
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw bad("", "is not a JSON object");
    }
    only(
        j,
        "",
        "format",
        "version",
        "takenAt",
        "finishedAt",
        "source",
        "dump",
        "store",
        "counts",
        "blobs");
    if (!FORMAT.equals(j.getValue("format"))) {
      throw bad("/format", "is not \"" + FORMAT + "\"");
    }
    int version = (int) number(j, "", "version");
    if (version != VERSION) {
      throw bad(
          "/version",
          "is " + version + "; this coordinator reads backups of format version " + VERSION);
    }
    JsonObject s = object(j, "", "source");
    only(s, "/source", "database", "embedded", "serverVersion", "schemaVersion", "assetgrid");
    JsonObject d = object(j, "", "dump");
    only(d, "/dump", "file", "format", "tool", "toolMajor", "sha256", "size");
    JsonObject st = object(j, "", "store");
    only(st, "/store", "type", "blobsIncluded", "location");
    JsonObject c = object(j, "", "counts");
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String k : c.fieldNames()) {
      if (!k.equals("blobs") && !k.equals("blobBytes")) {
        counts.put(k, number(c, "/counts", k));
      }
    }
    Object arr = j.getValue("blobs");
    if (!(arr instanceof JsonArray list)) {
      throw bad("/blobs", "is not an array");
    }
    List<Blob> blobs = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String at = "/blobs/" + i;
      if (!(list.getValue(i) instanceof JsonObject o)) {
        throw bad(at, "is not an object");
      }
      only(o, at, "tenant", "kind", "sha256", "size", "path");
      UUID tenant;
      try {
        tenant = UUID.fromString(text(o, at, "tenant"));
      } catch (IllegalArgumentException e) {
        throw bad(at + "/tenant", "is not a tenant id (a UUID)");
      }
      String kindName = text(o, at, "kind");
      BlobKind kind =
          Arrays.stream(BlobKind.values())
              .filter(k -> k.dbName().equals(kindName))
              .findFirst()
              .orElseThrow(
                  () -> bad(at + "/kind", "is not one of original, derivative, thumbnail"));
      String sha = text(o, at, "sha256");
      if (!BlobInfo.isSha256(sha)) {
        throw bad(at + "/sha256", "is not 64 lowercase hex characters");
      }
      Blob blob = new Blob(new BlobKey(tenant, kind, sha), number(o, at, "size"));
      // the path is what the tenant, kind and sha256 make it, so it cannot leave blobs/ either
      if (!text(o, at, "path").equals(blob.path())) {
        throw bad(
            at + "/path", "is not " + blob.path() + ", the path of its tenant, kind and sha256");
      }
      blobs.add(blob);
    }
    if (c.containsKey("blobs") && number(c, "/counts", "blobs") != blobs.size()) {
      throw bad("/counts/blobs", "does not match the " + blobs.size() + " entries of /blobs");
    }
    return new BackupManifest(
        version,
        instant(j, "", "takenAt"),
        instant(j, "", "finishedAt"),
        new Source(
            text(s, "/source", "database"),
            bool(s, "/source", "embedded"),
            text(s, "/source", "serverVersion"),
            text(s, "/source", "schemaVersion"),
            text(s, "/source", "assetgrid")),
        new Dump(
            text(d, "/dump", "file"),
            text(d, "/dump", "format"),
            text(d, "/dump", "tool"),
            (int) number(d, "/dump", "toolMajor"),
            text(d, "/dump", "sha256"),
            number(d, "/dump", "size")),
        new Store(
            text(st, "/store", "type"),
            bool(st, "/store", "blobsIncluded"),
            text(st, "/store", "location")),
        counts,
        blobs);
  }

  // ------------------------------------------------------------------ strict reading

  private static void only(JsonObject o, String at, String... names) {
    Set<String> allowed = Set.of(names);
    for (String k : o.fieldNames()) {
      if (!allowed.contains(k)) {
        throw bad(at + "/" + k, "is not a member of a version " + VERSION + " manifest");
      }
    }
  }

  private static JsonObject object(JsonObject o, String at, String name) {
    if (!(o.getValue(name) instanceof JsonObject v)) {
      throw bad(at + "/" + name, "is missing or not an object");
    }
    return v;
  }

  private static String text(JsonObject o, String at, String name) {
    if (!(o.getValue(name) instanceof String v)) {
      throw bad(at + "/" + name, "is missing or not a string");
    }
    return v;
  }

  private static boolean bool(JsonObject o, String at, String name) {
    if (!(o.getValue(name) instanceof Boolean v)) {
      throw bad(at + "/" + name, "is missing or not true/false");
    }
    return v;
  }

  private static long number(JsonObject o, String at, String name) {
    Object v = o.getValue(name);
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      throw bad(at + "/" + name, "is missing or not a whole number >= 0");
    }
    return n.longValue();
  }

  private static Instant instant(JsonObject o, String at, String name) {
    try {
      return Instant.parse(text(o, at, name));
    } catch (DateTimeParseException e) {
      throw bad(at + "/" + name, "is not an ISO-8601 instant");
    }
  }

  private static AssetGridException bad(String pointer, String what) {
    return new AssetGridException(
        ErrorCode.INVALID_REQUEST,
        "the backup's manifest.json is not valid: "
            + (pointer.isEmpty() ? "it" : pointer)
            + " "
            + what,
        Map.of("pointer", pointer),
        null);
  }
}
