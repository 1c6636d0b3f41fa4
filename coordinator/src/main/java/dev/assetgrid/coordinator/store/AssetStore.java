package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.Integrity;
import dev.assetgrid.coordinator.blob.StoredBlob;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.pipeline.PlannedTask;
import dev.assetgrid.shared.state.JobState;
import dev.assetgrid.shared.state.TaskState;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Assets, their files and jobs in PostgreSQL. A job is always written with its tasks, atomically;
 * the tasks are what the {@link Planner} the store is given plans for the job's pipeline and asset.
 */
public final class AssetStore {

  /**
   * Plans the tasks of a job over an asset of {@code format} (the coordinator's {@code
   * JobPlanner::plan}).
   */
  @FunctionalInterface
  public interface Planner {
    List<PlannedTask> plan(PipelineSpec pipeline, ModelFormat format);
  }

  /** A blob that belongs to a new asset. */
  public record NewFile(String name, String role, String sha256, long size, String contentType) {}

  public record NewAsset(
      String name,
      ModelFormat format,
      String sha256,
      long size,
      List<String> tags,
      List<NewFile> files) {}

  private final Pool pool;
  private final int maxAttempts;
  private final Planner planner;
  private final EventPublisher publisher;
  private final Quotas quotas;

  /**
   * @param pool the general (durable) pool
   * @param maxAttempts the attempts each new task may use
   * @param planner plans the tasks of each new job
   * @param publisher receives the job events of every committed change
   * @param quotas each tenant's quotas where its own row sets none
   */
  /**
   * Checks, inside an upload's transaction, that the bytes it references are still stored: adding
   * the references waited for the blob rows' locks, which the blob purge holds while it deletes
   * objects, so a blob that is still there now stays until the references are gone again. Set by
   * the coordinator; null (tests of the SQL alone) = no check.
   */
  private volatile BlobStore verifyIn;

  /** Verify uploads against {@code blobs} (see {@link #stillStored}). */
  public AssetStore verifyingBlobsIn(BlobStore blobs) {
    this.verifyIn = blobs;
    return this;
  }

