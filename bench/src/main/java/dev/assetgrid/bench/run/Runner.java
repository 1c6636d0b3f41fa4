package dev.assetgrid.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one workload against a grid with bounded concurrency and follows every job to its end.
 *
 * <p>Two shapes. <b>Closed loop</b> (corpus, synthetic): {@code concurrency} clients each upload an
 * item, poll its job until it ends, and take the next item, so at most {@code concurrency} jobs are
 * in flight. <b>Open loop</b> (queue): all jobs are submitted first, then {@code beforeDrain} runs
 * (e.g. the nodes are started) and the jobs are followed to their end, so the drain measures the
 * coordinator's queue without submit traffic mixed in. Submitting is two phases, each by {@code
 * concurrency} clients: a few uploads (each upload is an asset and its job), then bulk {@code POST
 * /v1/jobs} requests of up to {@link GridClient#MAX_BULK_JOBS} jobs over those assets, since one
 * upload per job (about 150/s) took minutes to fill a 20,000-task queue.
 *
 * <p>Latencies come from the job records (server clock), so the poll interval only bounds how fast
 * a closed-loop client notices an end, not what is measured. Polls back off from {@code pollMinMs}
 * to {@code pollMaxMs}.
 */
public final class Runner {
  /**
   * @param count items to submit (repeating the list), 0 = use {@code duration}
   * @param duration submit for this long when count is 0
   */
  public record Settings(
      int concurrency,
      long count,
      Duration duration,
      String pipeline,
      List<String> tags,
      Duration jobTimeout,
      long pollMinMs,
      long pollMaxMs) {}

  /**
   * Raw result of a run.
   *
   * @param requests every upload and bulk job request, in the order they ended
   */
  public record RunData(
      List<JobSample> samples,
      List<SubmitRequest> requests,
      long startMs,
      long submitEndMs,
      long drainStartMs,
      long endMs) {
    public RunData {
      samples = List.copyOf(samples);
      requests = List.copyOf(requests);
    }

    /**
     * The run split after the first {@code n} jobs to end (by the server's end time; unfinished
     * jobs last): a drain's warm-up (JIT compilation, caches, connection pools filling) and the
     * rest, which keeps the submit requests.
     */
    public Split splitWarmup(int n) {
      List<JobSample> byEnd = new ArrayList<>(samples);
      byEnd.sort(
          java.util.Comparator.comparing(
              JobSample::finishedAt,
              java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
      int k = Math.min(Math.max(0, n), byEnd.size());
      return new Split(
          new RunData(byEnd.subList(0, k), List.of(), startMs, submitEndMs, drainStartMs, endMs),
          new RunData(
              byEnd.subList(k, byEnd.size()), requests, startMs, submitEndMs, drainStartMs, endMs));
    }
  }

  /** A run cut in two by {@link RunData#splitWarmup}. */
  public record Split(RunData warmup, RunData measured) {}

  private final GridClient client;
  private final Settings settings;
  private final Progress progress;
  private final java.util.function.Supplier<String> gridFailure;

  public Runner(GridClient client, Settings settings, Progress progress) {
    this(client, settings, progress, () -> null);
  }

  /**
   * @param gridFailure non-null when the grid under test is known to be dead (a spawned process
   *     exited): followers stop waiting and the remaining jobs are recorded as timed out
   */
  public Runner(
      GridClient client,
      Settings settings,
      Progress progress,
      java.util.function.Supplier<String> gridFailure) {
    this.client = client;
    this.settings = settings;
    this.progress = progress;
    this.gridFailure = gridFailure;
  }

  public RunData closedLoop(List<WorkItem> items) throws InterruptedException {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no items to submit");
    }
    List<JobSample> samples = Collections.synchronizedList(new ArrayList<>());
    List<SubmitRequest> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicLong next = new AtomicLong();
    long start = System.currentTimeMillis();
    long stopAt = settings.count() > 0 ? Long.MAX_VALUE : start + settings.duration().toMillis();
    ExecutorService pool =
        Executors.newFixedThreadPool(settings.concurrency(), daemon("bench-client"));
    progress.start(start);
    for (int i = 0; i < settings.concurrency(); i++) {
      pool.submit(
          () -> {
            while (!Thread.currentThread().isInterrupted()) {
              long n = next.getAndIncrement();
              if ((settings.count() > 0 && n >= settings.count())
                  || System.currentTimeMillis() >= stopAt) {
                return null;
              }
              WorkItem item = items.get((int) (n % items.size()));
              GridClient.Submitted s = submit(item, requests);
              if (!s.accepted()) {
                record(samples, JobSample.rejected(item, s));
                continue;
              }
              record(samples, follow(item, s, s.endMs() + settings.jobTimeout().toMillis()));
            }
            return null;
          });
    }
    pool.shutdown();
    awaitAll(pool);
    long end = System.currentTimeMillis();
    progress.stop();
    return new RunData(samples, requests, start, end, start, end);
  }

  /**
   * Submits every job, runs {@code beforeDrain}, then follows every job to its end.
   *
   * @param assets how many copies of {@code item} to upload (fewer when {@code count} is smaller);
   *     each upload is one job, and every other job is created over these assets, in turn, by bulk
   *     requests
   */
  public RunData openLoop(WorkItem item, int assets, Runnable beforeDrain)
      throws InterruptedException {
    return openLoop(item, assets, beforeDrain, () -> {});
  }

  /**
   * @param afterDrain runs once the last job submitted ended, before the records are collected
   *     (jobs created together are not strictly FIFO: on a grid of its own the caller may wait for
   *     the rest with {@link GridClient#awaitIdle})
   */
  public RunData openLoop(WorkItem item, int assets, Runnable beforeDrain, Runnable afterDrain)
      throws InterruptedException {
    if (assets < 1) {
      throw new IllegalArgumentException("at least one asset to upload");
    }
    List<GridClient.Submitted> accepted = Collections.synchronizedList(new ArrayList<>());
    List<JobSample> samples = Collections.synchronizedList(new ArrayList<>());
    List<SubmitRequest> requests = Collections.synchronizedList(new ArrayList<>());
    long start = System.currentTimeMillis();
    long stopAt = settings.count() > 0 ? Long.MAX_VALUE : start + settings.duration().toMillis();
    progress.start(start);

    long uploads = settings.count() > 0 ? Math.min(settings.count(), assets) : assets;
    AtomicLong nextUpload = new AtomicLong();
    inParallel(
        "bench-upload",
        () -> {
          while (nextUpload.getAndIncrement() < uploads && System.currentTimeMillis() < stopAt) {
            GridClient.Submitted s = submit(item, requests);
            if (s.accepted()) {
              accepted.add(s);
            } else {
              record(samples, JobSample.rejected(item, s));
            }
          }
        });

    List<String> assetIds = accepted.stream().map(GridClient.Submitted::assetId).toList();
    long bulkJobs = settings.count() > 0 ? settings.count() - uploads : Long.MAX_VALUE;
    AtomicLong nextJob = new AtomicLong();
    inParallel(
        "bench-submit",
        () -> {
          while (!assetIds.isEmpty() && System.currentTimeMillis() < stopAt) {
            long first = nextJob.getAndAdd(GridClient.MAX_BULK_JOBS);
            if (first >= bulkJobs) {
              return;
            }
            int size = (int) Math.min(GridClient.MAX_BULK_JOBS, bulkJobs - first);
            List<String> entries = new ArrayList<>(size);
            for (int k = 0; k < size; k++) {
              entries.add(assetIds.get((int) ((first + k) % assetIds.size())));
            }
            for (GridClient.Submitted s : submitJobs(item, entries, requests)) {
              if (s.accepted()) {
                accepted.add(s);
              } else {
                record(samples, JobSample.rejected(item, s));
              }
            }
          }
        });

    long submitEnd = System.currentTimeMillis();
    long endedBefore = endedJobs();
    beforeDrain.run();
    long drainStart = System.currentTimeMillis();
    progress.draining(
        () -> {
          long now = endedJobs();
          return now < 0 || endedBefore < 0 ? -1 : now - endedBefore;
        });
    List<GridClient.Submitted> order = new ArrayList<>(accepted);
    order.sort(java.util.Comparator.comparingLong(GridClient.Submitted::endMs));
    // the queue is FIFO: wait for the last job first, then collect every record once
    if (!order.isEmpty()) {
      GridClient.Submitted last = order.get(order.size() - 1);
      waitTerminal(last.jobId(), drainStart + settings.jobTimeout().toMillis(), 20, 200);
    }
    afterDrain.run();
    progress.draining(null);
    AtomicLong idx = new AtomicLong();
    inParallel(
        "bench-follow",
        () -> {
          long k;
          while ((k = idx.getAndIncrement()) < order.size()) {
            record(
                samples,
                follow(item, order.get((int) k), drainStart + settings.jobTimeout().toMillis()));
          }
        });
    long end = System.currentTimeMillis();
    progress.stop();
    return new RunData(samples, requests, start, submitEnd, drainStart, end);
  }

  /**
   * Jobs of the grid that ended (succeeded, failed or cancelled), from {@code GET /v1/stats}; -1
   * when unknown.
   */
  private long endedJobs() {
    try {
      JsonNode jobs = client.stats().path("jobs");
      return jobs.path("succeeded").asLong()
          + jobs.path("failed").asLong()
          + jobs.path("cancelled").asLong();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Runs {@code work} on {@code concurrency} threads and waits for all of them. */
  private void inParallel(String name, Runnable work) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), daemon(name));
    for (int i = 0; i < settings.concurrency(); i++) {
      pool.submit(work);
    }
    pool.shutdown();
    awaitAll(pool);
  }

  private GridClient.Submitted submit(WorkItem item, List<SubmitRequest> requests) {
    progress.submitted(1);
    long t0 = System.currentTimeMillis();
    GridClient.Submitted s;
    try {
      s = client.submit(item, settings.pipeline(), settings.tags());
    } catch (IOException e) {
      s =
          new GridClient.Submitted(
              0, null, null, "BENCH_HTTP_ERROR", e.toString(), t0, System.currentTimeMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s =
          new GridClient.Submitted(
              0, null, null, "BENCH_INTERRUPTED", "interrupted", t0, System.currentTimeMillis());
    }
    requests.add(
        new SubmitRequest(
            SubmitRequest.Kind.UPLOAD,
            s.startMs(),
            s.endMs(),
            s.accepted() ? 1 : 0,
            s.accepted() ? null : s.errorCode()));
    if (s.accepted()) {
      progress.accepted(1);
    }
    return s;
  }

  /** One bulk request over {@code assetIds}; one result per entry. */
  private List<GridClient.Submitted> submitJobs(
      WorkItem item, List<String> assetIds, List<SubmitRequest> requests) {
    progress.submitted(assetIds.size());
    long t0 = System.currentTimeMillis();
    List<GridClient.Submitted> out;
    try {
      out = client.submitJobs(assetIds, settings.pipeline());
    } catch (IOException e) {
      out = failedEntries(assetIds, "BENCH_HTTP_ERROR", e.toString(), t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out = failedEntries(assetIds, "BENCH_INTERRUPTED", "interrupted", t0);
    }
    GridClient.Submitted first = out.get(0);
    requests.add(
        new SubmitRequest(
            SubmitRequest.Kind.BULK,
            first.startMs(),
            first.endMs(),
            first.accepted() ? out.size() : 0,
            first.accepted() ? null : first.errorCode()));
    if (first.accepted()) {
      progress.accepted(out.size());
    }
    return out;
  }

  private static List<GridClient.Submitted> failedEntries(
      List<String> assetIds, String code, String message, long t0) {
    long t1 = System.currentTimeMillis();
    return assetIds.stream()
        .map(id -> new GridClient.Submitted(0, id, null, code, message, t0, t1))
        .toList();
  }

  private JobSample follow(WorkItem item, GridClient.Submitted s, long deadline) {
    JsonNode job = waitTerminal(s.jobId(), deadline, settings.pollMinMs(), settings.pollMaxMs());
    boolean timedOut = job == null || !JobSample.isTerminal(job.path("state").asText());
    return JobSample.of(item, s, job, System.currentTimeMillis(), timedOut);
  }

  /**
   * Polls until the job is terminal or the deadline passes; returns the last record seen (may be
   * null).
   */
  private JsonNode waitTerminal(String jobId, long deadline, long minMs, long maxMs) {
    long sleep = minMs;
    JsonNode job = null;
    while (true) {
      try {
        job = client.job(jobId);
        if (job != null && JobSample.isTerminal(job.path("state").asText())) {
          return job;
        }
      } catch (IOException e) {
        progress.pollError();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return job;
      }
      if (System.currentTimeMillis() >= deadline || gridFailure.get() != null) {
        return job;
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return job;
      }
      sleep = Math.min(maxMs, sleep * 2);
    }
  }

  private void record(List<JobSample> samples, JobSample s) {
    samples.add(s);
    progress.finished(s);
  }

  private static void awaitAll(ExecutorService pool) throws InterruptedException {
    try {
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        // keep waiting: each job has its own deadline
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      throw e;
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
