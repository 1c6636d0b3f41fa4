package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.EventStream;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import dev.assetgrid.client.http.Sse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows jobs to their end and tells a {@link Listener} their progress and final state: the one
 * place that knows how.
 *
 * <p>All jobs go over one connection, the tenant's stream {@code GET /v1/events?types=job.*} (an
 * {@link EventStream}: resumed with {@code Last-Event-ID} when it breaks). It is {@linkplain #open
 * opened} before the first upload, so no event of the jobs to come is missed; the jobs are {@link
 * #add added} as their uploads are accepted, and events of other jobs of the tenant are passed
 * over. A job's end is read from {@code GET /v1/jobs/{id}} (what the listener is given). Two checks
 * cover what the stream cannot say: a job may end before the client learns its id (or while a
 * stream that never had a cursor to resume from was down), so {@link #awaitAll} first reads each
 * job once, and then every {@link #SAFETY_CHECK} reads those not ended yet.
 *
 * <p>It replaced one stream per job ({@code GET /v1/jobs/{id}/events}, up to 8 at once), which held
 * a connection and a thread per running job, and made the jobs of a large folder wait for a stream
 * in turn.
 */
public final class JobFollower implements AutoCloseable {
  /** How often jobs not ended yet are read, whatever the stream says. */
  static final Duration SAFETY_CHECK = Duration.ofSeconds(10);

  /** The event types followed. */
  static final String TYPES = "job.*";

  private static final Set<String> TERMINAL_EVENTS =
      Set.of("job.succeeded", "job.failed", "job.cancelled");

  private static final Set<String> TERMINAL_STATES = Set.of("succeeded", "failed", "cancelled");

  /** A signal to read every job not ended yet (job ids are never empty). */
  private static final String CHECK_ALL = "";

  /** What a follow reports; called from several threads. */
  public interface Listener {
    /** A job's progress, 0..1. */
    void progress(String jobId, double progress);

    /** A job ended: the job as {@code GET /v1/jobs/{id}} shows it. */
    void finished(String jobId, JsonNode job);
  }

  private final Api api;
  private final Listener listener;
  private final EventStream stream;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<String> toCheck = new LinkedBlockingQueue<>();
  private volatile RuntimeException failure;

  private JobFollower(Api api, Listener listener) {
    this.api = api;
    this.listener = listener;
    this.stream = new EventStream(api, TYPES, null);
  }

  /**
   * Opens the tenant's job stream; returns once the server answered, so the uploads can start.
   *
   * @throws ClientException when the server cannot be reached or refuses the stream
   */
  public static JobFollower open(Api api, Listener listener) {
    JobFollower f = new JobFollower(api, listener);
    f.stream.connect();
    f.read();
    return f;
  }

  /** A job to follow (its upload was just accepted). */
  public void add(String jobId) {
    pending.add(jobId);
  }

  /**
   * Waits until every job added has ended.
   *
   * @throws ClientException when the stream was lost or a job cannot be read
   */
  public void awaitAll() {
    check(List.copyOf(pending)); // those that ended before their ids were known
    long nextCheck = System.nanoTime() + SAFETY_CHECK.toNanos();
    while (!pending.isEmpty()) {
      String id;
      try {
        id = toCheck.poll(Math.max(0, nextCheck - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClientException(ExitCode.UNAVAILABLE, "interrupted while following the jobs");
      }
      if (failure != null) {
        throw failure;
      }
      if (id == null || id.equals(CHECK_ALL)) {
        check(List.copyOf(pending));
        nextCheck = System.nanoTime() + SAFETY_CHECK.toNanos();
      } else {
        check(List.of(id));
      }
    }
  }

  /** Stops following; the stream's connection is closed. */
  @Override
  public void close() {
    stream.close();
  }

  /** Starts the reading: progress goes to the listener, an end is checked by {@link #awaitAll}. */
  private void read() {
    stream
        .start(
            new EventStream.Handler() {
              @Override
              public boolean event(Sse.Event e) {
                JsonNode data = e.data() == null ? null : e.data().get("data");
                String jobId = Json.text(data, "jobId");
                if (jobId == null || !pending.contains(jobId)) {
                  return true; // another job of the tenant, or one whose upload is not answered yet
                }
                JsonNode p = data.get("progress");
                if ("job.progress".equals(e.type()) && p != null && p.isNumber()) {
                  progress(jobId, p.asDouble());
                }
                if (TERMINAL_EVENTS.contains(e.type())) {
                  toCheck.add(jobId);
                }
                return true;
              }

              @Override
              public void reconnected(boolean resumed) {
                if (!resumed) {
                  toCheck.add(CHECK_ALL); // the stream starts now: what ended meanwhile is not sent
                }
              }
            })
        .whenComplete(
            (v, e) -> {
              if (e instanceof EventStream.Lost lost) {
                failure =
                    new ClientException(
                        ExitCode.UNAVAILABLE,
                        lost.getMessage() + "; the jobs go on (assetgrid jobs shows them)",
                        lost);
              } else if (e instanceof RuntimeException r) {
                failure = r;
              }
              toCheck.add(CHECK_ALL);
            });
  }

  private void check(Collection<String> jobIds) {
    for (String id : jobIds) {
      JsonNode job = api.get("/v1/jobs/" + Query.segment(id));
      if (TERMINAL_STATES.contains(Json.text(job, "state"))) {
        finish(id, job);
      }
    }
  }

  // progress and the end of one job never cross: a bar does not move back once it is done
  private synchronized void progress(String jobId, double p) {
    if (pending.contains(jobId)) {
      listener.progress(jobId, p);
    }
  }

  private synchronized void finish(String jobId, JsonNode job) {
    if (pending.remove(jobId)) {
      if ("succeeded".equals(Json.text(job, "state"))) {
        listener.progress(jobId, 1.0);
      }
      listener.finished(jobId, job);
    }
  }
}
