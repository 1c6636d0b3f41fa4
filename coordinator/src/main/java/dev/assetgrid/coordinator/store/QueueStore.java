package dev.assetgrid.coordinator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.shared.pipeline.PlaceholderExpansion;
import dev.assetgrid.shared.pipeline.PlannedTask;
import dev.assetgrid.shared.protocol.JsonTrees;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskOutput;
import dev.assetgrid.shared.state.TaskState;
import dev.assetgrid.shared.state.TaskType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The durable task queue's SQL: leasing, heartbeats, fenced completion, ending attempts, requeue of
 * lost leases, cancellation and re-drive, all as PostgreSQL transactions (River/SQS style
 * at-least-once). What to do — how many to lease, whether and when to retry, when to reclaim — is
 * the caller's ({@code schedule.Scheduler}); this class only says how.
 *
 * <p>Design note. A lease is one {@code UPDATE ... WHERE id = ANY(ARRAY(SELECT ... FOR UPDATE SKIP
 * LOCKED))} that bumps {@code attempt} and sets a fresh random token; concurrent coordinators and
 * nodes never get the same row. Every later write about the attempt (heartbeat, completion) repeats
 * {@code id, attempt, lease_token, state='leased'} in its WHERE clause, so a node that lost its
 * lease (expired, its node declared dead, the job cancelled) can no longer change anything: its
 * completion is refused and its outputs are not recorded. Attempts are rows in {@code
 * task_attempts}.
 *
 * <p>The statements run on the queue's pool ({@link Database#queuePool}), which plans each of them
 * once per connection (generic plans). Every key that reaches a big table comes from a parameter or
 * an {@code ARRAY(...)} of a CTE, so those plans use indexes even when the statistics are stale
 * (after a bulk load the planner believed the ready queue held 11 rows and sorted 20,000 of them on
 * every lease). Events the statements write are handed to the {@link EventPublisher} after commit.
 */
public final class QueueStore {
  private final Pool pool;
  private final EventPublisher publisher;

  /**
   * @param pool the queue's pool ({@link Database#queuePool})
   * @param publisher receives the job events of every committed change
   */
  public QueueStore(Pool pool, EventPublisher publisher) {
    this.pool = pool;
    this.publisher = publisher;
  }

  // ---------------------------------------------------------------- lease

  /** A task as the lease statement handed it out; {@code inputs} are the blobs it may read. */
  public record Leased(
      UUID id,
      String type,
      JsonObject params,
      int attempt,
      String leaseToken,
      long leaseExpiresAt,
      List<Input> inputs) {}

  /** An input blob of a leased task, by the name the stage reads it under. */
  /** A blob a leased task reads: its name in the task, and where it is stored. */
  public record Input(String name, BlobKey key, long size) {
    public String sha256() {
      return key.sha256();
    }
  }

