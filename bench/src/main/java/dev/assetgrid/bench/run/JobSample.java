package dev.assetgrid.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.workload.WorkItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bench recorded about one submitted asset: client-side times (epoch ms, this machine's
 * clock) and the job record's server-side times and tasks (the coordinator's clock).
 *
 * @param state job state, or {@code rejected} (upload refused) or {@code timeout} (not finished in
 *     time)
 * @param errorCode the job's error code, the upload's problem code, or {@code BENCH_TIMEOUT}
 * @param triangles from the inspect task's result, -1 when no inspect result is present
 */
public record JobSample(
    String item,
    long bytes,
    long submitStartMs,
    long submitEndMs,
    long observedEndMs,
    String jobId,
    String assetId,
    String state,
    String errorCode,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    long triangles,
    List<TaskSample> tasks) {

  /** Code recorded for a job that did not reach a terminal state within the job timeout. */
  public static final String TIMEOUT_CODE = "BENCH_TIMEOUT";

  public JobSample {
    tasks = List.copyOf(tasks);
  }

  /**
   * One task of the job.
   *
   * @param nodeElapsedMs the node's own measure of the last attempt (inputs fetched, run, outputs
   *     uploaded; {@code result.elapsedMs}), or -1
   */
  public record TaskSample(
      String name,
      String type,
      String state,
      long nodeElapsedMs,
      List<Attempt> attempts,
      List<Output> outputs) {
    public TaskSample {
      attempts = List.copyOf(attempts);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * One attempt: leased at {@code startedAt} by {@code node}, ended at {@code finishedAt} (null
   * while running).
   */
  public record Attempt(
      int attempt,
      String node,
      Instant startedAt,
      Instant finishedAt,
      String outcome,
      String errorCode) {
    /** Lease-to-complete time in milliseconds (microsecond resolution), or -1 when unfinished. */
    public double durationMs() {
      return startedAt == null || finishedAt == null ? -1 : micros(startedAt, finishedAt) / 1000.0;
    }
  }

  /** A task output file. */
  public record Output(String name, long size) {}

  public boolean succeeded() {
    return "succeeded".equals(state);
  }

  public boolean terminal() {
    return isTerminal(state);
  }

  public static boolean isTerminal(String state) {
    return !"queued".equals(state) && !"running".equals(state);
  }

  /** Server-side job latency: created (upload committed) to finished, ms; -1 when unknown. */
  public double latencyMs() {
    return createdAt == null || finishedAt == null ? -1 : micros(createdAt, finishedAt) / 1000.0;
  }

  /** Upload time as the client saw it, ms. */
  public long uploadMs() {
    return submitEndMs - submitStartMs;
  }

  /** Client-observed end-to-end time: upload start to the poll that saw the end, ms. */
  public long observedMs() {
    return observedEndMs - submitStartMs;
  }

  /** Size of a named output of any task (e.g. optimized.glb), or -1. */
  public long outputSize(String name) {
    for (TaskSample t : tasks) {
      for (Output o : t.outputs()) {
        if (name.equals(o.name())) {
          return o.size();
        }
      }
    }
    return -1;
  }

  static long micros(Instant a, Instant b) {
    return java.time.Duration.between(a, b).toNanos() / 1000;
  }

  /** A sample for an upload the coordinator refused. */
  public static JobSample rejected(WorkItem item, GridClient.Submitted s) {
    return new JobSample(
        item.name(),
        item.bytes(),
        s.startMs(),
        s.endMs(),
        s.endMs(),
        null,
        null,
        "rejected",
        s.errorCode(),
        null,
        null,
        null,
        -1,
        List.of());
  }

  /**
   * A sample from the job record seen last; {@code timedOut} when it was still running at the
   * deadline.
   */
  public static JobSample of(
      WorkItem item, GridClient.Submitted s, JsonNode job, long observedEndMs, boolean timedOut) {
    if (job == null) {
      return new JobSample(
          item.name(),
          item.bytes(),
          s.startMs(),
          s.endMs(),
          observedEndMs,
          s.jobId(),
          s.assetId(),
          timedOut ? "timeout" : "missing",
          timedOut ? TIMEOUT_CODE : "JOB_MISSING",
          null,
          null,
          null,
          -1,
          List.of());
    }
    List<TaskSample> tasks = new ArrayList<>();
    long triangles = -1;
    for (JsonNode t : job.path("tasks")) {
      List<Attempt> attempts = new ArrayList<>();
      for (JsonNode a : t.path("attempts")) {
        attempts.add(
            new Attempt(
                a.path("attempt").asInt(),
                text(a, "node"),
                instant(a, "startedAt"),
                instant(a, "finishedAt"),
                text(a, "outcome"),
                text(a, "errorCode")));
      }
      List<Output> outputs = new ArrayList<>();
      for (JsonNode o : t.path("outputs")) {
        outputs.add(new Output(o.path("name").asText(), o.path("size").asLong(-1)));
      }
      String type = t.path("type").asText();
      if ("inspect".equals(type) && t.path("result").has("triangles")) {
        triangles = t.path("result").path("triangles").asLong(-1);
      }
      tasks.add(
          new TaskSample(
              t.path("name").asText(),
              type,
              t.path("state").asText(),
              t.path("result").path("elapsedMs").asLong(-1),
              attempts,
              outputs));
    }
    String state = job.path("state").asText();
    String code = job.path("error").path("code").asText(null);
    if (timedOut && !isTerminal(state)) {
      state = "timeout";
      code = TIMEOUT_CODE;
    }
    return new JobSample(
        item.name(),
        item.bytes(),
        s.startMs(),
        s.endMs(),
        observedEndMs,
        s.jobId(),
        s.assetId(),
        state,
        code,
        instant(job, "createdAt"),
        instant(job, "startedAt"),
        instant(job, "finishedAt"),
        triangles,
        tasks);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static Instant instant(JsonNode n, String field) {
    String s = text(n, field);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      // PostgreSQL json_build_object renders timestamptz as "2026-11-25T20:48:01.123456+00:00"
      return java.time.OffsetDateTime.parse(s).toInstant();
    }
  }
}
