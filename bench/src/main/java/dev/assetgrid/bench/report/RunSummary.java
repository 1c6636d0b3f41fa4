package dev.assetgrid.bench.report;

import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.run.Runner;
import dev.assetgrid.bench.run.SubmitRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of one run, computed from its samples.
 *
 * @param windowSeconds the throughput denominator: client wall time for a closed loop (first upload
 *     to last end); for an open loop (queue) the drain window, first lease to last completion
 * @param assetsPerSec succeeded jobs per second of the window
 * @param inputMBPerSec input bytes (10^6) of succeeded jobs per second
 * @param trianglesPerSec triangles reported by inspect tasks of succeeded jobs per second (0 when
 *     none)
 * @param latencyMs server-side job latency, created → finished (succeeded jobs)
 * @param observedMs client-side, upload start → end seen by the poller (succeeded jobs)
 * @param uploadMs client-side time of each accepted upload
 * @param uploadsPerSec accepted uploads per second of the upload phase (first upload start → last
 *     end)
 * @param submitMs client-side time of each accepted bulk job request ({@code POST /v1/jobs}, queue)
 * @param bulkRequests bulk job requests sent, accepted or not
 * @param jobsCreated jobs the accepted bulk requests created
 * @param jobsCreatedPerSec {@code jobsCreated} per second of the submit phase (first bulk request
 *     start → last end); 0 without bulk requests
 * @param stages per task type: attempt durations (lease → complete), ms
 * @param nodes per node: busy time over window × slots
 * @param queue task-level numbers: every attempt counts
 * @param errors count per error code (job error, upload problem or bench timeout)
 * @param timeline completions per second over time (seconds since window start)
 */