  /**
   * One statement: pick ready rows (skipping rows other transactions hold), lease them with a fresh
   * token and the next attempt number, open their attempt rows, mark their jobs running, write the
   * events ({@code job.started} for the jobs this lease started, {@code task.leased} per task) and
   * read the inputs of what it leased. Data-modifying CTEs run exactly once, referenced or not; the
   * inputs are read from the snapshot the statement started with, which is all they need (a task's
   * dependencies and its ancestors' outputs were committed before it could be queued). Rows come
   * back in three shapes: a leased task ({@code id} set), a written event ({@code ev_id} set) or an
   * input ({@code in_task} set). Reading the inputs in the same statement saves the lease a second
   * round trip.
   *
   * <p>Inputs are the asset's original and side files, and the outputs of every task each leased
   * one depends on, directly or not (optimize-mesh reads convert's GLB through inspect). A nearer
   * ancestor's output shadows a farther one's of the same name, and any output shadows a side file
   * of the same name (the derived file is what the stage asked for). Ancestors are looked for among
   * the tasks of the leased tasks' jobs only.
   *
   * <p>Parameters: {@code $1} node id, {@code $2} task types, {@code $3} most tasks, {@code $4}
   * lease length in ms. Public for the tests that check its generic plan.
   */
  public static final String LEASE_SQL =
      """
      WITH RECURSIVE l AS (
        UPDATE tasks t
           SET state = 'leased', attempt = t.attempt + 1, lease_owner = $1,
               lease_token = gen_random_uuid()::text,
               lease_expires_at = now() + ($4::bigint * interval '1 millisecond'),
               leased_at = now(), started_at = coalesce(t.started_at, now()), progress = 0, updated_at = now()
         WHERE t.id = ANY(ARRAY(
               SELECT id FROM tasks
                WHERE state = 'queued' AND run_at <= now() AND type = ANY($2)
                ORDER BY run_at, created_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED))
        RETURNING t.id, t.job_id, t.name, t.type, t.params, t.attempt, t.lease_token, t.lease_expires_at, t.depends_on,
                  t.run_at),
      a AS (
        INSERT INTO task_attempts (task_id, attempt, node_id, lease_token)
        SELECT id, attempt, $1, lease_token FROM l),
      j AS (
        UPDATE jobs SET state = 'running', started_at = coalesce(started_at, now()), updated_at = now()
         WHERE id = ANY(ARRAY(SELECT job_id FROM l)) AND state = 'queued'
        RETURNING id),
      e AS (
        INSERT INTO job_events (job_id, type, data)
        SELECT job_id, type, data FROM (
          SELECT j.id AS job_id, 'job.started' AS type, '{}'::jsonb AS data, 0 AS k, '' AS sub FROM j
          UNION ALL
          SELECT l.job_id, 'task.leased', jsonb_build_object('task', l.name, 'attempt', l.attempt, 'node', $1::text,
                 'type', l.type, 'waitedMs', greatest(0, (extract(epoch FROM now() - l.run_at) * 1000)::bigint)),
                 1, l.name FROM l) ev
         ORDER BY job_id, k, sub
        RETURNING id, job_id, type, data, created_at),
      %s,
      jt AS MATERIALIZED (
        SELECT id, depends_on FROM tasks WHERE job_id = ANY(ARRAY(SELECT job_id FROM l))),
      anc(task_id, anc_id, depth) AS (
        SELECT l.id, d, 1 FROM l, unnest(l.depends_on) AS d
        UNION
        SELECT anc.task_id, d, anc.depth + 1
          FROM anc JOIN jt p ON p.id = anc.anc_id, unnest(p.depends_on) AS d
         WHERE anc.depth < 64),
      i AS (
        SELECT DISTINCT ON (task_id, name) task_id, name, sha256, size_bytes, kind, tenant_id FROM (
          SELECT l.id AS task_id, f.name, f.sha256, f.size_bytes, f.kind, f.tenant_id, 1000 AS rank
            FROM l JOIN jobs jb ON jb.id = l.job_id
            JOIN asset_files f ON f.asset_id = jb.asset_id AND f.role IN ('original', 'side')
           WHERE jb.id = ANY(ARRAY(SELECT job_id FROM l))
          UNION ALL
          SELECT anc.task_id, o.name, o.sha256, o.size_bytes, o.kind, o.tenant_id, anc.depth
            FROM anc JOIN task_outputs o ON o.task_id = anc.anc_id
           WHERE o.task_id = ANY(ARRAY(SELECT anc_id FROM anc))) x
        ORDER BY task_id, name, rank)
      SELECT l.id, l.type, l.params, l.attempt, l.lease_token, l.lease_expires_at,
             NULL::bigint AS ev_id, NULL::uuid AS ev_job, NULL::text AS ev_type, NULL::jsonb AS ev_data,
             NULL::timestamptz AS ev_at, NULL::uuid AS in_task, NULL::text AS in_name, NULL::text AS in_sha,
             NULL::bigint AS in_size, NULL::text AS in_kind, NULL::uuid AS in_tenant
        FROM l
      UNION ALL
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, e.id, e.job_id, e.type, e.data, e.created_at, NULL, NULL, NULL, NULL,
             NULL, NULL
        FROM e
      UNION ALL
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, i.task_id, i.name, i.sha256, i.size_bytes,
             i.kind, i.tenant_id
        FROM i
      """
          .formatted(EventBatch.tenantCopy("te", "e"));

  /**
   * Leases up to {@code limit} ready tasks of {@code types} for {@code nodeId}, with their inputs;
   * empty when none is ready. One statement, which commits on its own.
   */
  public Future<List<Leased>> lease(String nodeId, String[] types, int limit, long leaseMs) {
    EventBatch events = new EventBatch();
    return pool.preparedQuery(LEASE_SQL)
        .execute(Tuple.of(nodeId, types, limit, leaseMs))
        .map(
            rows -> {
              List<Row> leased = new ArrayList<>();
              Map<UUID, List<Input>> inputs = new HashMap<>();
              for (Row x : rows) {
                if (x.getUUID("id") != null) {
                  leased.add(x);
                } else if (x.getLong("ev_id") != null) {
                  events.written(
                      EventBatch.fromRow(x, "ev_id", "ev_job", "ev_type", "ev_data", "ev_at"));
                } else {
                  inputs
                      .computeIfAbsent(x.getUUID("in_task"), k -> new ArrayList<>())
                      .add(
                          new Input(
                              x.getString("in_name"),
                              new BlobKey(
                                  x.getUUID("in_tenant"),
                                  BlobKind.ofDbName(x.getString("in_kind")),
                                  x.getString("in_sha")),
                              x.getLong("in_size")));
                }
              }
              events.publish(publisher);
              List<Leased> out = new ArrayList<>(leased.size());
              for (Row x : leased) {
                UUID tid = x.getUUID("id");
                out.add(
                    new Leased(
                        tid,
                        x.getString("type"),
                        x.getJsonObject("params"),
                        x.getInteger("attempt"),
                        x.getString("lease_token"),
                        x.getOffsetDateTime("lease_expires_at").toInstant().toEpochMilli(),
                        inputs.getOrDefault(tid, List.of())));
              }
              return out;
            });
  }

  // ---------------------------------------------------------------- heartbeat

