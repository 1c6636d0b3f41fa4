package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.schedule.JobPlanner;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Assets, their files and jobs in PostgreSQL. A job is always written with its tasks, atomically. */
public final class AssetStore {

  /** A blob that belongs to a new asset. */
  public record NewFile(String name, String role, String sha256, long size, String contentType) {}

  public record NewAsset(String name, ModelFormat format, String sha256, long size, List<String> tags,
      List<NewFile> files) {}

  private final Vertx vertx;
  private final Pool pool;
  private final int maxAttempts;

  public AssetStore(Vertx vertx, Pool pool, int maxAttempts) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxAttempts = maxAttempts;
  }

  /** Inserts the asset, its files, a job and the job's tasks in one transaction. Returns {asset, job}. */
  public Future<JsonObject> createAssetWithJob(NewAsset a, PipelineSpec pipeline) {
    UUID assetId = Ids.newId();
    JobEvents.Batch events = new JobEvents.Batch();
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery("""
            INSERT INTO assets (id, name, format, sha256, size_bytes, tags) VALUES ($1, $2, $3, $4, $5, $6)""")
        .execute(Tuple.of(assetId, a.name(), a.format().wire(), a.sha256(), a.size(), a.tags().toArray(new String[0])))
        .compose(v -> {
          List<Tuple> rows = new ArrayList<>();
          for (NewFile f : a.files()) {
            rows.add(Tuple.of(assetId, f.name(), f.role(), f.sha256(), f.size(), f.contentType()));
          }
          return conn.preparedQuery("""
              INSERT INTO asset_files (asset_id, name, role, sha256, size_bytes, content_type)
              VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""").executeBatch(rows);
        })
        .compose(v -> insertJob(conn, assetId, a.format(), pipeline, events)))
        .compose(jobId -> getAsset(assetId).compose(asset -> getJob(jobId).map(job ->
            new JsonObject().put("asset", asset.orElseThrow()).put("job", job.orElseThrow()))))
        .onSuccess(x -> events.publish(vertx));
  }

  /** A new job over an existing asset; empty when the asset does not exist. */
  public Future<Optional<UUID>> createJob(UUID assetId, PipelineSpec pipeline) {
    JobEvents.Batch events = new JobEvents.Batch();
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery("SELECT format FROM assets WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(assetId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(Optional.<UUID>empty());
          }
          ModelFormat format = ModelFormat.fromWire(rs.iterator().next().getString("format"));
          return conn.preparedQuery("UPDATE assets SET status = 'processing', updated_at = now() WHERE id = $1")
              .execute(Tuple.of(assetId))
              .compose(v -> insertJob(conn, assetId, format, pipeline, events)).map(Optional::of);
        }))
        .onSuccess(x -> events.publish(vertx));
  }

  private Future<UUID> insertJob(SqlConnection conn, UUID assetId, ModelFormat format, PipelineSpec pipeline,
      JobEvents.Batch events) {
    UUID jobId = Ids.newId();
    List<JobPlanner.PlannedTask> plan = JobPlanner.plan(pipeline, format);
    List<Tuple> tasks = new ArrayList<>();
    for (JobPlanner.PlannedTask t : plan) {
      tasks.add(Tuple.of(t.id(), jobId, t.type().wire(), t.name(), t.params(),
          t.dependsOn().isEmpty() ? "queued" : "pending", t.dependsOn().toArray(new UUID[0]), t.dependsOn().size(),
          maxAttempts));
    }
    return conn.preparedQuery("""
            INSERT INTO jobs (id, asset_id, pipeline, state, tasks_total) VALUES ($1, $2, $3, 'queued', $4)""")
        .execute(Tuple.of(jobId, assetId, pipeline.toJson(), plan.size()))
        .compose(v -> conn.preparedQuery("""
            INSERT INTO tasks (id, job_id, type, name, params, state, depends_on, pending_deps, max_attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""").executeBatch(tasks))
        .compose(v -> events.record(conn, jobId, "job.created", new JsonObject().put("tasks", plan.size())))
        .map(jobId);
  }

  public Future<Optional<JsonObject>> getAsset(UUID id) {
    return pool.preparedQuery("SELECT * FROM assets WHERE id = $1").execute(Tuple.of(id))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          JsonObject asset = assetJson(rs.iterator().next());
          return pool.preparedQuery("""
                  SELECT name, role, sha256, size_bytes, content_type FROM asset_files WHERE asset_id = $1 ORDER BY name""")
              .execute(Tuple.of(id))
              .compose(files -> {
                JsonArray fa = new JsonArray();
                for (Row f : files) {
                  fa.add(new JsonObject().put("name", f.getString("name")).put("role", f.getString("role"))
                      .put("sha256", f.getString("sha256")).put("size", f.getLong("size_bytes"))
                      .put("contentType", f.getString("content_type")));
                }
                asset.put("files", fa);
                return pool.preparedQuery("SELECT id FROM jobs WHERE asset_id = $1 ORDER BY created_at")
                    .execute(Tuple.of(id));
              })
              .map(jobs -> {
                JsonArray ja = new JsonArray();
                jobs.forEach(j -> ja.add(j.getUUID("id").toString()));
                return Optional.of(asset.put("jobs", ja));
              });
        });
  }

  /** A file of an asset by name: {sha256, size, contentType}. */
  public Future<Optional<JsonObject>> getFile(UUID assetId, String name) {
    return pool.preparedQuery("SELECT sha256, size_bytes, content_type FROM asset_files WHERE asset_id = $1 AND name = $2")
        .execute(Tuple.of(assetId, name))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(new JsonObject()
            .put("sha256", rs.iterator().next().getString("sha256"))
            .put("size", rs.iterator().next().getLong("size_bytes"))
            .put("contentType", rs.iterator().next().getString("content_type"))));
  }

  public Future<Optional<JsonObject>> getJob(UUID id) {
    return pool.preparedQuery("SELECT * FROM jobs WHERE id = $1").execute(Tuple.of(id))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row j = rs.iterator().next();
          JsonObject job = jobJson(j);
          return pool.preparedQuery("""
                  SELECT t.*, (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt, 'node', a.node_id,
                          'startedAt', a.started_at, 'finishedAt', a.finished_at, 'outcome', a.outcome,
                          'errorCode', a.error_code, 'errorMessage', a.error_message) ORDER BY a.attempt), '[]'::json)
                          FROM task_attempts a WHERE a.task_id = t.id) AS attempts,
                         (SELECT coalesce(json_agg(json_build_object('name', o.name, 'sha256', o.sha256,
                          'size', o.size_bytes, 'contentType', o.content_type) ORDER BY o.name), '[]'::json)
                          FROM task_outputs o WHERE o.task_id = t.id) AS outputs
                    FROM tasks t WHERE t.job_id = $1 ORDER BY t.created_at, t.name""")
              .execute(Tuple.of(id))
              .map(tasks -> {
                JsonArray ta = new JsonArray();
                double work = 0;
                for (Row t : tasks) {
                  JsonObject tj = taskJson(t);
                  ta.add(tj);
                  String st = t.getString("state");
                  work += "succeeded".equals(st) ? 1.0 : "leased".equals(st) ? t.getDouble("progress") : 0.0;
                }
                int total = job.getInteger("tasksTotal");
                job.put("progress", total == 0 ? 1.0 : Math.min(1.0, work / total));
                job.put("tasks", ta);
                return Optional.of(job);
              });
        });
  }

  /** Events of a job with id greater than {@code afterId}, oldest first. */
  public Future<List<JsonObject>> events(UUID jobId, long afterId) {
    return pool.preparedQuery("SELECT id, type, data, created_at FROM job_events WHERE job_id = $1 AND id > $2 ORDER BY id")
        .execute(Tuple.of(jobId, afterId))
        .map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new JsonObject().put("id", r.getLong("id")).put("jobId", jobId.toString())
                .put("type", r.getString("type")).put("data", r.getJsonObject("data"))
                .put("at", r.getOffsetDateTime("created_at").toInstant().toString()));
          }
          return out;
        });
  }

  /** Running tasks per lease owner (for /v1/nodes). */
  public Future<JsonObject> runningByNode() {
    return pool.query("SELECT lease_owner, array_agg(id::text) AS ids FROM tasks WHERE state = 'leased' GROUP BY lease_owner")
        .execute()
        .map(rs -> {
          JsonObject o = new JsonObject();
          for (Row r : rs) {
            o.put(r.getString("lease_owner"), new JsonArray(List.of(r.getArrayOfStrings("ids"))));
          }
          return o;
        });
  }

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Filters of {@code GET /v1/assets}; null fields do not filter. */
  public record AssetQuery(String tag, String format, String status, String nameContains,
      java.time.OffsetDateTime createdFrom, java.time.OffsetDateTime createdBefore) {}

  /** A keyset position: the (created_at, id) of the last row of the previous page. */
  public record Cursor(java.time.OffsetDateTime createdAt, UUID id) {
    public String encode() {
      return java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString((createdAt + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Decodes a cursor; an unreadable one is an INVALID_REQUEST. */
    public static Cursor decode(String s) {
      try {
        String[] p = new String(java.util.Base64.getUrlDecoder().decode(s), java.nio.charset.StandardCharsets.UTF_8)
            .split("\\|", 2);
        return new Cursor(java.time.OffsetDateTime.parse(p[0]), UUID.fromString(p[1]));
      } catch (RuntimeException e) {
        throw new dev.assetgrid.shared.error.AssetGridException(dev.assetgrid.shared.error.ErrorCode.INVALID_REQUEST,
            "bad cursor");
      }
    }
  }

  /** A page of assets, newest first: {items, next}. */
  public Future<JsonObject> listAssets(AssetQuery q, Cursor after, int limit) {
    String like = q.nameContains() == null ? null
        : "%" + q.nameContains().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return pool.preparedQuery("""
            SELECT * FROM assets
             WHERE ($1::text IS NULL OR $1 = ANY(tags))
               AND ($2::text IS NULL OR format = $2)
               AND ($3::text IS NULL OR status = $3)
               AND ($4::text IS NULL OR name ILIKE $4)
               AND ($5::timestamptz IS NULL OR created_at >= $5)
               AND ($6::timestamptz IS NULL OR created_at < $6)
               AND ($7::timestamptz IS NULL OR (created_at, id) < ($7, $8::uuid))
             ORDER BY created_at DESC, id DESC
             LIMIT $9""")
        .execute(Tuple.of(q.tag(), q.format(), q.status(), like, q.createdFrom(), q.createdBefore(),
            after == null ? null : after.createdAt(), after == null ? null : after.id(), limit + 1))
        .map(rs -> page(rs, limit, AssetStore::assetJson));
  }

  /** A page of jobs, newest first, optionally of one state or one asset: {items, next}. */
  public Future<JsonObject> listJobs(String state, UUID assetId, Cursor after, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM jobs
             WHERE ($1::text IS NULL OR state = $1)
               AND ($2::uuid IS NULL OR asset_id = $2)
               AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
             ORDER BY created_at DESC, id DESC
             LIMIT $5""")
        .execute(Tuple.of(state, assetId, after == null ? null : after.createdAt(), after == null ? null : after.id(),
            limit + 1))
        .map(rs -> page(rs, limit, AssetStore::jobJson));
  }

  private static JsonObject page(io.vertx.sqlclient.RowSet<Row> rs, int limit, java.util.function.Function<Row, JsonObject> f) {
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
    String next = more && last != null
        ? new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id")).encode() : null;
    return new JsonObject().put("items", items).put("next", next);
  }

  /** The answer first given to a POST with this Idempotency-Key, if any: {status, body}. */
  public Future<Optional<JsonObject>> idempotentReply(String key, String method, String path) {
    return pool.preparedQuery("SELECT status, body FROM idempotency_keys WHERE key = $1 AND method = $2 AND path = $3")
        .execute(Tuple.of(key, method, path))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(new JsonObject()
            .put("status", rs.iterator().next().getInteger("status"))
            .put("body", rs.iterator().next().getJsonObject("body"))));
  }

  public Future<Void> rememberReply(String key, String method, String path, int status, JsonObject body) {
    return pool.preparedQuery("""
            INSERT INTO idempotency_keys (key, method, path, status, body) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (key) DO NOTHING""")
        .execute(Tuple.of(key, method, path, status, body)).mapEmpty();
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
        .put("createdAt", ts(r.getOffsetDateTime("created_at")))
        .put("updatedAt", ts(r.getOffsetDateTime("updated_at")));
  }

  static JsonObject jobJson(Row r) {
    JsonObject j = new JsonObject()
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
      j.put("error", new JsonObject().put("code", r.getString("error_code")).put("message", r.getString("error_message")));
    }
    OffsetDateTime s = r.getOffsetDateTime("started_at");
    OffsetDateTime f = r.getOffsetDateTime("finished_at");
    if (s != null && f != null) {
      j.put("durationMs", java.time.Duration.between(s, f).toMillis());
    }
    return j;
  }

  static JsonObject taskJson(Row t) {
    JsonObject tj = new JsonObject()
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
      tj.put("error", new JsonObject().put("code", t.getString("error_code")).put("message", t.getString("error_message")));
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
