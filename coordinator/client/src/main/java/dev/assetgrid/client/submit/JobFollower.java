package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import dev.assetgrid.client.http.Sse;
import dev.assetgrid.client.http.Unreachable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Follows jobs to their end and tells a {@link Listener} their progress and final state. The one
 * place that knows how: today one SSE stream per job ({@code GET /v1/jobs/{id}/events}, at most
 * {@link #MAX_STREAMS} at once; the stream replays what was missed, so a job waiting its turn loses
 * nothing), resumed with {@code Last-Event-ID} when it breaks; the final state is read from {@code
 * GET /v1/jobs/{id}}. A tenant-wide stream ({@code GET /v1/events?types=job.*}) can replace the
 * per-job streams here, one connection for all, without callers changing.
 */
public final class JobFollower {
  /** Streams open at once. */
  static final int MAX_STREAMS = 8;

  /** Reconnects of one stream before the follow gives up. */
  static final int MAX_RECONNECTS = 5;

  private static final Set<String> TERMINAL =
      Set.of("job.succeeded", "job.failed", "job.cancelled");

  private static final Set<String> JOB_TERMINAL = Set.of("succeeded", "failed", "cancelled");

  /** What a follow reports; called from several threads. */
  public interface Listener {
    /** A job's progress, 0..1. */
    void progress(String jobId, double progress);

    /** A job ended: the job as {@code GET /v1/jobs/{id}} shows it. */
    void finished(String jobId, JsonNode job);
  }

  private final Api api;

  public JobFollower(Api api) {
    this.api = api;
  }

  /** Follows every job until it ends; throws the first failure to reach the server. */
  public void follow(Collection<String> jobIds, Listener listener) {
    if (jobIds.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(MAX_STREAMS, jobIds.size()),
            r -> {
              Thread t = new Thread(r, "assetgrid-follow");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> all =
          jobIds.stream().<Future<?>>map(id -> pool.submit(() -> followOne(id, listener))).toList();
      for (Future<?> f : all) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ExitCode.UNAVAILABLE, "interrupted while following the jobs");
    } finally {
      pool.shutdownNow();
    }
  }

  private void followOne(String jobId, Listener listener) {
    String path = "/v1/jobs/" + Query.segment(jobId) + "/events";
    String[] last = {null};
    boolean[] ended = {false};
    for (int attempt = 0; !ended[0]; attempt++) {
      try (InputStream stream = api.events(path, last[0])) {
        Sse.read(
            stream,
            e -> {
              if (e.id() != null) {
                last[0] = e.id();
              }
              JsonNode p = e.data() == null ? null : e.data().path("data").get("progress");
              if ("job.progress".equals(e.type()) && p != null && p.isNumber()) {
                listener.progress(jobId, p.asDouble());
              }
              ended[0] = TERMINAL.contains(e.type());
              return !ended[0];
            });
      } catch (IOException e) {
        if (attempt >= MAX_RECONNECTS) {
          throw Unreachable.of(api.uri(path), e);
        }
        pause();
      }
      if (!ended[0] && attempt >= MAX_RECONNECTS) {
        break; // the stream keeps ending early: the job's state says where it is
      }
    }
    JsonNode job = api.get("/v1/jobs/" + Query.segment(jobId));
    // the stream kept ending early: poll the job instead
    while (!JOB_TERMINAL.contains(Json.text(job, "state"))) {
      pause();
      job = api.get("/v1/jobs/" + Query.segment(jobId));
    }
    if ("succeeded".equals(Json.text(job, "state"))) {
      listener.progress(jobId, 1.0);
    }
    listener.finished(jobId, job);
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ExitCode.UNAVAILABLE, "interrupted while following the jobs");
    }
  }
}