  /**
   * Extends held leases and records progress (a negative progress keeps the stored one); refuses
   * leases whose task is being cancelled or whose attempt ran past the max runtime. Parameters:
   * {@code $1} ids, {@code $2} tokens, {@code $3} progress, {@code $4} lease length in ms, {@code
   * $5} max runtime in ms. Public for the tests that check its generic plan.
   */
  public static final String EXTEND_SQL =
      """
      UPDATE tasks t
         SET lease_expires_at = now() + ($4::bigint * interval '1 millisecond'),
             progress = CASE WHEN v.progress >= 0 THEN least(v.progress, 1) ELSE t.progress END, updated_at = now()
        FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS v(id, token, progress)
       WHERE t.id = ANY($1::uuid[]) AND t.id = v.id AND t.lease_token = v.token AND t.state = 'leased' AND NOT t.cancel_requested
         AND t.leased_at > now() - ($5::bigint * interval '1 millisecond')
      RETURNING t.id, t.lease_expires_at
      """;

  /** A lease a heartbeat extended, and its new expiry (epoch ms). */
  public record Extended(UUID id, long leaseExpiresAt) {}

  /**
   * Extends the leases named by {@code ids[i], tokens[i]} that are still held, recording {@code
   * progress[i]}; returns those it extended.
   */
  public Future<List<Extended>> extend(
      UUID[] ids, String[] tokens, Double[] progress, long leaseMs, long maxRuntimeMs) {
    return pool.preparedQuery(EXTEND_SQL)
        .execute(Tuple.of(ids, tokens, progress, leaseMs, maxRuntimeMs))
        .map(
            rows -> {
              List<Extended> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Extended(
                        r.getUUID("id"),
                        r.getOffsetDateTime("lease_expires_at").toInstant().toEpochMilli()));
              }
              return out;
            });
  }

  // ---------------------------------------------------------------- complete

  /** A successful attempt as its node reported it. */
  public record Completion(
      UUID taskId, int attempt, String leaseToken, JsonObject result, List<TaskOutput> outputs) {}

  /** What a batch statement ended: the tasks it took, and whether dependents became ready. */
  public record BatchResult(Set<UUID> done, boolean queued) {}

  /**
   * Succeeded attempts, many at once, in one statement: fenced like a single completion (id,
   * attempt, token, state), then outputs, the dependents' counters, the jobs' counters (a job whose
   * last task ends succeeds and readies its asset) and the events. Every CTE sees the rows as they
   * were before the statement, so counters move by per-job and per-dependent counts, and a derived
   * file two jobs of one asset both write keeps the later one. Inspect tasks are left alone unless
   * {@code $10} (their result plans the texture fan-out, which {@link #completeOne} does first in
   * the same transaction). Public for the tests that check its generic plan.
   */
  public static final String COMPLETE_BATCH_SQL =
      """
      WITH v AS (
        SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS v(id, attempt, token, result)),
      t AS (
        UPDATE tasks t SET state = 'succeeded', result = v.result::jsonb, finished_at = now(), progress = 1,
               updated_at = now(), lease_expires_at = NULL, error_code = NULL, error_message = NULL
          FROM v
         WHERE t.id = ANY($1::uuid[]) AND t.id = v.id AND t.attempt = v.attempt AND t.lease_token = v.token
           AND t.state = 'leased' AND (t.type <> '%s' OR $10)
        RETURNING t.id, t.attempt, t.job_id, t.name, t.type, t.leased_at),
      a AS (
        UPDATE task_attempts ta SET finished_at = now(), outcome = 'succeeded'
          FROM t WHERE ta.task_id = ANY($1::uuid[]) AND ta.task_id = t.id AND ta.attempt = t.attempt),
      x AS (
        SELECT x.*, t.job_id, jb.tenant_id,
               CASE WHEN t.type = '%s' THEN 'thumbnail' ELSE 'derivative' END AS kind
          FROM unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::text[])
               WITH ORDINALITY AS x(task_id, name, sha256, size_bytes, content_type, n)
          JOIN t ON t.id = x.task_id JOIN jobs jb ON jb.id = t.job_id),
      o AS (
        INSERT INTO task_outputs (task_id, name, sha256, size_bytes, content_type, kind, tenant_id)
        SELECT task_id, name, sha256, size_bytes, content_type, kind, tenant_id FROM x
        ON CONFLICT (task_id, name) DO NOTHING),
      f AS (
        INSERT INTO asset_files (asset_id, name, role, sha256, size_bytes, content_type, task_id, kind, tenant_id)
        SELECT DISTINCT ON (j.asset_id, x.name) j.asset_id, x.name, 'derived', x.sha256, x.size_bytes, x.content_type,
               x.task_id, x.kind, x.tenant_id
          FROM x JOIN jobs j ON j.id = x.job_id
         WHERE j.id = ANY(ARRAY(SELECT job_id FROM x))
         ORDER BY j.asset_id, x.name, x.n DESC
        ON CONFLICT (asset_id, name) DO UPDATE SET sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
               content_type = excluded.content_type, task_id = excluded.task_id, kind = excluded.kind,
               created_at = now()),
      dc AS (
        SELECT p2.id, count(*) AS n FROM t JOIN tasks p2 ON p2.job_id = t.job_id AND t.id = ANY(p2.depends_on)
         WHERE p2.job_id = ANY(ARRAY(SELECT job_id FROM t)) AND p2.state = 'pending' GROUP BY p2.id),
      d AS (
        UPDATE tasks p SET pending_deps = p.pending_deps - dc.n,
               state = CASE WHEN p.pending_deps - dc.n <= 0 THEN 'queued' ELSE p.state END,
               run_at = now(), updated_at = now()
          FROM dc WHERE p.id = ANY(ARRAY(SELECT id FROM dc)) AND p.id = dc.id
        RETURNING p.state),
      c AS (SELECT job_id, count(*) AS n FROM t GROUP BY job_id),
      j AS (
        UPDATE jobs SET tasks_done = tasks_done + c.n, updated_at = now(),
               state = CASE WHEN tasks_done + c.n >= tasks_total AND state = 'running' THEN 'succeeded' ELSE state END,
               finished_at = CASE WHEN tasks_done + c.n >= tasks_total AND state = 'running' THEN now() ELSE finished_at END
          FROM c WHERE jobs.id = ANY(ARRAY(SELECT job_id FROM c)) AND jobs.id = c.job_id
        RETURNING jobs.id, jobs.asset_id, jobs.tasks_done, jobs.tasks_total, jobs.state),
      s AS (
        UPDATE assets SET status = 'ready', updated_at = now()
          FROM j WHERE assets.id = ANY(ARRAY(SELECT asset_id FROM j)) AND assets.id = j.asset_id AND j.state = 'succeeded'
           AND assets.status <> 'ready'),
      e AS (
        INSERT INTO job_events (job_id, type, data)
        SELECT job_id, type, data FROM (
          SELECT t.job_id, 'task.succeeded' AS type, jsonb_build_object('task', t.name, 'attempt', t.attempt,
                 'type', t.type, 'durationMs', greatest(0, (extract(epoch FROM now() - t.leased_at) * 1000)::bigint)) AS data,
                 0 AS k, t.name AS sub FROM t
          UNION ALL
          SELECT j.id, 'job.progress', jsonb_build_object('progress',
                 CASE WHEN j.tasks_total = 0 THEN 1.0 ELSE j.tasks_done::float8 / j.tasks_total END,
                 'tasksDone', j.tasks_done, 'tasksTotal', j.tasks_total), 1, '' FROM j
          UNION ALL
          SELECT j.id, 'job.succeeded', '{}'::jsonb, 2, '' FROM j WHERE j.state = 'succeeded') ev
         ORDER BY job_id, k, sub
        RETURNING id, job_id, type, data, created_at),
      %s
      SELECT t.id AS task_id, NULL::bigint AS ev_id, NULL::uuid AS ev_job, NULL::text AS ev_type, NULL::jsonb AS ev_data,
             NULL::timestamptz AS ev_at, (SELECT count(*) FROM d WHERE d.state = 'queued') AS queued
        FROM t
      UNION ALL
      SELECT NULL, e.id, e.job_id, e.type, e.data, e.created_at, NULL FROM e
      """
          .formatted(
              TaskType.INSPECT.wire(), TaskType.THUMBNAIL.wire(), EventBatch.tenantCopy("te", "e"));

  /**
   * Runs {@link #COMPLETE_BATCH_SQL} over {@code batch} (no task twice, no inspect task); it
   * commits on its own. A completion it did not take ({@link BatchResult#done} lacks its task) lost
   * its lease or is an inspect. The future fails when the statement failed, which then changed
   * nothing.
   */
  public Future<BatchResult> completeBatch(List<Completion> batch) {
    EventBatch events = new EventBatch();
    return pool.preparedQuery(COMPLETE_BATCH_SQL)
        .execute(batchArgs(batch, false))
        .map(
            rows -> {
              BatchResult r = readBatch(rows, events);
              events.publish(publisher);
              return r;
            });
  }

  /**
   * The parameters of {@link #COMPLETE_BATCH_SQL} for these completions (no task twice).
   *
   * @param inspect whether inspect tasks are taken (only with their fan-out done in the same
   *     transaction)
   */
  private static Tuple batchArgs(List<Completion> batch, boolean inspect) {
    int n = batch.size();
    UUID[] ids = new UUID[n];
    Integer[] attempts = new Integer[n];
    String[] tokens = new String[n];
    String[] results = new String[n];
    List<UUID> outTask = new ArrayList<>();
    List<String> outName = new ArrayList<>();
    List<String> outSha = new ArrayList<>();
    List<Long> outSize = new ArrayList<>();
    List<String> outType = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Completion c = batch.get(i);
      ids[i] = c.taskId();
      attempts[i] = c.attempt();
      tokens[i] = c.leaseToken();
      results[i] = c.result() == null ? null : c.result().encode();
      for (TaskOutput o : c.outputs()) {
        outTask.add(ids[i]);
        outName.add(o.name());
        outSha.add(o.sha256());
        outSize.add(o.size());
        outType.add(o.contentType());
      }
    }
    return Tuple.from(
        new Object[] {
          ids,
          attempts,
          tokens,
          results,
          outTask.toArray(new UUID[0]),
          outName.toArray(new String[0]),
          outSha.toArray(new String[0]),
          outSize.toArray(new Long[0]),
          outType.toArray(new String[0]),
          inspect
        });
  }

  /** Reads a batch statement's rows; the events it wrote go to {@code events}. */
  private static BatchResult readBatch(RowSet<Row> rows, EventBatch events) {
    Set<UUID> done = new HashSet<>();
    boolean queued = false;
    for (Row r : rows) {
      UUID tid = r.getUUID("task_id");
      if (tid != null) {
        done.add(tid);
        queued |= r.getLong("queued") > 0;
      } else {
        events.written(EventBatch.fromRow(r, "ev_id", "ev_job", "ev_type", "ev_data", "ev_at"));
      }
    }
    return new BatchResult(done, queued);
  }

  /**
   * Plans what an inspect result adds to its job: the texture fan-out (the planner's pure
   * function). Given the inspect task's id, its result and the job's tasks that wait for something
   * (pending), it answers the placeholder to expand, or empty when there is none.
   */
  @FunctionalInterface
  public interface FanOutPlanner {
    Optional<PlaceholderExpansion> expand(
        UUID inspectId, JsonNode inspectResult, List<PlannedTask> waiting);
  }

  /** What one completion did: whether it counted, and whether tasks became ready. */
  public record Outcome(boolean accepted, boolean queued) {}

  /**
   * One succeeded attempt in its own transaction: the batch statement for one task, after what an
   * inspect result adds (the asset's metadata and the expansion {@code planner} decides, whose
   * events are written first). Used for inspect results and whatever a batch did not take.
   */
  public Future<Outcome> completeOne(Completion c, FanOutPlanner planner) {
    boolean[] queued = {false};
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    "SELECT job_id, type FROM tasks WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND state = 'leased' FOR UPDATE")
                .execute(Tuple.of(c.taskId(), c.attempt(), c.leaseToken()))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(new Outcome(false, false));
                      }
                      Row t = rs.iterator().next();
                      UUID jobId = t.getUUID("job_id");
                      Future<Void> before =
                          !TaskType.INSPECT.wire().equals(t.getString("type"))
                              ? Future.succeededFuture()
                              : conn.preparedQuery(
                                      "UPDATE assets SET metadata = $2, updated_at = now() WHERE id = (SELECT asset_id FROM jobs WHERE id = $1)")
                                  .execute(Tuple.of(jobId, c.result()))
                                  .compose(
                                      x ->
                                          expand(
                                              conn, jobId, c.taskId(), c.result(), planner, events))
                                  .compose(
                                      q -> {
                                        queued[0] |= q;
                                        return events.flush(conn);
                                      });
                      return before
                          .compose(
                              v ->
                                  conn.preparedQuery(COMPLETE_BATCH_SQL)
                                      .execute(batchArgs(List.of(c), true)))
                          .map(
                              rows -> {
                                BatchResult r = readBatch(rows, events);
                                queued[0] |= r.queued();
                                return new Outcome(r.done().contains(c.taskId()), queued[0]);
                              });
                    }));
  }

  /**
   * Applies the expansion the planner decides for the job's waiting tasks: inserts the new tasks
   * (ready), points the placeholder's dependents at them, queues what no longer waits, removes the
   * placeholder and corrects the job's task count. Returns whether tasks were queued.
   */
  private Future<Boolean> expand(
      SqlConnection conn,
      UUID jobId,
      UUID inspectId,
      JsonObject inspect,
      FanOutPlanner planner,
      EventBatch events) {
    return conn.preparedQuery(
            """
            SELECT id, type, name, params, depends_on, max_attempts FROM tasks
             WHERE job_id = $1 AND state = 'pending' FOR UPDATE""")
        .execute(Tuple.of(jobId))
        .compose(
            rs -> {
              List<PlannedTask> waiting = new ArrayList<>();
              Map<UUID, Row> rows = new HashMap<>();
              for (Row r : rs) {
                UUID id = r.getUUID("id");
                rows.put(id, r);
                waiting.add(
                    new PlannedTask(
                        id,
                        r.getString("name"),
                        TaskType.fromWire(r.getString("type")),
                        JsonTrees.toJackson(r.getJsonObject("params")),
                        List.of(r.getArrayOfUUIDs("depends_on"))));
              }
              Optional<PlaceholderExpansion> planned =
                  waiting.isEmpty()
                      ? Optional.empty()
                      : planner.expand(inspectId, JsonTrees.toJackson(inspect), waiting);
              if (planned.isEmpty()) {
                return Future.succeededFuture(false);
              }
              PlaceholderExpansion x = planned.get();
              Row placeholder = rows.get(x.placeholder());
              List<Tuple> added = new ArrayList<>();
              for (PlannedTask a : x.added()) {
                added.add(
                    Tuple.of(
                        a.id(),
                        jobId,
                        a.type().wire(),
                        a.name(),
                        JsonTrees.toVertx(a.params()),
                        a.dependsOn().toArray(new UUID[0]),
                        placeholder.getInteger("max_attempts")));
              }
              int n = x.rewired().size();
              UUID[] rewired = new UUID[n];
              String[] dependsOn = new String[n];
              Integer[] pendingDelta = new Integer[n];
              for (int i = 0; i < n; i++) {
                PlannedTask r = x.rewired().get(i);
                rewired[i] = r.id();
                dependsOn[i] =
                    r.dependsOn().stream()
                        .map(UUID::toString)
                        .collect(Collectors.joining(",", "{", "}"));
                pendingDelta[i] =
                    r.dependsOn().size() - rows.get(r.id()).getArrayOfUUIDs("depends_on").length;
              }
              Future<?> insert =
                  added.isEmpty()
                      ? Future.succeededFuture()
                      : conn.preparedQuery(
                              """
                  INSERT INTO tasks (id, job_id, type, name, params, state, depends_on, pending_deps, max_attempts)
                  VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7)""")
                          .executeBatch(added);
              return insert
                  .compose(
                      v ->
                          conn.preparedQuery(
                                  """
                  UPDATE tasks t SET depends_on = v.depends_on::uuid[], pending_deps = t.pending_deps + v.delta,
                         updated_at = now()
                    FROM unnest($2::uuid[], $3::text[], $4::int[]) AS v(id, depends_on, delta)
                   WHERE t.job_id = $1 AND t.id = v.id""")
                              .execute(Tuple.of(jobId, rewired, dependsOn, pendingDelta)))
                  .compose(
                      v ->
                          conn.preparedQuery(
                                  """
                  UPDATE tasks SET state = 'queued', run_at = now() WHERE job_id = $1 AND state = 'pending' AND pending_deps <= 0""")
                              .execute(Tuple.of(jobId)))
                  .compose(
                      v ->
                          conn.preparedQuery("DELETE FROM tasks WHERE id = $1")
                              .execute(Tuple.of(x.placeholder())))
                  .compose(
                      v ->
                          conn.preparedQuery(
                                  "UPDATE jobs SET tasks_total = tasks_total - 1 + $2 WHERE id = $1")
                              .execute(Tuple.of(jobId, x.added().size())))
                  .compose(
                      v ->
                          events.record(
                              jobId,
                              "job.planned",
                              new JsonObject().put("textures", x.added().size())))
                  .map(v -> true);
            });
  }

  /**
   * Whether the attempt still holds its lease (locks the row for the length of a transaction of its
   * own).
   */
  public Future<Boolean> holdsLease(UUID taskId, int attempt, String leaseToken) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT id FROM tasks WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND state = 'leased' FOR UPDATE")
                .execute(Tuple.of(taskId, attempt, leaseToken))
                .map(rs -> rs.size() > 0));
  }

  // ---------------------------------------------------------------- failure, requeue, cancel

  /**
   * What becomes of a task whose attempt ended in error: {@link TaskState#QUEUED} again after
   * {@code delayMs}, or {@link TaskState#FAILED} or {@link TaskState#DEAD} (then its job fails).
   */
  public record Verdict(TaskState next, long delayMs) {
    public Verdict {
      if (next != TaskState.QUEUED && next != TaskState.FAILED && next != TaskState.DEAD) {
        throw new IllegalArgumentException(
            "an ended attempt leaves its task queued, failed or dead, not " + next);
      }
    }
  }

  /** The caller's retry policy, asked with the task row locked. */
  @FunctionalInterface
  public interface RetryDecision {
    /**
     * @param attempt the attempt that ended (1 for the first)
     * @param maxAttempts the task's budget of attempts
     */
    Verdict decide(int attempt, int maxAttempts);
  }

  /** How many attempts a call ended, and how many of their tasks went back to the queue. */
  public record Ended(int ended, int requeued) {
    static final Ended NONE = new Ended(0, 0);
  }

  /**
   * Ends the attempt that holds ({@code taskId}, {@code leaseToken}) with {@code error} (outcome
   * {@code failed}).
   */
  public Future<Ended> fail(UUID taskId, String leaseToken, TaskError error, RetryDecision decide) {
    return endAttempt(taskId, leaseToken, "", null, error, "failed", decide);
  }

  /**
   * Ends the attempt that holds ({@code taskId}, {@code leaseToken}) as timed out (outcome {@code
   * timed_out}), if it was leased at least {@code maxRuntimeMs} ago.
   */
  public Future<Ended> timeOut(
      UUID taskId, String leaseToken, long maxRuntimeMs, TaskError error, RetryDecision decide) {
    return endAttempt(
        taskId,
        leaseToken,
        "AND leased_at <= now() - ($3::bigint * interval '1 millisecond')",
        maxRuntimeMs,
        error,
        "timed_out",
        decide);
  }

  /**
   * Ends the current attempt of a leased task with an error and applies the retry decision.
   *
   * @param extraWhere additional condition on the task row ($1 = id, $2 = token, $3 = extraArg)
   */
  private Future<Ended> endAttempt(
      UUID taskId,
      String token,
      String extraWhere,
      Object extraArg,
      TaskError error,
      String outcome,
      RetryDecision decide) {
    Tuple args = extraArg == null ? Tuple.of(taskId, token) : Tuple.of(taskId, token, extraArg);
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    "SELECT id, job_id, name, attempt, max_attempts, cancel_requested, "
                        + RAN_MS
                        + " FROM tasks"
                        + " WHERE id = $1 AND lease_token = $2 AND state = 'leased' "
                        + extraWhere
                        + " FOR UPDATE")
                .execute(args)
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(Ended.NONE);
                      }
                      Row t = rs.iterator().next();
                      return failLocked(conn, t, error, outcome, decide, events)
                          .map(q -> new Ended(1, q ? 1 : 0));
                    }));
  }

  /**
   * With the task row locked: closes the attempt, then retries, fails or kills the task. Returns
   * true when requeued.
   */
  /**
   * The columns {@link #failLocked} reads besides the fence: the task's type and how long its
   * attempt held the lease (for the end events, and the metrics drawn from them).
   */
  private static final String RAN_MS =
      "type, greatest(0, (extract(epoch FROM now() - leased_at) * 1000)::bigint) AS ran_ms";

  private static Future<Boolean> failLocked(
      SqlConnection conn,
      Row t,
      TaskError error,
      String outcome,
      RetryDecision decide,
      EventBatch events) {
    UUID taskId = t.getUUID("id");
    UUID jobId = t.getUUID("job_id");
    int attempt = t.getInteger("attempt");
    String name = t.getString("name");
    Future<Void> closeAttempt =
        conn.preparedQuery(
                """
            UPDATE task_attempts SET finished_at = now(), outcome = $3, error_code = $4, error_message = $5
             WHERE task_id = $1 AND attempt = $2""")
            .execute(Tuple.of(taskId, attempt, outcome, error.code(), truncate(error.message())))
            .mapEmpty();
    if (t.getBoolean("cancel_requested")) {
      return closeAttempt
          .compose(
              v ->
                  conn.preparedQuery(
                          """
              UPDATE tasks SET state = 'cancelled', finished_at = now(), lease_expires_at = NULL, updated_at = now()
               WHERE id = $1""")
                      .execute(Tuple.of(taskId)))
          .compose(
              v ->
                  events.record(
                      jobId,
                      "task.cancelled",
                      new JsonObject()
                          .put("task", name)
                          .put("attempt", attempt)
                          .put("type", t.getString("type"))
                          .put("durationMs", t.getLong("ran_ms"))))
          .map(false);
    }
    Verdict d = decide.decide(attempt, t.getInteger("max_attempts"));
    JsonObject evt =
        new JsonObject()
            .put("task", name)
            .put("attempt", attempt)
            .put("code", error.code())
            .put("message", error.message())
            .put("type", t.getString("type"))
            .put("durationMs", t.getLong("ran_ms"));
    if (d.next() == TaskState.QUEUED) {
      return closeAttempt
          .compose(
              v ->
                  conn.preparedQuery(
                          """
              UPDATE tasks SET state = 'queued', run_at = now() + ($2::bigint * interval '1 millisecond'),
                     lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, progress = 0,
                     error_code = $3, error_message = $4, updated_at = now()
               WHERE id = $1""")
                      .execute(
                          Tuple.of(taskId, d.delayMs(), error.code(), truncate(error.message()))))
          .compose(v -> events.record(jobId, "task.retrying", evt.put("delayMs", d.delayMs())))
          .map(true);
    }
    String state = d.next().wire();
    return closeAttempt
        .compose(
            v ->
                conn.preparedQuery(
                        """
            UPDATE tasks SET state = $2, finished_at = now(), lease_expires_at = NULL,
                   error_code = $3, error_message = $4, updated_at = now()
             WHERE id = $1""")
                    .execute(Tuple.of(taskId, state, error.code(), truncate(error.message()))))
        .compose(v -> events.record(jobId, "task." + state, evt))
        .compose(v -> failJob(conn, jobId, error, name, events))
        .map(false);
  }

  private static Future<Void> failJob(
      SqlConnection conn, UUID jobId, TaskError error, String taskName, EventBatch events) {
    String message = "task " + taskName + " failed: " + error.message();
    return conn.preparedQuery(
            """
            UPDATE jobs SET state = 'failed', error_code = $2, error_message = $3, finished_at = now(), updated_at = now()
             WHERE id = $1 AND state IN ('queued', 'running') RETURNING asset_id""")
        .execute(Tuple.of(jobId, error.code(), truncate(message)))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture();
              }
              UUID assetId = rs.iterator().next().getUUID("asset_id");
              return stopOtherTasks(conn, jobId)
                  .compose(
                      v ->
                          conn.preparedQuery(
                                  "UPDATE assets SET status = 'failed', updated_at = now() WHERE id = $1")
                              .execute(Tuple.of(assetId)))
                  .compose(
                      v ->
                          events.record(
                              jobId,
                              "job.failed",
                              new JsonObject()
                                  .put("code", error.code())
                                  .put("message", message)
                                  .put("task", taskName)));
            });
  }

  private static Future<Void> stopOtherTasks(SqlConnection conn, UUID jobId) {
    return conn.preparedQuery(
            """
            UPDATE tasks SET state = 'cancelled', finished_at = now(), updated_at = now()
             WHERE job_id = $1 AND state IN ('pending', 'queued')""")
        .execute(Tuple.of(jobId))
        .compose(
            v ->
                conn.preparedQuery(
                        """
            UPDATE tasks SET cancel_requested = true, updated_at = now()
             WHERE job_id = $1 AND state = 'leased'""")
                    .execute(Tuple.of(jobId)))
        .mapEmpty();
  }

  /**
   * Ends every lease whose expiry is before {@code now} (outcome {@code lease_expired}), up to 500
   * per call.
   *
   * @param now the database's wall clock: in production {@code Clock.systemUTC()} on a host whose
   *     time agrees with the database server's (leases expire by the server's {@code now()})
   */
  public Future<Ended> reclaimExpired(Instant now, TaskError error, RetryDecision decide) {
    return endLeases(
        "lease_expires_at < $1",
        Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC)),
        error,
        "lease_expired",
        decide);
  }

  /** Ends every lease held by {@code nodeId} (outcome {@code node_lost}), up to 500 per call. */
  public Future<Ended> requeueNode(String nodeId, TaskError error, RetryDecision decide) {
    return endLeases("lease_owner = $1", Tuple.of(nodeId), error, "node_lost", decide);
  }

  /**
   * Ends every lease held by a node not in {@code liveNodes} (outcome {@code node_lost}), up to 500
   * per call.
   */
  public Future<Ended> requeueOrphans(
      Set<String> liveNodes, TaskError error, RetryDecision decide) {
    return endLeases(
        "NOT (lease_owner = ANY($1))",
        Tuple.of((Object) liveNodes.toArray(new String[0])),
        error,
        "node_lost",
        decide);
  }

  private Future<Ended> endLeases(
      String condition, Tuple args, TaskError error, String outcome, RetryDecision decide) {
    int[] requeued = {0};
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    "SELECT id, job_id, name, attempt, max_attempts, cancel_requested, "
                        + RAN_MS
                        + " FROM tasks"
                        // every lease has an expiry: that reaches the running leases through their
                        // index
                        + " WHERE state = 'leased' AND lease_expires_at IS NOT NULL AND "
                        + condition
                        + " ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED")
                .execute(args)
                .compose(
                    rs -> {
                      Future<Integer> f = Future.succeededFuture(0);
                      for (Row t : rs) {
                        f =
                            f.compose(
                                n ->
                                    failLocked(conn, t, error, outcome, decide, events)
                                        .map(
                                            q -> {
                                              if (q) {
                                                requeued[0]++;
                                              }
                                              return n + 1;
                                            }));
                      }
                      return f.map(n -> new Ended(n, requeued[0]));
                    }));
  }

  /**
   * Whether a queued task is ready by {@code now} (its {@code run_at} passed): what parked lease
   * requests wait for when a retry's backoff ends.
   *
   * @param now the database's wall clock (see {@link #reclaimExpired})
   */
  public Future<Boolean> anyReady(Instant now) {
    return pool.preparedQuery(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE state = 'queued' AND run_at <= $1) AS ready")
        .execute(Tuple.of(OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
        .map(rs -> rs.iterator().next().getBoolean("ready"));
  }

  /**
   * Cancels a job: tasks not started are cancelled, running ones are told to stop in their next
   * heartbeat reply. Returns false when the actor's tenant has no such job or it already finished.
   */
  public Future<Boolean> cancelJob(Actor actor, UUID jobId) {
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    """
            UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),
                   error_code = 'TASK_CANCELLED', error_message = 'cancelled on request'
             WHERE id = $1 AND tenant_id = $2 AND state IN ('queued', 'running') RETURNING asset_id""")
                .execute(Tuple.of(jobId, actor.tenant()))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      return stopOtherTasks(conn, jobId)
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          """
                  UPDATE assets SET status = 'failed', updated_at = now()
                   WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE asset_id = $1 AND state = 'succeeded')""")
                                      .execute(Tuple.of(rs.iterator().next().getUUID("asset_id"))))
                          .compose(v -> events.record(jobId, "job.cancelled", new JsonObject()))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn, actor, "job", List.of(jobId.toString()), null))
                          .map(true);
                    }));
  }

  /**
   * Re-drives a failed or cancelled job: its failed, dead and cancelled tasks get {@code
   * freshAttempts} more attempts and go back to the queue (or wait for their dependencies). Earlier
   * attempts stay recorded. Returns false when the actor's tenant has no such job or it is neither
   * failed nor cancelled.
   */
  public Future<Boolean> retryJob(Actor actor, UUID jobId, int freshAttempts) {
    return EventBatch.inTransaction(
        pool,
        publisher,
        (conn, events) ->
            conn.preparedQuery(
                    """
            UPDATE jobs SET state = 'queued', finished_at = NULL, error_code = NULL, error_message = NULL, updated_at = now()
             WHERE id = $1 AND tenant_id = $2 AND state IN ('failed', 'cancelled') RETURNING asset_id""")
                .execute(Tuple.of(jobId, actor.tenant()))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      UUID assetId = rs.iterator().next().getUUID("asset_id");
                      return conn.preparedQuery(
                              """
                  UPDATE tasks t SET max_attempts = t.attempt + $2, cancel_requested = false, error_code = NULL,
                         error_message = NULL, finished_at = NULL, run_at = now(), updated_at = now(),
                         pending_deps = (SELECT count(*) FROM tasks d WHERE d.id = ANY(t.depends_on) AND d.state <> 'succeeded'),
                         state = CASE WHEN EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY(t.depends_on) AND d.state <> 'succeeded')
                                      THEN 'pending' ELSE 'queued' END
                   WHERE t.job_id = $1 AND t.state IN ('failed', 'dead', 'cancelled')""")
                          .execute(Tuple.of(jobId, freshAttempts))
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          """
                  UPDATE jobs SET tasks_done = (SELECT count(*) FROM tasks WHERE job_id = $1 AND state = 'succeeded')
                   WHERE id = $1""")
                                      .execute(Tuple.of(jobId)))
                          .compose(
                              v ->
                                  conn.preparedQuery(
                                          "UPDATE assets SET status = 'processing', updated_at = now() WHERE id = $1")
                                      .execute(Tuple.of(assetId)))
                          .compose(v -> events.record(jobId, "job.retried", new JsonObject()))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn, actor, "job", List.of(jobId.toString()), null))
                          .map(true);
                    }));
  }

  private static String truncate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }
}