public record RunSummary(
    String label,
    int nodes,
    int slots,
    double windowSeconds,
    double wallSeconds,
    long submitted,
    long succeeded,
    long failed,
    long inputBytes,
    long triangles,
    double assetsPerSec,
    double inputMBPerSec,
    double trianglesPerSec,
    Dist latencyMs,
    Dist observedMs,
    Dist uploadMs,
    double uploadsPerSec,
    Dist submitMs,
    long bulkRequests,
    long jobsCreated,
    double jobsCreatedPerSec,
    Map<String, StageStats> stages,
    Map<String, NodeUse> nodeUse,
    QueueStats queue,
    Map<String, Long> errors,
    List<double[]> timeline) {

  /**
   * Attempts of one task type.
   *
   * @param durationMs lease → complete as the coordinator recorded it
   * @param nodeElapsedMs the node's own time for the task (fetch inputs, run, upload outputs); the
   *     difference to {@code durationMs} is lease delivery, completion and database time
   */
  public record StageStats(
      long attempts, double totalSeconds, Dist durationMs, Dist nodeElapsedMs) {}

  /** One node's share. */
  public record NodeUse(long attempts, double busySeconds, int slots, double utilisation) {}

  /**
   * @param tasksPerSec attempts ended per second of the attempt window (first lease → last
   *     completion)
   * @param leaseToCompleteMs attempt durations
   * @param queueWaitMs job created → its first lease
   */
  public record QueueStats(
      long attempts,
      double windowSeconds,
      double tasksPerSec,
      Dist leaseToCompleteMs,
      Dist queueWaitMs) {}

  /**
   * @param slotsByNode slots of each node as /v1/nodes reported them (missing = 1)
   * @param openLoop whether the run was upload-all-then-drain
   */
  public static RunSummary of(
      String label,
      Runner.RunData data,
      Map<String, Integer> slotsByNode,
      int nodes,
      boolean openLoop) {
    List<JobSample> samples = data.samples();
    long succeeded = 0;
    long failed = 0;
    long bytes = 0;
    long tris = 0;
    List<Double> latency = new ArrayList<>();
    List<Double> observed = new ArrayList<>();
    List<Double> queueWait = new ArrayList<>();
    List<Double> attemptsMs = new ArrayList<>();
    Map<String, Long> errors = new TreeMap<>();
    Map<String, List<Double>> byStage = new TreeMap<>();
    Map<String, List<Double>> nodeElapsed = new TreeMap<>();
    Map<String, double[]> busy = new TreeMap<>(); // node → {attempts, busyMs}
    Instant firstCreated = null;
    for (JobSample s : samples) {
      if (s.succeeded()) {
        succeeded++;
        bytes += s.bytes();
        if (s.triangles() > 0) {
          tris += s.triangles();
        }
        if (s.latencyMs() >= 0) {
          latency.add(s.latencyMs());
        }
        observed.add((double) s.observedMs());
      } else {
        failed++;
        errors.merge(
            s.errorCode() == null ? "UNKNOWN(" + s.state() + ")" : s.errorCode(), 1L, Long::sum);
      }
      if (s.createdAt() != null && (firstCreated == null || s.createdAt().isBefore(firstCreated))) {
        firstCreated = s.createdAt();
      }
      Instant jobFirstLease = null;
      for (JobSample.TaskSample t : s.tasks()) {
        if (t.nodeElapsedMs() >= 0) {
          nodeElapsed
              .computeIfAbsent(t.type(), k -> new ArrayList<>())
              .add((double) t.nodeElapsedMs());
        }
        for (JobSample.Attempt a : t.attempts()) {
          if (a.startedAt() != null
              && (jobFirstLease == null || a.startedAt().isBefore(jobFirstLease))) {
            jobFirstLease = a.startedAt();
          }
          double d = a.durationMs();
          if (d < 0) {
            continue;
          }
          attemptsMs.add(d);
          byStage.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(d);
          double[] b = busy.computeIfAbsent(a.node() == null ? "?" : a.node(), k -> new double[2]);
          b[0]++;
          b[1] += d;
        }
      }
      if (jobFirstLease != null && s.createdAt() != null) {
        queueWait.add(java.time.Duration.between(s.createdAt(), jobFirstLease).toNanos() / 1e6);
      }
    }
    Instant[] span = attemptSpan(samples);
    Instant firstLease = span == null ? null : span[0];
    Instant lastEnd = span == null ? null : span[1];
    double wall = Math.max(0.001, (data.endMs() - data.startMs()) / 1000.0);
    double attemptWindow =
        firstLease == null
            ? 0
            : Math.max(0.001, java.time.Duration.between(firstLease, lastEnd).toNanos() / 1e9);
    double window = openLoop && attemptWindow > 0 ? attemptWindow : wall;
    Map<String, StageStats> stages = new TreeMap<>();
    byStage.forEach(
        (k, v) ->
            stages.put(
                k,
                new StageStats(
                    v.size(),
                    v.stream().mapToDouble(Double::doubleValue).sum() / 1000.0,
                    Dist.of(v),
                    Dist.of(nodeElapsed.getOrDefault(k, List.of())))));
    Map<String, NodeUse> nodeUse = new TreeMap<>();
    int totalSlots = 0;
    for (int sl : slotsByNode.values()) {
      totalSlots += sl;
    }
    double nodeWindow = attemptWindow > 0 ? (openLoop ? attemptWindow : wall) : wall;
    busy.forEach(
        (node, b) -> {
          int sl = slotsByNode.getOrDefault(node, 1);
          nodeUse.put(
              node, new NodeUse((long) b[0], b[1] / 1000.0, sl, b[1] / 1000.0 / (nodeWindow * sl)));
        });
    Instant origin = openLoop ? firstLease : firstCreated;
    Phase uploads = Phase.of(data.requests(), SubmitRequest.Kind.UPLOAD);
    Phase bulk = Phase.of(data.requests(), SubmitRequest.Kind.BULK);
    return new RunSummary(
        label,
        nodes,
        totalSlots,
        window,
        wall,
        samples.size(),
        succeeded,
        failed,
        bytes,
        tris,
        succeeded / window,
        bytes / 1e6 / window,
        tris / window,
        Dist.of(latency),
        Dist.of(observed),
        uploads.acceptedMs(),
        uploads.perSecond(uploads.accepted()),
        bulk.acceptedMs(),
        bulk.requests(),
        bulk.jobs(),
        bulk.perSecond(bulk.jobs()),
        stages,
        nodeUse,
        new QueueStats(
            attemptsMs.size(),
            attemptWindow,
            attemptWindow > 0 ? attemptsMs.size() / attemptWindow : 0,
            Dist.of(attemptsMs),
            Dist.of(queueWait)),
        errors,
        timeline(samples, origin));
  }

  /**
   * First lease and last attempt end among these jobs (server clock), or null when no attempt
   * ended.
   */
  public static Instant[] attemptSpan(List<JobSample> samples) {
    Instant first = null;
    Instant last = null;
    for (JobSample s : samples) {
      for (JobSample.TaskSample t : s.tasks()) {
        for (JobSample.Attempt a : t.attempts()) {
          if (a.startedAt() == null || a.finishedAt() == null) {
            continue;
          }
          first = first == null || a.startedAt().isBefore(first) ? a.startedAt() : first;
          last = last == null || a.finishedAt().isAfter(last) ? a.finishedAt() : last;
        }
      }
    }
    return first == null ? null : new Instant[] {first, last};
  }

  /**
   * The requests of one kind: how many, the jobs they created, their times and the phase they span.
   */
  private record Phase(long requests, long accepted, long jobs, Dist acceptedMs, double seconds) {
    static Phase of(List<SubmitRequest> all, SubmitRequest.Kind kind) {
      long n = 0;
      long ok = 0;
      long jobs = 0;
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      List<Double> ms = new ArrayList<>();
      for (SubmitRequest r : all) {
        if (r.kind() != kind) {
          continue;
        }
        n++;
        first = Math.min(first, r.startMs());
        last = Math.max(last, r.endMs());
        if (r.accepted()) {
          ok++;
          jobs += r.jobs();
          ms.add((double) r.ms());
        }
      }
      return new Phase(n, ok, jobs, Dist.of(ms), last > first ? (last - first) / 1000.0 : 0);
    }

    double perSecond(long count) {
      return seconds > 0 ? count / seconds : 0;
    }
  }

  /**
   * Completions per second, bucketed by server finish time since {@code origin}; ~60 buckets at
   * most.
   */
  static List<double[]> timeline(List<JobSample> samples, Instant origin) {
    List<double[]> out = new ArrayList<>();
    if (origin == null) {
      return out;
    }
    List<Double> ends = new ArrayList<>();
    for (JobSample s : samples) {
      if (s.succeeded() && s.finishedAt() != null) {
        ends.add(java.time.Duration.between(origin, s.finishedAt()).toNanos() / 1e9);
      }
    }
    if (ends.isEmpty()) {
      return out;
    }
    double last = ends.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double bucket = Math.max(1.0, Math.ceil(last / 60.0));
    int n = (int) Math.floor(Math.max(0, last) / bucket) + 1;
    long[] counts = new long[n];
    for (double e : ends) {
      counts[Math.max(0, Math.min(n - 1, (int) Math.floor(Math.max(0, e) / bucket)))]++;
    }
    for (int i = 0; i < n; i++) {
      out.add(new double[] {i * bucket, counts[i] / bucket});
    }
    return out;
  }
}
