package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.protocol.CompleteReply;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.HeartbeatReply;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskInput;
import dev.assetgrid.shared.protocol.TaskOutput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The durable task queue: leasing, heartbeats, fenced completion, retries, requeue of lost leases
 * and cancellation, all as PostgreSQL transactions (River/SQS style at-least-once).
 *
 * <p>Design note. A lease is one {@code UPDATE ... WHERE id = ANY(ARRAY(SELECT ... FOR UPDATE SKIP
 * LOCKED))} that bumps {@code attempt} and sets a fresh random token; concurrent coordinators and nodes never
 * get the same row. Every later write about the attempt (heartbeat, completion) repeats
 * {@code id, attempt, lease_token, state='leased'} in its WHERE clause, so a node that lost its lease
 * (expired, its node declared dead, the job cancelled) can no longer change anything: its completion
 * is refused and its outputs are not recorded. Attempts are rows in {@code task_attempts}.
 *
 * <p>The queue's statements run on a pool that plans each of them once per connection (generic
 * plans). Every key that reaches a big table comes from a parameter or an {@code ARRAY(...)} of a
 * CTE, so those plans use indexes even when the statistics are stale (after a bulk load the
 * planner believed the ready queue held 11 rows and sorted 20,000 of them on every lease).
 */
public final class Scheduler {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Scheduler.class);

  /** Tunables of the queue; see {@code CoordinatorConfig} for defaults. */
  public record Settings(Duration lease, Duration maxRuntime, RetryPolicy retry) {}

  /** Where nodes fetch inputs and put outputs; built from the coordinator's public URL. */
  public interface Urls {
    String input(UUID taskId, String sha256);

    String outputs(UUID taskId);
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Settings settings;
  private final Urls urls;
  private final Runnable onQueued;

  /**
   * @param onQueued called after a transaction made tasks ready (wakes idle nodes)
   */
  public Scheduler(Vertx vertx, Pool pool, Settings settings, Urls urls, Runnable onQueued) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.urls = urls;
    this.onQueued = onQueued;
  }

  public Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- lease

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
   * <p>Inputs are the asset's original and side files, and the outputs of every task each leased one
   * depends on, directly or not (optimize-mesh reads convert's GLB through inspect). A nearer
   * ancestor's output shadows a farther one's of the same name, and any output shadows a side file
   * of the same name (the derived file is what the stage asked for). Ancestors are looked for among
   * the tasks of the leased tasks' jobs only.
   */
  static final String LEASE_SQL = """
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
        RETURNING t.id, t.job_id, t.name, t.type, t.params, t.attempt, t.lease_token, t.lease_expires_at, t.depends_on),
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
          SELECT l.job_id, 'task.leased', jsonb_build_object('task', l.name, 'attempt', l.attempt, 'node', $1::text),
                 1, l.name FROM l) ev
         ORDER BY job_id, k, sub
        RETURNING id, job_id, type, data, created_at),
      jt AS MATERIALIZED (
        SELECT id, depends_on FROM tasks WHERE job_id = ANY(ARRAY(SELECT job_id FROM l))),
      anc(task_id, anc_id, depth) AS (
        SELECT l.id, d, 1 FROM l, unnest(l.depends_on) AS d
        UNION
        SELECT anc.task_id, d, anc.depth + 1
          FROM anc JOIN jt p ON p.id = anc.anc_id, unnest(p.depends_on) AS d
         WHERE anc.depth < 64),
      i AS (
        SELECT DISTINCT ON (task_id, name) task_id, name, sha256, size_bytes FROM (
          SELECT l.id AS task_id, f.name, f.sha256, f.size_bytes, 1000 AS rank
            FROM l JOIN jobs jb ON jb.id = l.job_id
            JOIN asset_files f ON f.asset_id = jb.asset_id AND f.role IN ('original', 'side')
           WHERE jb.id = ANY(ARRAY(SELECT job_id FROM l))
          UNION ALL
          SELECT anc.task_id, o.name, o.sha256, o.size_bytes, anc.depth
            FROM anc JOIN task_outputs o ON o.task_id = anc.anc_id
           WHERE o.task_id = ANY(ARRAY(SELECT anc_id FROM anc))) x
        ORDER BY task_id, name, rank)
      SELECT l.id, l.type, l.params, l.attempt, l.lease_token, l.lease_expires_at,
             NULL::bigint AS ev_id, NULL::uuid AS ev_job, NULL::text AS ev_type, NULL::jsonb AS ev_data,
             NULL::timestamptz AS ev_at, NULL::uuid AS in_task, NULL::text AS in_name, NULL::text AS in_sha,
             NULL::bigint AS in_size
        FROM l
      UNION ALL
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, e.id, e.job_id, e.type, e.data, e.created_at, NULL, NULL, NULL, NULL
        FROM e
      UNION ALL
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, i.task_id, i.name, i.sha256, i.size_bytes
        FROM i
      """;

  /**
   * Leases up to {@code freeSlots} ready tasks of the node's types, with their inputs; empty when
   * none is ready. One statement, which commits on its own.
   */
  public Future<List<LeasedTask>> lease(LeaseRequest r) {
    if (r.freeSlots() <= 0 || r.capabilities().isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JobEvents.Batch events = new JobEvents.Batch();
    long t0 = System.nanoTime();
    return pool.preparedQuery(LEASE_SQL)
        .execute(Tuple.of(r.nodeId(), r.capabilities().toArray(new String[0]), Math.min(r.freeSlots(), 64),
            settings.lease().toMillis()))
        .map(rows -> {
          List<Row> leased = new ArrayList<>();
          Map<UUID, List<TaskInput>> inputs = new HashMap<>();
          for (Row x : rows) {
            if (x.getUUID("id") != null) {
              leased.add(x);
            } else if (x.getLong("ev_id") != null) {
              events.written(JobEvents.fromRow(x, "ev_id", "ev_job", "ev_type", "ev_data", "ev_at"));
            } else {
              UUID tid = x.getUUID("in_task");
              String sha = x.getString("in_sha");
              inputs.computeIfAbsent(tid, k -> new ArrayList<>()).add(new TaskInput(x.getString("in_name"), sha,
                  x.getLong("in_size"), urls.input(tid, sha)));
            }
          }
          events.publish(vertx);
          List<LeasedTask> out = new ArrayList<>();
          for (Row x : leased) {
            UUID tid = x.getUUID("id");
            out.add(new LeasedTask(tid.toString(), x.getInteger("attempt"), x.getString("lease_token"),
                x.getOffsetDateTime("lease_expires_at").toInstant().toEpochMilli(), x.getString("type"),
                x.getJsonObject("params"), inputs.getOrDefault(tid, List.of()), urls.outputs(tid)));
          }
          if (!out.isEmpty()) {
            leases.incrementAndGet();
            leasedTasks.addAndGet(out.size());
            leaseNanos.addAndGet(System.nanoTime() - t0);
          }
          return out;
        });
  }

  // ---------------------------------------------------------------- heartbeat

  static final String EXTEND_SQL = """
      UPDATE tasks t
         SET lease_expires_at = now() + ($4::bigint * interval '1 millisecond'),
             progress = CASE WHEN v.progress >= 0 THEN least(v.progress, 1) ELSE t.progress END, updated_at = now()
        FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS v(id, token, progress)
       WHERE t.id = ANY($1::uuid[]) AND t.id = v.id AND t.lease_token = v.token AND t.state = 'leased' AND NOT t.cancel_requested
         AND t.leased_at > now() - ($5::bigint * interval '1 millisecond')
      RETURNING t.id, t.lease_expires_at
      """;

  /** Extends the leases still held; everything else in the heartbeat is answered as cancelled. */
  public Future<HeartbeatReply> heartbeat(Heartbeat hb) {
    if (hb.leases().isEmpty()) {
      return Future.succeededFuture(new HeartbeatReply(List.of(), List.of(), 0));
    }
    List<UUID> ids = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    List<Double> progress = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    for (Heartbeat.Lease l : hb.leases()) {
      UUID id = dev.assetgrid.shared.util.Ids.parse(l.taskId());
      if (id == null || l.leaseToken() == null) {
        malformed.add(l.taskId());
        continue;
      }
      ids.add(id);
      tokens.add(l.leaseToken());
      progress.add(l.progress());
    }
    return pool.preparedQuery(EXTEND_SQL)
        .execute(Tuple.of(ids.toArray(new UUID[0]), tokens.toArray(new String[0]), progress.toArray(new Double[0]),
            settings.lease().toMillis(), settings.maxRuntime().toMillis()))
        .compose(rows -> {
          Set<String> extended = new java.util.HashSet<>();
          long expires = 0;
          for (Row r : rows) {
            extended.add(r.getUUID("id").toString());
            expires = Math.max(expires, r.getOffsetDateTime("lease_expires_at").toInstant().toEpochMilli());
          }
          List<String> cancelled = new ArrayList<>(malformed);
          List<Heartbeat.Lease> overdue = new ArrayList<>();
          for (Heartbeat.Lease l : hb.leases()) {
            if (!extended.contains(l.taskId()) && !malformed.contains(l.taskId())) {
              cancelled.add(l.taskId());
              overdue.add(l);
            }
          }
          long exp = expires;
          // leases refused because the attempt ran past its max runtime end here, as a timed-out attempt
          return timeOut(overdue).map(v -> new HeartbeatReply(List.copyOf(extended), cancelled, exp));
        });
  }

  private Future<Void> timeOut(List<Heartbeat.Lease> leases) {
    Future<Void> f = Future.succeededFuture();
    for (Heartbeat.Lease l : leases) {
      f = f.compose(v -> endAttempt(UUID.fromString(l.taskId()), l.leaseToken(),
          "AND leased_at <= now() - ($3::bigint * interval '1 millisecond')", settings.maxRuntime().toMillis(),
          TaskError.of(ErrorCode.TASK_TIMED_OUT, ErrorCode.TASK_TIMED_OUT.format(settings.maxRuntime())),
          "timed_out", false).mapEmpty());
    }
    return f;
  }

  // ---------------------------------------------------------------- complete

  /**
   * Records the end of an attempt, if — and only if — the attempt still holds the lease.
   *
   * <p>Successes are group-committed: while one batch statement runs, the completions that arrive
   * queue up and go together in the next one ({@link #COMPLETE_BATCH_SQL}), so the cost per task
   * falls as load rises instead of every task paying its own transaction. What the batch statement
   * does not take — failures, inspect results (they plan the texture fan-out), duplicates in one
   * batch, attempts that lost their lease — goes through the one-at-a-time path.
   */
  public Future<CompleteReply> complete(CompleteRequest c) {
    UUID taskId = dev.assetgrid.shared.util.Ids.parse(c.taskId());
    if (taskId == null || c.leaseToken() == null) {
      return Future.succeededFuture(new CompleteReply(false, "malformed task id or lease token"));
    }
    if (c.outcome() == CompleteRequest.Outcome.FAILED) {
      return completeOne(c, taskId);
    }
    Promise<CompleteReply> reply = Promise.promise();
    boolean start;
    synchronized (completions) {
      completions.add(new PendingCompletion(c, taskId, reply));
      start = !completing;
      completing = true;
    }
    if (start) {
      completeBatch();
    }
    return reply.future();
  }

  /** The most completions one batch statement takes. */
  static final int COMPLETE_BATCH_MAX = 512;

  private record PendingCompletion(CompleteRequest req, UUID taskId, Promise<CompleteReply> reply) {}

  private final ArrayDeque<PendingCompletion> completions = new ArrayDeque<>();
  private boolean completing;
  private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong batched = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong batchFailures = new java.util.concurrent.atomic.AtomicLong();

  private final java.util.concurrent.atomic.AtomicLong batchNanos = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong leases = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong leasedTasks = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong leaseNanos = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Counters of the group commit since start.
   *
   * @param batches batch statements that succeeded
   * @param completed completions those statements took
   * @param failures batch statements that failed (their completions went one by one)
   * @param batchMillis wall time of the batch statements that succeeded, summed
   */
  public record CompletionStats(long batches, long completed, long failures, double batchMillis) {}

  public CompletionStats completionStats() {
    return new CompletionStats(batches.get(), batched.get(), batchFailures.get(), batchNanos.get() / 1e6);
  }

  /**
   * What this coordinator's queue did since start, for {@code GET /v1/stats}: leases that found
   * work (statement and inputs, wall time) and the completion batches. Where a task's time between
   * lease and completion goes: a completion waits for the batch in flight, then rides the next.
   */
  public io.vertx.core.json.JsonObject queueStats() {
    CompletionStats c = completionStats();
    long n = leases.get();
    return new io.vertx.core.json.JsonObject()
        .put("leases", n).put("leasedTasks", leasedTasks.get())
        .put("leaseMeanMs", n == 0 ? 0.0 : leaseNanos.get() / 1e6 / n)
        .put("completionBatches", c.batches()).put("batchedCompletions", c.completed())
        .put("batchMeanMs", c.batches() == 0 ? 0.0 : c.batchMillis() / c.batches())
        .put("batchMeanSize", c.batches() == 0 ? 0.0 : (double) c.completed() / c.batches())
        .put("batchFailures", c.failures());
  }

  /**
   * Succeeded attempts, many at once, in one statement: fenced like a single completion (id,
   * attempt, token, state), then outputs, the dependents' counters, the jobs' counters (a job whose
   * last task ends succeeds and readies its asset) and the events. Every CTE sees the rows as they
   * were before the statement, so counters move by per-job and per-dependent counts, and a derived
   * file two jobs of one asset both write keeps the later one.
   */
  static final String COMPLETE_BATCH_SQL = """
      WITH v AS (
        SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS v(id, attempt, token, result)),
      t AS (
        UPDATE tasks t SET state = 'succeeded', result = v.result::jsonb, finished_at = now(), progress = 1,
               updated_at = now(), lease_expires_at = NULL, error_code = NULL, error_message = NULL
          FROM v
         WHERE t.id = ANY($1::uuid[]) AND t.id = v.id AND t.attempt = v.attempt AND t.lease_token = v.token
           AND t.state = 'leased' AND (t.type <> 'inspect' OR $10)
        RETURNING t.id, t.attempt, t.job_id, t.name),
      a AS (
        UPDATE task_attempts ta SET finished_at = now(), outcome = 'succeeded'
          FROM t WHERE ta.task_id = ANY($1::uuid[]) AND ta.task_id = t.id AND ta.attempt = t.attempt),
      x AS (
        SELECT x.*, t.job_id FROM unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::text[])
               WITH ORDINALITY AS x(task_id, name, sha256, size_bytes, content_type, n)
          JOIN t ON t.id = x.task_id),
      o AS (
        INSERT INTO task_outputs (task_id, name, sha256, size_bytes, content_type)
        SELECT task_id, name, sha256, size_bytes, content_type FROM x
        ON CONFLICT (task_id, name) DO NOTHING),
      f AS (
        INSERT INTO asset_files (asset_id, name, role, sha256, size_bytes, content_type, task_id)
        SELECT DISTINCT ON (j.asset_id, x.name) j.asset_id, x.name, 'derived', x.sha256, x.size_bytes, x.content_type,
               x.task_id
          FROM x JOIN jobs j ON j.id = x.job_id
         WHERE j.id = ANY(ARRAY(SELECT job_id FROM x))
         ORDER BY j.asset_id, x.name, x.n DESC
        ON CONFLICT (asset_id, name) DO UPDATE SET sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
               content_type = excluded.content_type, task_id = excluded.task_id, created_at = now()),
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
          SELECT t.job_id, 'task.succeeded' AS type, jsonb_build_object('task', t.name, 'attempt', t.attempt) AS data,
                 0 AS k, t.name AS sub FROM t
          UNION ALL
          SELECT j.id, 'job.progress', jsonb_build_object('progress',
                 CASE WHEN j.tasks_total = 0 THEN 1.0 ELSE j.tasks_done::float8 / j.tasks_total END,
                 'tasksDone', j.tasks_done, 'tasksTotal', j.tasks_total), 1, '' FROM j
          UNION ALL
          SELECT j.id, 'job.succeeded', '{}'::jsonb, 2, '' FROM j WHERE j.state = 'succeeded') ev
         ORDER BY job_id, k, sub
        RETURNING id, job_id, type, data, created_at)
      SELECT t.id AS task_id, NULL::bigint AS ev_id, NULL::uuid AS ev_job, NULL::text AS ev_type, NULL::jsonb AS ev_data,
             NULL::timestamptz AS ev_at, (SELECT count(*) FROM d WHERE d.state = 'queued') AS queued
        FROM t
      UNION ALL
      SELECT NULL, e.id, e.job_id, e.type, e.data, e.created_at, NULL FROM e
      """;

  /** Runs one batch of queued completions; when it ends, the next one (if any) starts. */
  private void completeBatch() {
    List<PendingCompletion> batch = new ArrayList<>();
    List<PendingCompletion> single = new ArrayList<>();
    synchronized (completions) {
      Set<UUID> seen = new java.util.HashSet<>();
      while (!completions.isEmpty() && batch.size() < COMPLETE_BATCH_MAX) {
        PendingCompletion p = completions.poll();
        (seen.add(p.taskId()) ? batch : single).add(p);
      }
      if (batch.isEmpty()) {
        completing = false;
        return;
      }
    }
    JobEvents.Batch events = new JobEvents.Batch();
    long t0 = System.nanoTime();
    pool.preparedQuery(COMPLETE_BATCH_SQL)
        .execute(batchArgs(batch, false))
        .onComplete(ar -> {
          if (ar.failed()) {
            // the statement changed nothing: every completion gets its own transaction instead
            LOG.warn("batch completion of {} task(s) failed, completing one by one: {}", batch.size(), ar.cause().toString());
            batchFailures.incrementAndGet();
            single.addAll(batch);
          } else {
            BatchResult r = readBatch(ar.result(), events);
            events.publish(vertx);
            if (r.queued()) {
              onQueued.run();
            }
            batchNanos.addAndGet(System.nanoTime() - t0);
            batches.incrementAndGet();
            batched.addAndGet(r.done().size());
            for (PendingCompletion p : batch) {
              if (r.done().contains(p.taskId())) {
                p.reply().complete(new CompleteReply(true, null));
              } else {
                single.add(p);
              }
            }
          }
          for (PendingCompletion p : single) {
            completeOne(p.req(), p.taskId()).onComplete(p.reply());
          }
          completeBatch();
        });
  }

  /**
   * The parameters of {@link #COMPLETE_BATCH_SQL} for these completions (no task twice).
   *
   * @param inspect whether inspect tasks are taken (only with their fan-out done in the same transaction)
   */
  private static Tuple batchArgs(List<PendingCompletion> batch, boolean inspect) {
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
      CompleteRequest c = batch.get(i).req();
      ids[i] = batch.get(i).taskId();
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
    return Tuple.from(new Object[] {ids, attempts, tokens, results, outTask.toArray(new UUID[0]),
        outName.toArray(new String[0]), outSha.toArray(new String[0]), outSize.toArray(new Long[0]),
        outType.toArray(new String[0]), inspect});
  }

  /** What a batch statement ended: the tasks it took, and whether dependents became ready. */
  private record BatchResult(Set<UUID> done, boolean queued) {}

  /** Reads a batch statement's rows; the events it wrote go to {@code events}. */
  private static BatchResult readBatch(io.vertx.sqlclient.RowSet<Row> rows, JobEvents.Batch events) {
    Set<UUID> done = new java.util.HashSet<>();
    boolean queued = false;
    for (Row r : rows) {
      UUID tid = r.getUUID("task_id");
      if (tid != null) {
        done.add(tid);
        queued |= r.getLong("queued") > 0;
      } else {
        events.written(JobEvents.fromRow(r, "ev_id", "ev_job", "ev_type", "ev_data", "ev_at"));
      }
    }
    return new BatchResult(done, queued);
  }

  /** One completion in its own transaction (failures, inspect, and whatever a batch did not take). */
  private Future<CompleteReply> completeOne(CompleteRequest c, UUID taskId) {
    if (c.outcome() == CompleteRequest.Outcome.FAILED) {
      TaskError err = c.error() != null ? c.error() : TaskError.of(ErrorCode.INTERNAL_ERROR, "no error given");
      // trust the coordinator's catalogue over the node's claim about retryability
      ErrorCode code = ErrorCode.of(err.code());
      TaskError normalized = new TaskError(code.name(), err.message(), code.retryable());
      return pool.withTransaction(conn -> conn.preparedQuery(
              "SELECT id FROM tasks WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND state = 'leased' FOR UPDATE")
          .execute(Tuple.of(taskId, c.attempt(), c.leaseToken()))
          .map(rs -> rs.size() > 0))
          .compose(held -> held
              ? endAttempt(taskId, c.leaseToken(), "", null, normalized, "failed", false)
                  .map(ok -> new CompleteReply(ok, ok ? null : "lease no longer held"))
              : Future.succeededFuture(new CompleteReply(false, "lease no longer held")));
    }
    JobEvents.Batch events = new JobEvents.Batch();
    boolean[] queued = {false};
    // the batch statement, for one task, in a transaction that first does what an inspect result
    // adds: the asset's metadata and the texture fan-out (whose events are written first)
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery(
            "SELECT job_id, type FROM tasks WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND state = 'leased' FOR UPDATE")
        .execute(Tuple.of(taskId, c.attempt(), c.leaseToken()))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(new CompleteReply(false, "lease no longer held"));
          }
          Row t = rs.iterator().next();
          UUID jobId = t.getUUID("job_id");
          Future<Void> before = !"inspect".equals(t.getString("type")) ? Future.succeededFuture()
              : conn.preparedQuery("UPDATE assets SET metadata = $2, updated_at = now() WHERE id = (SELECT asset_id FROM jobs WHERE id = $1)")
                  .execute(Tuple.of(jobId, c.result()))
                  .compose(x -> expandTextureFanOut(conn, jobId, taskId, c.result(), events))
                  .compose(q -> {
                    queued[0] |= q;
                    return events.flush(conn);
                  });
          return before
              .compose(v -> conn.preparedQuery(COMPLETE_BATCH_SQL)
                  .execute(batchArgs(List.of(new PendingCompletion(c, taskId, null)), true)))
              .map(rows -> {
                BatchResult r = readBatch(rows, events);
                queued[0] |= r.queued();
                return r.done().contains(taskId) ? new CompleteReply(true, null)
                    : new CompleteReply(false, "lease no longer held");
              });
        }))
        .onSuccess(x -> {
          events.publish(vertx);
          if (queued[0]) {
            onQueued.run();
          }
        });
  }

  /**
   * Replaces the job's compress-texture placeholder (if any) with one task per image the inspect
   * result lists, each depending on inspect, and points the placeholder's dependents at them.
   * Returns whether tasks were queued.
   */
  private Future<Boolean> expandTextureFanOut(SqlConnection conn, UUID jobId, UUID inspectId, JsonObject inspect,
      JobEvents.Batch events) {
    return conn.preparedQuery("""
            SELECT id, params, max_attempts FROM tasks
             WHERE job_id = $1 AND type = 'compress-texture' AND state = 'pending'
               AND (params ->> '""" + JobPlanner.FAN_OUT_PARAM + """
            ')::boolean FOR UPDATE""").execute(Tuple.of(jobId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row placeholder = rs.iterator().next();
          UUID placeholderId = placeholder.getUUID("id");
          java.util.TreeSet<Integer> images = new java.util.TreeSet<>();
          io.vertx.core.json.JsonArray textures = inspect.getJsonArray("textures", new io.vertx.core.json.JsonArray());
          for (int i = 0; i < textures.size(); i++) {
            Integer img = textures.getJsonObject(i).getInteger("image");
            if (img != null && img >= 0) {
              images.add(img);
            }
          }
          List<Tuple> rows = new ArrayList<>();
          List<UUID> newIds = new ArrayList<>();
          for (int img : images) {
            UUID id = dev.assetgrid.shared.util.Ids.newId();
            newIds.add(id);
            JsonObject params = placeholder.getJsonObject("params").copy();
            params.remove(JobPlanner.FAN_OUT_PARAM);
            params.put("image", img);
            rows.add(Tuple.of(id, jobId, "compress-texture", "compress-texture-" + img, params,
                new UUID[] {inspectId}, placeholder.getInteger("max_attempts")));
          }
          Future<?> insert = rows.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery("""
                  INSERT INTO tasks (id, job_id, type, name, params, state, depends_on, pending_deps, max_attempts)
                  VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7)""").executeBatch(rows);
          UUID[] replacement = newIds.toArray(new UUID[0]);
          return insert
              .compose(v -> conn.preparedQuery("""
                  UPDATE tasks SET depends_on = array_remove(depends_on, $2) || $3::uuid[],
                         pending_deps = pending_deps - 1 + cardinality($3::uuid[]), updated_at = now()
                   WHERE job_id = $1 AND $2 = ANY(depends_on)""").execute(Tuple.of(jobId, placeholderId, replacement)))
              .compose(v -> conn.preparedQuery("""
                  UPDATE tasks SET state = 'queued', run_at = now() WHERE job_id = $1 AND state = 'pending' AND pending_deps <= 0""")
                  .execute(Tuple.of(jobId)))
              .compose(v -> conn.preparedQuery("DELETE FROM tasks WHERE id = $1").execute(Tuple.of(placeholderId)))
              .compose(v -> conn.preparedQuery("UPDATE jobs SET tasks_total = tasks_total - 1 + $2 WHERE id = $1")
                  .execute(Tuple.of(jobId, newIds.size())))
              .compose(v -> events.record(conn, jobId, "job.planned", new JsonObject().put("textures", newIds.size())))
              .map(v -> true);
        });
  }

  // ---------------------------------------------------------------- failure, requeue, cancel

  /**
   * Ends the current attempt of a leased task with an error and applies the retry policy.
   *
   * @param extraWhere additional condition on the task row ($1 = id, $2 = token, $3 = extraArg)
   * @param immediate requeue without backoff (lease lost through no fault of the task)
   * @return whether an attempt was ended
   */
  private Future<Boolean> endAttempt(UUID taskId, String token, String extraWhere, Object extraArg, TaskError error,
      String outcome, boolean immediate) {
    JobEvents.Batch events = new JobEvents.Batch();
    boolean[] requeued = {false};
    Tuple args = extraArg == null ? Tuple.of(taskId, token) : Tuple.of(taskId, token, extraArg);
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery(
            "SELECT id, job_id, name, attempt, max_attempts, cancel_requested FROM tasks"
                + " WHERE id = $1 AND lease_token = $2 AND state = 'leased' " + extraWhere + " FOR UPDATE")
        .execute(args)
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row t = rs.iterator().next();
          return failLocked(conn, t, error, outcome, immediate, events).map(q -> {
            requeued[0] = q;
            return true;
          });
        }))
        .onSuccess(x -> {
          events.publish(vertx);
          if (requeued[0]) {
            onQueued.run();
          }
        });
  }

  /** With the task row locked: closes the attempt, then retries, fails or kills the task. Returns true when requeued. */
  private Future<Boolean> failLocked(SqlConnection conn, Row t, TaskError error, String outcome, boolean immediate,
      JobEvents.Batch events) {
    UUID taskId = t.getUUID("id");
    UUID jobId = t.getUUID("job_id");
    int attempt = t.getInteger("attempt");
    String name = t.getString("name");
    Future<Void> closeAttempt = conn.preparedQuery("""
            UPDATE task_attempts SET finished_at = now(), outcome = $3, error_code = $4, error_message = $5
             WHERE task_id = $1 AND attempt = $2""")
        .execute(Tuple.of(taskId, attempt, outcome, error.code(), truncate(error.message())))
        .mapEmpty();
    if (t.getBoolean("cancel_requested")) {
      return closeAttempt.compose(v -> conn.preparedQuery("""
              UPDATE tasks SET state = 'cancelled', finished_at = now(), lease_expires_at = NULL, updated_at = now()
               WHERE id = $1""").execute(Tuple.of(taskId)))
          .compose(v -> events.record(conn, jobId, "task.cancelled", new JsonObject().put("task", name)))
          .map(false);
    }
    // a lease lost through no fault of the task (expiry, node gone or draining) is requeued without delay
    boolean lostLease = ErrorCode.NODE_LOST.name().equals(error.code()) || ErrorCode.LEASE_EXPIRED.name().equals(error.code());
    RetryPolicy.Decision d = settings.retry().decide(attempt, t.getInteger("max_attempts"), error, immediate || lostLease);
    JsonObject evt = new JsonObject().put("task", name).put("attempt", attempt).put("code", error.code())
        .put("message", error.message());
    if (d.verdict() == RetryPolicy.Verdict.RETRY) {
      return closeAttempt.compose(v -> conn.preparedQuery("""
              UPDATE tasks SET state = 'queued', run_at = now() + ($2::bigint * interval '1 millisecond'),
                     lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, progress = 0,
                     error_code = $3, error_message = $4, updated_at = now()
               WHERE id = $1""").execute(Tuple.of(taskId, d.delayMs(), error.code(), truncate(error.message()))))
          .compose(v -> events.record(conn, jobId, "task.retrying", evt.put("delayMs", d.delayMs())))
          .map(true);
    }
    String state = d.verdict() == RetryPolicy.Verdict.DEAD ? "dead" : "failed";
    return closeAttempt.compose(v -> conn.preparedQuery("""
            UPDATE tasks SET state = $2, finished_at = now(), lease_expires_at = NULL,
                   error_code = $3, error_message = $4, updated_at = now()
             WHERE id = $1""").execute(Tuple.of(taskId, state, error.code(), truncate(error.message()))))
        .compose(v -> events.record(conn, jobId, "task." + state, evt))
        .compose(v -> failJob(conn, jobId, error, name, events))
        .map(false);
  }

  private Future<Void> failJob(SqlConnection conn, UUID jobId, TaskError error, String taskName, JobEvents.Batch events) {
    String message = "task " + taskName + " failed: " + error.message();
    return conn.preparedQuery("""
            UPDATE jobs SET state = 'failed', error_code = $2, error_message = $3, finished_at = now(), updated_at = now()
             WHERE id = $1 AND state IN ('queued', 'running') RETURNING asset_id""")
        .execute(Tuple.of(jobId, error.code(), truncate(message)))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture();
          }
          UUID assetId = rs.iterator().next().getUUID("asset_id");
          return stopOtherTasks(conn, jobId)
              .compose(v -> conn.preparedQuery("UPDATE assets SET status = 'failed', updated_at = now() WHERE id = $1")
                  .execute(Tuple.of(assetId)))
              .compose(v -> events.record(conn, jobId, "job.failed", new JsonObject().put("code", error.code())
                  .put("message", message).put("task", taskName)));
        });
  }

  private Future<Void> stopOtherTasks(SqlConnection conn, UUID jobId) {
    return conn.preparedQuery("""
            UPDATE tasks SET state = 'cancelled', finished_at = now(), updated_at = now()
             WHERE job_id = $1 AND state IN ('pending', 'queued')""").execute(Tuple.of(jobId))
        .compose(v -> conn.preparedQuery("""
            UPDATE tasks SET cancel_requested = true, updated_at = now()
             WHERE job_id = $1 AND state = 'leased'""").execute(Tuple.of(jobId)))
        .mapEmpty();
  }

  /** Requeues (or ends) every lease whose expiry passed. Returns how many attempts were ended. */
  public Future<Integer> reclaimExpired() {
    return endLeases("lease_expires_at < now()", Tuple.tuple(),
        TaskError.of(ErrorCode.LEASE_EXPIRED, ErrorCode.LEASE_EXPIRED.format()), "lease_expired");
  }

  /** Requeues at once every lease held by a node that left the cluster. */
  public Future<Integer> requeueNode(String nodeId) {
    return endLeases("lease_owner = $1", Tuple.of(nodeId),
        TaskError.of(ErrorCode.NODE_LOST, "node " + nodeId + " left the cluster"), "node_lost");
  }

  /** Requeues leases held by nodes that are not cluster members any more (missed events, restarts). */
  public Future<Integer> requeueOrphans(Set<String> liveNodes) {
    return endLeases("NOT (lease_owner = ANY($1))", Tuple.of((Object) liveNodes.toArray(new String[0])),
        TaskError.of(ErrorCode.NODE_LOST, "lease owner is no longer a cluster member"), "node_lost");
  }

  private Future<Integer> endLeases(String condition, Tuple args, TaskError error, String outcome) {
    JobEvents.Batch events = new JobEvents.Batch();
    int[] requeued = {0};
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery(
            "SELECT id, job_id, name, attempt, max_attempts, cancel_requested FROM tasks"
                // every lease has an expiry: that reaches the running leases through their index
                + " WHERE state = 'leased' AND lease_expires_at IS NOT NULL AND "
                + condition + " ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED")
        .execute(args)
        .compose(rs -> {
          Future<Integer> f = Future.succeededFuture(0);
          for (Row t : rs) {
            f = f.compose(n -> failLocked(conn, t, error, outcome, true, events).map(q -> {
              if (q) {
                requeued[0]++;
              }
              return n + 1;
            }));
          }
          return f;
        }))
        .onSuccess(n -> {
          events.publish(vertx);
          if (requeued[0] > 0) {
            onQueued.run();
          }
        });
  }

  /**
   * Cancels a job: tasks not started are cancelled, running ones are told to stop in their next
   * heartbeat reply. Returns false when the job is unknown or already finished.
   */
  public Future<Boolean> cancelJob(UUID jobId) {
    JobEvents.Batch events = new JobEvents.Batch();
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery("""
            UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),
                   error_code = 'TASK_CANCELLED', error_message = 'cancelled on request'
             WHERE id = $1 AND state IN ('queued', 'running') RETURNING asset_id""").execute(Tuple.of(jobId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          return stopOtherTasks(conn, jobId)
              .compose(v -> conn.preparedQuery("""
                  UPDATE assets SET status = 'failed', updated_at = now()
                   WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE asset_id = $1 AND state = 'succeeded')""")
                  .execute(Tuple.of(rs.iterator().next().getUUID("asset_id"))))
              .compose(v -> events.record(conn, jobId, "job.cancelled", new JsonObject()))
              .map(true);
        }))
        .onSuccess(x -> events.publish(vertx));
  }

  /**
   * Re-drives a failed or cancelled job: its failed, dead and cancelled tasks get a fresh budget of
   * attempts and go back to the queue (or wait for their dependencies). Earlier attempts stay recorded.
   */
  public Future<Boolean> retryJob(UUID jobId) {
    JobEvents.Batch events = new JobEvents.Batch();
    return JobEvents.inTransaction(pool, events, conn -> conn.preparedQuery("""
            UPDATE jobs SET state = 'queued', finished_at = NULL, error_code = NULL, error_message = NULL, updated_at = now()
             WHERE id = $1 AND state IN ('failed', 'cancelled') RETURNING asset_id""").execute(Tuple.of(jobId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          UUID assetId = rs.iterator().next().getUUID("asset_id");
          return conn.preparedQuery("""
                  UPDATE tasks t SET max_attempts = t.attempt + $2, cancel_requested = false, error_code = NULL,
                         error_message = NULL, finished_at = NULL, run_at = now(), updated_at = now(),
                         pending_deps = (SELECT count(*) FROM tasks d WHERE d.id = ANY(t.depends_on) AND d.state <> 'succeeded'),
                         state = CASE WHEN EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY(t.depends_on) AND d.state <> 'succeeded')
                                      THEN 'pending' ELSE 'queued' END
                   WHERE t.job_id = $1 AND t.state IN ('failed', 'dead', 'cancelled')""")
              .execute(Tuple.of(jobId, settings.retry().maxAttempts()))
              .compose(v -> conn.preparedQuery("""
                  UPDATE jobs SET tasks_done = (SELECT count(*) FROM tasks WHERE job_id = $1 AND state = 'succeeded')
                   WHERE id = $1""").execute(Tuple.of(jobId)))
              .compose(v -> conn.preparedQuery("UPDATE assets SET status = 'processing', updated_at = now() WHERE id = $1")
                  .execute(Tuple.of(assetId)))
              .compose(v -> events.record(conn, jobId, "job.retried", new JsonObject()))
              .map(true);
        }))
        .onSuccess(ok -> {
          events.publish(vertx);
          if (ok) {
            onQueued.run();
          }
        });
  }

  private static String truncate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }
}