  private Future<Void> stillStored(UUID tenant, List<NewFile> files) {
    BlobStore blobs = verifyIn;
    if (blobs == null) {
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (NewFile f : files) {
      BlobKey key = new BlobKey(tenant, BlobKind.ORIGINAL, f.sha256());
      chain =
          chain.compose(
              v ->
                  blobs
                      .stat(key)
                      .compose(
                          st ->
                              st.isPresent()
                                  ? Future.<Void>succeededFuture()
                                  : Future.failedFuture(
                                      new AssetGridException(
                                          ErrorCode.STORAGE_UNAVAILABLE,
                                          "the stored copy of "
                                              + f.name()
                                              + " was removed while the upload finished (a purge"
                                              + " of the same bytes ran at once); send it again"))));
    }
    return chain;
  }

  /**
   * Deletes an asset of the actor's tenant at once, with its files, jobs, tasks and events (one
   * transaction, audited); the tenant's usage gives back its uploaded bytes. The blobs it was the
   * last to reference are left to the blob purge, after its grace period. False when the tenant has
   * no such asset.
   */
  public Future<Boolean> deleteAsset(Actor actor, UUID id) {
    UUID tenant = actor.tenant();
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    """
                        SELECT a.name, (SELECT coalesce(sum(size_bytes), 0) FROM asset_files f
                                         WHERE f.asset_id = a.id AND f.role IN ('original', 'side')) AS bytes
                          FROM assets a WHERE a.id = $1 AND a.tenant_id = $2 FOR UPDATE""")
                .execute(Tuple.of(id, tenant))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      Row r = rs.iterator().next();
                      long bytes = r.getLong("bytes");
                      return conn.preparedQuery("DELETE FROM assets WHERE id = $1")
                          .execute(Tuple.of(id))
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          """
                                              UPDATE tenants SET stored_bytes = greatest(0, stored_bytes - $2),
                                                     asset_count = greatest(0, asset_count - 1), updated_at = now()
                                               WHERE id = $1""")
                                      .execute(Tuple.of(tenant, bytes)))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn,
                                      actor,
                                      "asset",
                                      List.of(id.toString()),
                                      new JsonObject()
                                          .put("name", r.getString("name"))
                                          .put("bytes", bytes)))
                          .map(true);
                    }));
  }

  /**
   * Changes an asset's name, tags and descriptive {@code info} (a JSON merge patch, RFC 7396: a
   * member set to null is removed), audited, in one statement; null arguments are left alone. The
   * asset as it is now, or empty when the tenant has no such asset.
   */
  public Future<Optional<JsonObject>> patchAsset(
      Actor actor, UUID id, String name, List<String> tags, JsonObject infoPatch) {
    UUID tenant = actor.tenant();
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    """
                    UPDATE assets SET name = coalesce($3, name), tags = coalesce($4, tags),
                           info = CASE WHEN $5::jsonb IS NULL THEN info
                                       ELSE jsonb_strip_nulls(info || $5::jsonb) END,
                           updated_at = now()
                     WHERE id = $1 AND tenant_id = $2 RETURNING *""")
                .execute(
                    Tuple.of(
                        id,
                        tenant,
                        name,
                        tags == null ? null : tags.toArray(new String[0]),
                        infoPatch))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(Optional.<JsonObject>empty());
                      }
                      JsonObject detail = new JsonObject();
                      if (name != null) {
                        detail.put("name", name);
                      }
                      if (tags != null) {
                        detail.put("tags", new JsonArray(tags));
                      }
                      if (infoPatch != null) {
                        detail.put("info", infoPatch.fieldNames().stream().sorted().toList());
                      }
                      JsonObject asset = assetJson(rs.iterator().next());
                      return AuditLog.record(conn, actor, "asset", List.of(id.toString()), detail)
                          .map(v -> Optional.of(asset));
                    }));
  }

  public AssetStore(
      Pool pool, int maxAttempts, Planner planner, EventPublisher publisher, Quotas quotas) {
    this.pool = pool;
    this.maxAttempts = maxAttempts;
    this.planner = planner;
    this.publisher = publisher;
    this.quotas = quotas;
  }

  /**
   * Inserts the asset, its files, a job and the job's tasks in one transaction, within the tenant's
   * quotas (stored bytes and assets: counted on the tenant's row, whose lock orders concurrent
   * uploads; active jobs). Returns {asset, job}.
   */
  public Future<JsonObject> createAssetWithJob(Actor actor, NewAsset a, PipelineSpec pipeline) {
    return createAssetWithJob(actor, a, pipeline, null);
  }

  /**
   * As {@link #createAssetWithJob(Actor, NewAsset, PipelineSpec)}, with {@code also} run in the
   * same transaction once the asset row is in (given the connection and the new asset's id): what
   * else must commit with the asset or not at all (a direct upload marked completed, say).
   */
  public Future<JsonObject> createAssetWithJob(
      Actor actor, NewAsset a, PipelineSpec pipeline, WithAsset also) {
    UUID assetId = Ids.newId();
    UUID tenant = actor.tenant();
    long bytes = a.files().stream().mapToLong(NewFile::size).sum();
    UUID jobId = Ids.newId();
    return EventBatch.inTransaction(
            pool,
            publisher,
            (conn, events) ->
                chargeUpload(conn, tenant, bytes)
                    .compose(v -> checkActiveJobs(conn, tenant, 1))
                    .compose(
                        v ->
                            conn.preparedQuery(
                                    """
            INSERT INTO assets (id, tenant_id, name, format, sha256, size_bytes, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                                .execute(
                                    Tuple.of(
                                        assetId,
                                        tenant,
                                        a.name(),
                                        a.format().wire(),
                                        a.sha256(),
                                        a.size(),
                                        a.tags().toArray(new String[0]))))
                    .compose(
                        v -> {
                          List<Tuple> rows = new ArrayList<>();
                          for (NewFile f : a.files()) {
                            rows.add(
                                Tuple.of(
                                    assetId,
                                    f.name(),
                                    f.role(),
                                    f.sha256(),
                                    f.size(),
                                    f.contentType(),
                                    tenant));
                          }
                          return conn.preparedQuery(
                                  """
              INSERT INTO asset_files (asset_id, name, role, sha256, size_bytes, content_type, kind, tenant_id)
              VALUES ($1, $2, $3, $4, $5, $6, 'original', $7) ON CONFLICT DO NOTHING""")
                              .executeBatch(rows);
                        })
                    .compose(v -> stillStored(tenant, a.files()))
                    .compose(
                        v ->
                            also == null
                                ? Future.<Void>succeededFuture()
                                : also.apply(conn, assetId, jobId))
                    .compose(
                        v -> {
                          NewJob job = new NewJob(jobId, assetId, a.format(), pipeline);
                          return insertJobs(conn, tenant, List.of(job), events);
                        })
                    .compose(
                        v ->
                            AuditLog.record(
                                conn,
                                actor,
                                "asset",
                                List.of(assetId.toString(), jobId.toString()),
                                new JsonObject().put("name", a.name()).put("bytes", bytes))))
        .compose(
            v ->
                getAsset(tenant, assetId)
                    .compose(
                        asset ->
                            getJob(tenant, jobId)
                                .map(
                                    job ->
                                        new JsonObject()
                                            .put("asset", asset.orElseThrow())
                                            .put("job", job.orElseThrow()))));
  }

  /** What must commit with a new asset and its job, or not at all (given their ids). */
  @FunctionalInterface
  public interface WithAsset {
    Future<Void> apply(io.vertx.sqlclient.SqlConnection conn, UUID assetId, UUID jobId);
  }

  /** A new job over an existing asset of the actor's tenant; empty when there is no such asset. */
  public Future<Optional<UUID>> createJob(Actor actor, UUID assetId, PipelineSpec pipeline) {
    UUID tenant = actor.tenant();
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            markProcessing(conn, tenant, List.of(assetId))
                .compose(
                    formats -> {
                      if (formats.isEmpty()) {
                        return Future.succeededFuture(Optional.<UUID>empty());
                      }
                      NewJob job = new NewJob(Ids.newId(), assetId, formats.get(assetId), pipeline);
                      return checkActiveJobs(conn, tenant, 1)
                          .compose(v -> insertJobs(conn, tenant, List.of(job), events))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn,
                                      actor,
                                      "job",
                                      List.of(job.id().toString(), assetId.toString()),
                                      null))
                          .map(v -> Optional.of(job.id()));
                    }));
  }

  /**
   * What a download of a derivative the retention rule dropped set going.
   *
   * @param jobId the job making the asset's dropped derivatives again
   * @param started whether this call started it (false: it was already queued or running)
   */
  public record Regeneration(UUID jobId, boolean started) {}

  /**
   * Makes a dropped derivative again: re-runs the pipeline of the job that made it (the asset's
   * latest job if that one is gone), once. The asset row's lock orders concurrent downloads, so
   * while the regeneration job ({@code assets.regen_job_id}) is queued or running every caller gets
   * that job; after it ended without bringing the file back (it failed), the next call starts
   * another. Empty when the tenant has no such asset or {@code name} is not one of its dropped
   * derivatives. The job is audited as {@code actor}'s (the action {@code derivative.regenerate}).
   */
  public Future<Optional<Regeneration>> regenerate(Actor actor, UUID assetId, String name) {
    UUID tenant = actor.tenant();
    Actor regen = new Actor(actor.principal(), actor.requestId(), "derivative.regenerate");
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    """
                    SELECT a.format, a.regen_job_id, rj.state AS regen_state,
                           EXISTS (SELECT 1 FROM asset_files f WHERE f.asset_id = a.id AND f.name = $3) AS present,
                           (SELECT coalesce(
                                     (SELECT j.pipeline FROM jobs j WHERE j.id = (e->>'job')::uuid),
                                     (SELECT j.pipeline FROM jobs j WHERE j.asset_id = a.id ORDER BY j.created_at DESC LIMIT 1))
                              FROM jsonb_array_elements(a.dropped_derivatives) e WHERE e->>'name' = $3 LIMIT 1) AS pipeline
                      FROM assets a LEFT JOIN jobs rj ON rj.id = a.regen_job_id
                     WHERE a.id = $1 AND a.tenant_id = $2
                       FOR UPDATE OF a""")
                .execute(Tuple.of(assetId, tenant, name))
                .compose(
                    rs -> {
                      Row r = rs.size() == 0 ? null : rs.iterator().next();
                      if (r == null || r.getValue("pipeline") == null) {
                        return Future.succeededFuture(Optional.<Regeneration>empty());
                      }
                      UUID running = r.getUUID("regen_job_id");
                      String state = r.getString("regen_state");
                      if (r.getBoolean("present")
                          || (running != null && !JobState.fromWire(state).terminal())) {
                        // back already (a regeneration finished just now), or on its way
                        return Future.succeededFuture(
                            Optional.of(new Regeneration(running, false)));
                      }
                      PipelineSpec pipeline = PipelineSpec.parse(r.getValue("pipeline").toString());
                      NewJob job =
                          new NewJob(
                              Ids.newId(),
                              assetId,
                              ModelFormat.fromWire(r.getString("format")),
                              pipeline);
                      return markProcessing(conn, tenant, List.of(assetId))
                          .compose(v -> checkActiveJobs(conn, tenant, 1))
                          .compose(v -> insertJobs(conn, tenant, List.of(job), events))
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          "UPDATE assets SET regen_job_id = $2 WHERE id = $1")
                                      .execute(Tuple.of(assetId, job.id())))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn,
                                      regen,
                                      "job",
                                      List.of(job.id().toString(), assetId.toString()),
                                      new JsonObject().put("file", name)))
                          .map(v -> Optional.of(new Regeneration(job.id(), true)));
                    }));
  }

  /** Most jobs one {@link #createJobs} call (one {@code POST /v1/jobs}) may create. */
  public static final int MAX_BULK_JOBS = 1_000;

  /**
   * One new job per entry of {@code assetIds} (an id may repeat: each entry is a job), all in one
   * transaction, answered as {@code {"jobs":[{"asset":id,"job":id}, ...]}} in entry order. Every
   * asset must exist, else nothing is created and the future fails with {@code NOT_FOUND} whose
   * details list the {@code missing} ids. With an {@code idempotencyKey} the answer is stored in
   * the same transaction under ({@code key}, POST, {@code path}); a key that is already stored
   * fails the call with {@code CONFLICT} (detail {@code idempotencyKey}) and creates nothing, so
   * two concurrent requests with one key cannot both create jobs.
   */
  public Future<JsonObject> createJobs(
      Actor actor, List<UUID> assetIds, PipelineSpec pipeline, String idempotencyKey, String path) {
    UUID tenant = actor.tenant();
    if (assetIds.isEmpty()) {
      return Future.failedFuture(
          new AssetGridException(ErrorCode.INVALID_REQUEST, "no assets given"));
    }
    if (assetIds.size() > MAX_BULK_JOBS) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              assetIds.size() + " jobs in one request; at most " + MAX_BULK_JOBS));
    }
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            markProcessing(conn, tenant, new LinkedHashSet<>(assetIds))
                .compose(
                    formats -> {
                      List<String> missing =
                          assetIds.stream()
                              .filter(id -> !formats.containsKey(id))
                              .distinct()
                              .map(UUID::toString)
                              .toList();
                      if (!missing.isEmpty()) {
                        String shown =
                            String.join(", ", missing.subList(0, Math.min(missing.size(), 10)))
                                + (missing.size() > 10
                                    ? " and " + (missing.size() - 10) + " more"
                                    : "");
                        return Future.failedFuture(
                            new AssetGridException(
                                ErrorCode.NOT_FOUND,
                                "no job was created: "
                                    + missing.size()
                                    + " asset(s) do not exist: "
                                    + shown,
                                Map.of("missing", missing),
                                null));
                      }
                      List<NewJob> jobs = new ArrayList<>(assetIds.size());
                      JsonArray reply = new JsonArray();
                      for (UUID assetId : assetIds) {
                        NewJob job =
                            new NewJob(Ids.newId(), assetId, formats.get(assetId), pipeline);
                        jobs.add(job);
                        reply.add(
                            new JsonObject()
                                .put("asset", assetId.toString())
                                .put("job", job.id().toString()));
                      }
                      JsonObject body = new JsonObject().put("jobs", reply);
                      // the key first: a request that lost a race for it fails before writing any
                      // job row
                      Future<Void> remembered =
                          idempotencyKey == null
                              ? Future.succeededFuture()
                              : rememberReply(
                                  conn, tenant, idempotencyKey, "POST", path, 202, body);
                      return remembered
                          .compose(v -> checkActiveJobs(conn, tenant, jobs.size()))
                          .compose(v -> insertJobs(conn, tenant, jobs, events))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn,
                                      actor,
                                      "job",
                                      jobs.stream().map(j -> j.id().toString()).toList(),
                                      new JsonObject().put("jobs", jobs.size())))
                          .map(body);
                    }));
  }

  /**
   * Sets the assets' status to processing, locking their rows in id order (so concurrent callers
   * cannot deadlock) against a concurrent change; returns the format of each asset of the tenant
   * that exists.
   */
  private static Future<Map<UUID, ModelFormat>> markProcessing(
      SqlConnection conn, UUID tenant, Collection<UUID> assetIds) {
    return conn.preparedQuery(
            """
            UPDATE assets a SET status = 'processing', updated_at = now()
              FROM (SELECT id FROM assets WHERE id = ANY($1::uuid[]) AND tenant_id = $2 ORDER BY id FOR UPDATE) l
             WHERE a.id = l.id
            RETURNING a.id, a.format""")
        .execute(Tuple.of(assetIds.toArray(new UUID[0]), tenant))
        .map(
            rs -> {
              Map<UUID, ModelFormat> formats = new HashMap<>();
              for (Row r : rs) {
                formats.put(r.getUUID("id"), ModelFormat.fromWire(r.getString("format")));
              }
              return formats;
            });
  }

  /**
   * Adds an upload to the tenant's usage, locking the tenant's row until the transaction ends (so
   * concurrent uploads are counted one after the other and cannot pass a quota together); fails
   * with {@code QUOTA_EXCEEDED} naming the quota when the upload would pass one.
   */
  private Future<Void> chargeUpload(SqlConnection conn, UUID tenant, long bytes) {
    return conn.preparedQuery(
            """
            UPDATE tenants SET stored_bytes = stored_bytes + $2, asset_count = asset_count + 1, updated_at = now()
             WHERE id = $1
            RETURNING stored_bytes, asset_count, coalesce(max_stored_bytes, $3) AS max_bytes,
                      coalesce(max_assets, $4) AS max_assets""")
        .execute(Tuple.of(tenant, bytes, quotas.storedBytes(), quotas.assets()))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.failedFuture(
                    new AssetGridException(ErrorCode.FORBIDDEN, "the key's tenant does not exist"));
              }
              Row r = rs.iterator().next();
              Long maxBytes = r.getLong("max_bytes");
              Long maxAssets = r.getLong("max_assets");
              if (maxBytes != null && r.getLong("stored_bytes") > maxBytes) {
                return Future.failedFuture(
                    quotaExceeded(
                        "storedBytes", maxBytes, r.getLong("stored_bytes") - bytes, bytes));
              }
              if (maxAssets != null && r.getLong("asset_count") > maxAssets) {
                return Future.failedFuture(
                    quotaExceeded("assets", maxAssets, r.getLong("asset_count") - 1, 1));
              }
              return Future.succeededFuture();
            });
  }

  /**
   * Fails with {@code QUOTA_EXCEEDED} when the tenant is already at its asset quota, or an upload
   * of {@code bytes} (null: not known yet) cannot fit its byte quota: a cheap read before any byte
   * is received. The upload's transaction checks again ({@link #chargeUpload}), under a lock.
   */
  public Future<Void> precheckUpload(UUID tenant, Long bytes) {
    if (quotas.storedBytes() == null && quotas.assets() == null) {
      // only tenants with quotas of their own can be over one
      return pool.preparedQuery(
              "SELECT stored_bytes, asset_count, max_stored_bytes AS max_bytes, max_assets"
                  + " FROM tenants WHERE id = $1 AND (max_stored_bytes IS NOT NULL OR max_assets IS NOT NULL)")
          .execute(Tuple.of(tenant))
          .compose(rs -> precheck(rs, bytes));
    }
    return pool.preparedQuery(
            "SELECT stored_bytes, asset_count, coalesce(max_stored_bytes, $2) AS max_bytes,"
                + " coalesce(max_assets, $3) AS max_assets FROM tenants WHERE id = $1")
        .execute(Tuple.of(tenant, quotas.storedBytes(), quotas.assets()))
        .compose(rs -> precheck(rs, bytes));
  }

  private static Future<Void> precheck(io.vertx.sqlclient.RowSet<Row> rs, Long bytes) {
    if (rs.size() == 0) {
      return Future.succeededFuture();
    }
    Row r = rs.iterator().next();
    Long maxBytes = r.getLong("max_bytes");
    Long maxAssets = r.getLong("max_assets");
    long used = r.getLong("stored_bytes");
    long assets = r.getLong("asset_count");
    if (maxAssets != null && assets + 1 > maxAssets) {
      return Future.failedFuture(quotaExceeded("assets", maxAssets, assets, 1));
    }
    long asked = bytes == null ? 1 : bytes;
    if (maxBytes != null && used + asked > maxBytes) {
      return Future.failedFuture(quotaExceeded("storedBytes", maxBytes, used, asked));
    }
    return Future.succeededFuture();
  }

  /**
   * Fails with {@code QUOTA_EXCEEDED} when {@code more} new jobs would pass the tenant's quota of
   * jobs queued or running. Without such a quota this costs one indexed read; with one, the
   * tenant's row is locked so concurrent submissions are counted one after the other.
   */
  private Future<Void> checkActiveJobs(SqlConnection conn, UUID tenant, int more) {
    return conn.preparedQuery(
            "SELECT coalesce(max_active_jobs, $2) AS max FROM tenants WHERE id = $1")
        .execute(Tuple.of(tenant, quotas.activeJobs()))
        .compose(
            rs -> {
              Long max = rs.size() == 0 ? null : rs.iterator().next().getLong("max");
              if (max == null) {
                return Future.succeededFuture();
              }
              return conn.preparedQuery(
                      """
                      SELECT (SELECT count(*) FROM jobs WHERE tenant_id = $1 AND state IN ('queued', 'running')) AS n
                        FROM tenants WHERE id = $1 FOR UPDATE""")
                  .execute(Tuple.of(tenant))
                  .compose(
                      c -> {
                        long active = c.iterator().next().getLong("n");
                        return active + more > max
                            ? Future.failedFuture(quotaExceeded("activeJobs", max, active, more))
                            : Future.<Void>succeededFuture();
                      });
            });
  }

  private static AssetGridException quotaExceeded(String quota, long limit, long used, long asked) {
    return new AssetGridException(
        ErrorCode.QUOTA_EXCEEDED,
        "the tenant's "
            + quota
            + " quota is "
            + limit
            + "; it uses "
            + used
            + " and this request needs "
            + asked
            + " more",
        Map.of("quota", quota, "limit", limit, "used", used, "requested", asked),
        null);
  }

  /** A job to insert: its id, the asset it runs over (and that asset's format) and its pipeline. */
  private record NewJob(UUID id, UUID assetId, ModelFormat format, PipelineSpec pipeline) {}

  /**
   * Inserts jobs with the tasks the {@link Planner} plans for each and records their {@code
   * job.created} events: two statements whatever the number of jobs.
   *
   * <p>Design note: rows go in as parallel arrays through {@code unnest}, one statement per table.
   * Several times faster than a statement per row or {@code executeBatch} (figures in
   * bench/README.md, "Design history"). A task's {@code depends_on} travels as an array literal in
   * a {@code text[]} because PostgreSQL arrays cannot be ragged.
   */
  private Future<Void> insertJobs(
      SqlConnection conn, UUID tenant, List<NewJob> jobs, EventBatch events) {
    int n = jobs.size();
    UUID[] jobIds = new UUID[n];
    UUID[] assetIds = new UUID[n];
    String[] pipelines = new String[n];
    Integer[] tasksTotal = new Integer[n];
    List<UUID> taskIds = new ArrayList<>();
    List<UUID> taskJobs = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> params = new ArrayList<>();
    List<String> states = new ArrayList<>();
    List<String> dependsOn = new ArrayList<>();
    List<Integer> pendingDeps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NewJob job = jobs.get(i);
      List<PlannedTask> plan = planner.plan(job.pipeline(), job.format());
      jobIds[i] = job.id();
      assetIds[i] = job.assetId();
      pipelines[i] = job.pipeline().toJson().toString();
      tasksTotal[i] = plan.size();
      for (PlannedTask t : plan) {
        taskIds.add(t.id());
        taskJobs.add(job.id());
        types.add(t.type().wire());
        names.add(t.name());
        params.add(t.params().toString());
        states.add(t.dependsOn().isEmpty() ? "queued" : "pending");
        dependsOn.add(
            t.dependsOn().stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}")));
        pendingDeps.add(t.dependsOn().size());
      }
    }
    return conn.preparedQuery(
            """
            INSERT INTO jobs (id, tenant_id, asset_id, pipeline, state, tasks_total)
            SELECT id, $5, asset_id, pipeline::jsonb, 'queued', tasks_total
              FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) AS j(id, asset_id, pipeline, tasks_total)""")
        .execute(Tuple.of(jobIds, assetIds, pipelines, tasksTotal, tenant))
        .compose(
            v ->
                conn.preparedQuery(
                        """
            INSERT INTO tasks (id, job_id, type, name, params, state, depends_on, pending_deps, max_attempts)
            SELECT id, job_id, type, name, params::jsonb, state, depends_on::uuid[], pending_deps, $9
              FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::int[]) AS t(id, job_id, type, name, params, state, depends_on, pending_deps)""")
                    .execute(
                        Tuple.of(
                            taskIds.toArray(new UUID[0]),
                            taskJobs.toArray(new UUID[0]),
                            types.toArray(new String[0]),
                            names.toArray(new String[0]),
                            params.toArray(new String[0]),
                            states.toArray(new String[0]),
                            dependsOn.toArray(new String[0]),
                            pendingDeps.toArray(new Integer[0]),
                            maxAttempts)))
        .compose(
            v -> {
              for (int i = 0; i < n; i++) {
                events.record(
                    jobIds[i], "job.created", new JsonObject().put("tasks", tasksTotal[i]));
              }
              return Future.succeededFuture();
            });
  }

  /** An asset of the tenant with its files and job ids; empty when the tenant has no such asset. */
  public Future<Optional<JsonObject>> getAsset(UUID tenant, UUID id) {
    return pool.preparedQuery("SELECT * FROM assets WHERE id = $1 AND tenant_id = $2")
        .execute(Tuple.of(id, tenant))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture(Optional.empty());
              }
              Row row = rs.iterator().next();
              JsonObject asset = assetJson(row);
              JsonArray dropped = row.getJsonArray("dropped_derivatives");
              return pool.preparedQuery(
                      """
                  SELECT name, role, sha256, size_bytes, content_type FROM asset_files WHERE asset_id = $1 ORDER BY name""")
                  .execute(Tuple.of(id))
                  .compose(
                      files -> {
                        JsonArray fa = new JsonArray();
                        for (Row f : files) {
                          fa.add(
                              new JsonObject()
                                  .put("name", f.getString("name"))
                                  .put("role", f.getString("role"))
                                  .put("sha256", f.getString("sha256"))
                                  .put("size", f.getLong("size_bytes"))
                                  .put("contentType", f.getString("content_type")));
                        }
                        asset.put("files", fa);
                        asset.put("droppedDerivatives", stillDropped(dropped, files));
                        return pool.preparedQuery(
                                "SELECT id FROM jobs WHERE asset_id = $1 ORDER BY created_at")
                            .execute(Tuple.of(id));
                      })
                  .map(
                      jobs -> {
                        JsonArray ja = new JsonArray();
                        jobs.forEach(j -> ja.add(j.getUUID("id").toString()));
                        return Optional.of(asset.put("jobs", ja));
                      });
            });
  }

  /**
   * How stale {@code assets.last_read_at} may get: a download writes it only when it is older, so a
   * file downloaded all day writes one row an hour, not one per download. The retention rule
   * ({@code --drop-derivatives-after}) is measured in hours or days, so an hour's slack is noise.
   */
  public static final Duration LAST_READ_PRECISION = Duration.ofHours(1);

  /**
   * A file of an asset of the tenant, by name; notes the read on the asset ({@code last_read_at},
   * at most once per {@link #LAST_READ_PRECISION}) in the same statement, for the retention rule.
   */
  public Future<Optional<StoredBlob>> getFile(UUID tenant, UUID assetId, String name) {
    return pool.preparedQuery(
            """
            WITH touch AS (
              UPDATE assets SET last_read_at = now()
               WHERE id = $1 AND tenant_id = $3
                 AND (last_read_at IS NULL OR last_read_at < now() - make_interval(secs => $4)))
            SELECT f.sha256, f.size_bytes, f.content_type, f.kind FROM asset_files f JOIN assets a ON a.id = f.asset_id
             WHERE f.asset_id = $1 AND f.name = $2 AND a.tenant_id = $3""")
        .execute(Tuple.of(assetId, name, tenant, (double) LAST_READ_PRECISION.toSeconds()))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return Optional.empty();
              }
              Row r = rs.iterator().next();
              return Optional.of(
                  new StoredBlob(
                      new BlobKey(
                          tenant, BlobKind.ofDbName(r.getString("kind")), r.getString("sha256")),
                      r.getLong("size_bytes"),
                      r.getString("content_type")));
            });
  }

  /** A job of the tenant with its tasks; empty when the tenant has no such job. */
  public Future<Optional<JsonObject>> getJob(UUID tenant, UUID id) {
    return pool.preparedQuery("SELECT * FROM jobs WHERE id = $1 AND tenant_id = $2")
        .execute(Tuple.of(id, tenant))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture(Optional.empty());
              }
              Row j = rs.iterator().next();
              JsonObject job = jobJson(j);
              return pool.preparedQuery(
                      """
                  SELECT t.*, (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt, 'node', a.node_id,
                          'startedAt', a.started_at, 'finishedAt', a.finished_at, 'outcome', a.outcome,
                          'errorCode', a.error_code, 'errorMessage', a.error_message) ORDER BY a.attempt), '[]'::json)
                          FROM task_attempts a WHERE a.task_id = t.id) AS attempts,
                         (SELECT coalesce(json_agg(json_build_object('name', o.name, 'sha256', o.sha256,
                          'size', o.size_bytes, 'contentType', o.content_type) ORDER BY o.name), '[]'::json)
                          FROM task_outputs o WHERE o.task_id = t.id) AS outputs
                    FROM tasks t WHERE t.job_id = $1 ORDER BY t.created_at, t.name""")
                  .execute(Tuple.of(id))
                  .map(
                      tasks -> {
                        JsonArray ta = new JsonArray();
                        double work = 0;
                        for (Row t : tasks) {
                          JsonObject tj = taskJson(t);
                          ta.add(tj);
                          String st = t.getString("state");
                          work +=
                              "succeeded".equals(st)
                                  ? 1.0
                                  : "leased".equals(st) ? t.getDouble("progress") : 0.0;
                        }
                        int total = job.getInteger("tasksTotal");
                        job.put("progress", total == 0 ? 1.0 : Math.min(1.0, work / total));
                        job.put("tasks", ta);
                        return Optional.of(job);
                      });
            });
  }

  /** Events of a job of the tenant with id greater than {@code afterId}, oldest first. */
  public Future<List<JsonObject>> events(UUID tenant, UUID jobId, long afterId) {
    return pool.preparedQuery(
            """
            SELECT e.id, e.type, e.data, e.created_at FROM job_events e JOIN jobs j ON j.id = e.job_id
             WHERE e.job_id = $1 AND e.id > $2 AND j.tenant_id = $3 ORDER BY e.id""")
        .execute(Tuple.of(jobId, afterId, tenant))
        .map(
            rs -> {
              List<JsonObject> out = new ArrayList<>();
              for (Row r : rs) {
                out.add(
                    new JsonObject()
                        .put("id", r.getLong("id"))
                        .put("jobId", jobId.toString())
                        .put("type", r.getString("type"))
                        .put("data", r.getJsonObject("data"))
                        .put("at", r.getOffsetDateTime("created_at").toInstant().toString()));
              }
              return out;
            });
  }

  /**
   * How much the grid holds, for {@code GET /v1/stats}: jobs and tasks by state (every state named,
   * 0 when none) and the asset count. Counted, not estimated: a few tens of milliseconds over
   * 100,000 jobs, so meant for dashboards and progress lines polled every few seconds, not per
   * request.
   */
  public Future<JsonObject> stats(UUID tenant) {
    return pool.preparedQuery(
            """
            SELECT (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM jobs WHERE tenant_id = $1 GROUP BY state) j) AS jobs,
                   (SELECT jsonb_object_agg(state, n) FROM (SELECT t.state, count(*) AS n FROM tasks t JOIN jobs j ON j.id = t.job_id
                                                           WHERE j.tenant_id = $1 GROUP BY t.state) t) AS tasks,
                   (SELECT count(*) FROM assets WHERE tenant_id = $1) AS assets,
                   (SELECT jsonb_object_agg(kind, jsonb_build_object('blobs', n, 'bytes', b, 'unreferencedBytes', u))
                      FROM (SELECT kind, count(*) AS n, sum(size_bytes) AS b,
                                   sum(size_bytes) FILTER (WHERE refs = 0) AS u
                              FROM blobs WHERE tenant_id = $1 GROUP BY kind) k) AS stored,
                   (SELECT coalesce(sum(size_bytes), 0) FROM asset_files WHERE tenant_id = $1) +
                   (SELECT coalesce(sum(size_bytes), 0) FROM task_outputs WHERE tenant_id = $1) AS referenced,
                   (SELECT jsonb_object_agg(integrity, n) FROM (SELECT integrity, count(*) AS n FROM blobs WHERE tenant_id = $1 GROUP BY integrity) i) AS integrity,
                   (SELECT max(verified_at) FROM blobs WHERE tenant_id = $1) AS last_verified,
                   (SELECT min(verified_at) FROM blobs WHERE tenant_id = $1) AS oldest_verified,
                   (SELECT count(*) FROM assets WHERE tenant_id = $1 AND status = 'corrupt') AS corrupt_assets,
                   (SELECT jsonb_object_agg(type, states) FROM (
                      SELECT type, jsonb_object_agg(state, n) AS states FROM (
                        SELECT t.type, t.state, count(*) AS n FROM tasks t
                         WHERE t.job_id = ANY(ARRAY(SELECT id FROM jobs WHERE tenant_id = $1 AND state IN ('queued', 'running')))
                           AND t.state IN ('pending', 'queued', 'leased')
                         GROUP BY t.type, t.state) o GROUP BY type) ot) AS open_tasks""")
        .execute(Tuple.of(tenant))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              JsonObject jobs = new JsonObject();
              for (JobState st : JobState.values()) {
                jobs.put(st.wire(), count(r.getJsonObject("jobs"), st.wire()));
              }
              JsonObject tasks = new JsonObject();
              for (TaskState st : TaskState.values()) {
                tasks.put(st.wire(), count(r.getJsonObject("tasks"), st.wire()));
              }
              // the open tasks of the tenant's active jobs by type then state (pending, queued,
              // leased): the queue's depth, through the active-jobs index
              JsonObject openTasks = r.getJsonObject("open_tasks");
              JsonObject byKind = new JsonObject();
              long stored = 0;
              JsonObject raw = r.getJsonObject("stored");
              for (BlobKind k : BlobKind.values()) {
                JsonObject x = raw == null ? null : raw.getJsonObject(k.dbName());
                long bytes = x == null ? 0 : x.getLong("bytes", 0L);
                stored += bytes;
                byKind.put(
                    k.folder(),
                    new JsonObject()
                        .put("blobs", x == null ? 0 : x.getLong("blobs", 0L))
                        .put("bytes", bytes)
                        .put(
                            "unreferencedBytes",
                            x == null || x.getValue("unreferencedBytes") == null
                                ? 0
                                : x.getLong("unreferencedBytes")));
              }
              long referenced = r.getLong("referenced");
              JsonObject byIntegrity = new JsonObject();
              for (Integrity i : Integrity.values()) {
                byIntegrity.put(i.wire(), count(r.getJsonObject("integrity"), i.wire()));
              }
              java.time.OffsetDateTime last = r.getOffsetDateTime("last_verified");
              java.time.OffsetDateTime oldest = r.getOffsetDateTime("oldest_verified");
              return new JsonObject()
                  .put("assets", r.getLong("assets"))
                  .put("jobs", jobs)
                  .put("tasks", tasks)
                  .put("openTasks", openTasks == null ? new JsonObject() : openTasks)
                  .put(
                      "storage",
                      new JsonObject()
                          .put("storedBytes", stored)
                          .put("referencedBytes", referenced)
                          .put("savedByDeduplicationBytes", Math.max(0, referenced - stored))
                          .put("byKind", byKind)
                          .put(
                              "integrity",
                              new JsonObject()
                                  .put("blobs", byIntegrity)
                                  .put("corruptAssets", r.getLong("corrupt_assets"))
                                  .put(
                                      "lastVerifiedAt",
                                      last == null ? null : last.toInstant().toString())
                                  .put(
                                      "oldestVerifiedAt",
                                      oldest == null ? null : oldest.toInstant().toString())));
            });
  }

  private static long count(JsonObject byState, String state) {
    return byState == null ? 0 : byState.getLong(state, 0L);
  }

  /**
   * The tenant's running tasks per lease owner (for /v1/nodes: a tenant sees which node runs its
   * tasks, never another tenant's task ids).
   */
  public Future<JsonObject> runningByNode(UUID tenant) {
    // every lease has an expiry: the condition reaches the running leases through their index
    return pool.preparedQuery(
            "SELECT t.lease_owner, array_agg(t.id::text) AS ids FROM tasks t JOIN jobs j ON j.id = t.job_id"
                + " WHERE t.state = 'leased' AND t.lease_expires_at IS NOT NULL AND j.tenant_id = $1"
                + " GROUP BY t.lease_owner")
        .execute(Tuple.of(tenant))
        .map(
            rs -> {
              JsonObject o = new JsonObject();
              for (Row r : rs) {
                o.put(
                    r.getString("lease_owner"), new JsonArray(List.of(r.getArrayOfStrings("ids"))));
              }
              return o;
            });
  }

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Filters of {@code GET /v1/assets}; null fields do not filter. */
  public record AssetQuery(
      String tag,
      String format,
      String status,
      String nameContains,
      java.time.OffsetDateTime createdFrom,
      java.time.OffsetDateTime createdBefore) {}

  /** A keyset position: the (created_at, id) of the last row of the previous page. */
  public record Cursor(java.time.OffsetDateTime createdAt, UUID id) {
    public String encode() {
      return java.util.Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAt + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Decodes a cursor; an unreadable one is an INVALID_REQUEST. */
    public static Cursor decode(String s) {
      try {
        String[] p =
            new String(
                    java.util.Base64.getUrlDecoder().decode(s),
                    java.nio.charset.StandardCharsets.UTF_8)
                .split("\\|", 2);
        return new Cursor(java.time.OffsetDateTime.parse(p[0]), UUID.fromString(p[1]));
      } catch (RuntimeException e) {
        throw new dev.assetgrid.shared.error.AssetGridException(
            dev.assetgrid.shared.error.ErrorCode.INVALID_REQUEST, "bad cursor");
      }
    }
  }

  /** A page of assets, newest first: {items, next}. */
  public Future<JsonObject> listAssets(UUID tenant, AssetQuery q, Cursor after, int limit) {
    String like =
        q.nameContains() == null
            ? null
            : "%"
                + q.nameContains().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%";
    return pool.preparedQuery(
            """
            SELECT * FROM assets
             WHERE ($1::text IS NULL OR $1 = ANY(tags))
               AND ($2::text IS NULL OR format = $2)
               AND ($3::text IS NULL OR status = $3)
               AND ($4::text IS NULL OR name ILIKE $4)
               AND ($5::timestamptz IS NULL OR created_at >= $5)
               AND ($6::timestamptz IS NULL OR created_at < $6)
               AND ($7::timestamptz IS NULL OR (created_at, id) < ($7, $8::uuid))
               AND tenant_id = $10
             ORDER BY created_at DESC, id DESC
             LIMIT $9""")
        .execute(
            Tuple.of(
                q.tag(),
                q.format(),
                q.status(),
                like,
                q.createdFrom(),
                q.createdBefore(),
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                limit + 1,
                tenant))
        .map(rs -> page(rs, limit, AssetStore::assetJson));
  }

  /** A page of jobs, newest first, optionally of one state or one asset: {items, next}. */
  public Future<JsonObject> listJobs(
      UUID tenant, String state, UUID assetId, Cursor after, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM jobs
             WHERE tenant_id = $6 AND ($1::text IS NULL OR state = $1)
               AND ($2::uuid IS NULL OR asset_id = $2)
               AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
             ORDER BY created_at DESC, id DESC
             LIMIT $5""")
        .execute(
            Tuple.of(
                state,
                assetId,
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                limit + 1,
                tenant))
        .map(rs -> page(rs, limit, AssetStore::jobJson));
  }

  private static JsonObject page(
      io.vertx.sqlclient.RowSet<Row> rs,
      int limit,
      java.util.function.Function<Row, JsonObject> f) {
    JsonArray items = new JsonArray();
    Row last = null;
    int n = 0;
    boolean more = false;
    for (Row r : rs) {
      if (n == limit) {
        more = true;
        break;
      }
      items.add(f.apply(r));
      last = r;
      n++;
    }
    String next =
        more && last != null
            ? new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id")).encode()
            : null;
    return new JsonObject().put("items", items).put("next", next);
  }

  /** The answer first given to a POST with this Idempotency-Key, if any: {status, body}. */
  public Future<Optional<JsonObject>> idempotentReply(
      UUID tenant, String key, String method, String path) {
    return pool.preparedQuery(
            "SELECT status, body FROM idempotency_keys WHERE tenant_id = $4 AND key = $1 AND method = $2 AND path = $3")
        .execute(Tuple.of(key, method, path, tenant))
        .map(
            rs ->
                rs.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new JsonObject()
                            .put("status", rs.iterator().next().getInteger("status"))
                            .put("body", rs.iterator().next().getJsonObject("body"))));
  }

  public Future<Void> rememberReply(
      UUID tenant, String key, String method, String path, int status, JsonObject body) {
    return pool.preparedQuery(REMEMBER_REPLY_SQL)
        .execute(Tuple.of(key, method, path, status, body, tenant))
        .mapEmpty();
  }

  private static final String REMEMBER_REPLY_SQL =
      """
      INSERT INTO idempotency_keys (key, method, path, status, body, tenant_id) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (tenant_id, key) DO NOTHING""";

  /**
   * Stores the answer inside the caller's transaction; fails with {@code CONFLICT} when the key is
   * already stored (a concurrent request with the same key waits here until the first commits).
   */
  private static Future<Void> rememberReply(
      SqlConnection conn,
      UUID tenant,
      String key,
      String method,
      String path,
      int status,
      JsonObject body) {
    return conn.preparedQuery(REMEMBER_REPLY_SQL)
        .execute(Tuple.of(key, method, path, status, body, tenant))
        .compose(
            rs ->
                rs.rowCount() == 1
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        new AssetGridException(
                            ErrorCode.CONFLICT,
                            "Idempotency-Key " + key + " was already used",
                            Map.of("idempotencyKey", key),
                            null)));
  }

  /**
   * The entries of {@code dropped} whose file is not back: a regeneration puts the files back under
   * their names without touching the list, which the next drop rewrites.
   */
  private static JsonArray stillDropped(JsonArray dropped, Iterable<Row> files) {
    java.util.Set<String> present = new java.util.HashSet<>();
    files.forEach(f -> present.add(f.getString("name")));
    JsonArray out = new JsonArray();
    for (int i = 0; dropped != null && i < dropped.size(); i++) {
      JsonObject e = dropped.getJsonObject(i);
      if (!present.contains(e.getString("name"))) {
        out.add(
            new JsonObject()
                .put("name", e.getString("name"))
                .put("size", e.getLong("size"))
                .put("contentType", e.getString("contentType"))
                .put("droppedAt", e.getString("droppedAt")));
      }
    }
    return out;
  }

  static JsonObject assetJson(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("format", r.getString("format"))
        .put("sha256", r.getString("sha256"))
        .put("size", r.getLong("size_bytes"))
        .put("tags", new JsonArray(List.of(r.getArrayOfStrings("tags"))))
        .put("status", r.getString("status"))
        .put("metadata", r.getJsonObject("metadata"))
        .put("info", r.getJsonObject("info"))
        .put("createdAt", ts(r.getOffsetDateTime("created_at")))
        .put("updatedAt", ts(r.getOffsetDateTime("updated_at")))
        .put("lastReadAt", ts(r.getOffsetDateTime("last_read_at")));
  }

  static JsonObject jobJson(Row r) {
    JsonObject j =
        new JsonObject()
            .put("id", r.getUUID("id").toString())
            .put("assetId", r.getUUID("asset_id").toString())
            .put("state", r.getString("state"))
            .put("pipeline", r.getJsonObject("pipeline"))
            .put("tasksTotal", r.getInteger("tasks_total"))
            .put("tasksDone", r.getInteger("tasks_done"))
            .put("createdAt", ts(r.getOffsetDateTime("created_at")))
            .put("startedAt", ts(r.getOffsetDateTime("started_at")))
            .put("finishedAt", ts(r.getOffsetDateTime("finished_at")));
    if (r.getString("error_code") != null) {
      j.put(
          "error",
          new JsonObject()
              .put("code", r.getString("error_code"))
              .put("message", r.getString("error_message")));
    }
    OffsetDateTime s = r.getOffsetDateTime("started_at");
    OffsetDateTime f = r.getOffsetDateTime("finished_at");
    if (s != null && f != null) {
      j.put("durationMs", java.time.Duration.between(s, f).toMillis());
    }
    return j;
  }

  static JsonObject taskJson(Row t) {
    JsonObject tj =
        new JsonObject()
            .put("id", t.getUUID("id").toString())
            .put("name", t.getString("name"))
            .put("type", t.getString("type"))
            .put("state", t.getString("state"))
            .put("attempt", t.getInteger("attempt"))
            .put("maxAttempts", t.getInteger("max_attempts"))
            .put("progress", t.getDouble("progress"))
            .put("node", t.getString("lease_owner"))
            .put("createdAt", ts(t.getOffsetDateTime("created_at")))
            .put("startedAt", ts(t.getOffsetDateTime("started_at")))
            .put("finishedAt", ts(t.getOffsetDateTime("finished_at")))
            .put("result", t.getJsonObject("result"))
            .put("attempts", new JsonArray(t.getValue("attempts").toString()))
            .put("outputs", new JsonArray(t.getValue("outputs").toString()));
    if (t.getString("error_code") != null) {
      tj.put(
          "error",
          new JsonObject()
              .put("code", t.getString("error_code"))
              .put("message", t.getString("error_message")));
    }
    OffsetDateTime s = t.getOffsetDateTime("started_at");
    OffsetDateTime f = t.getOffsetDateTime("finished_at");
    if (s != null && f != null) {
      tj.put("durationMs", java.time.Duration.between(s, f).toMillis());
    }
    return tj;
  }

  private static String ts(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
