package dev.assetgrid.client.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.commands.Pages;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import dev.assetgrid.client.progress.ImportView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Follows an import and the jobs of its items to their end by reading {@code GET /v1/imports/{id}}
 * every {@link #POLL}: its {@code counts} say how many items are done and how many of its jobs are
 * in which state, which is all the bar needs and all the end needs.
 *
 * <p>Why not the tenant's event stream, as {@code submit --wait} does ({@code JobFollower}): the
 * {@code job.*} events name jobs, not imports, and which jobs are the import's is only known by
 * paging through its items as they get one, so following by events would poll the items anyway, for
 * every job of the tenant that passes by. One small read a second of one row with its counts is
 * simpler, cannot miss anything across a broken connection, and a big import does not make it
 * bigger.
 *
 * <p>An item is marked imported in the transaction that makes its asset, but its job's id is
 * written by a second one; so an import can be {@code succeeded} a moment before the jobs of its
 * last items count. It is followed until its jobs number at least its imported items, for at most
 * {@link #JOB_IDS_GRACE} after the import ended (a coordinator that died between the two leaves an
 * item without job: it is named as a failure).
 *
 * <p>At the end the failures are read: the items {@code ?state=failed}, and when a job did not
 * succeed, each item's job until all of those are found.
 */
public final class ImportFollower {
  /** How often the import is read. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** How long after the import ended its imported items may be without a job. */
  static final Duration JOB_IDS_GRACE = Duration.ofSeconds(30);

  /** An import's states that are final. */
  public static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

  private static final Set<String> JOB_ENDED = Set.of("succeeded", "failed", "cancelled");

  /** An item or job that did not end well: its name, its code (null: none), why. */
  public record Failure(String name, String code, String message) {}

  /**
   * How the import ended.
   *
   * @param view the import as last read
   * @param failures its failed items and jobs, and the import itself when it failed or was
   *     cancelled
   */
  public record Result(JsonNode view, List<Failure> failures) {
    /** Everything was imported (or was a duplicate or skipped) and every job succeeded. */
    public boolean allSucceeded() {
      return "succeeded".equals(Json.text(view, "state")) && failures.isEmpty();
    }
  }

  private final Api api;
  private final String id;
  private final String path;

  public ImportFollower(Api api, String id) {
    this.api = api;
    this.id = id;
    this.path = ImportsCommand.PATH + "/" + Query.segment(id);
  }

  /** Reads the import until it and its jobs ended, showing each reading on {@code view}. */
  public Result follow(ImportView view) {
    long graceEnd = 0;
    JsonNode v;
    while (true) {
      v = api.get(path);
      view.update(v);
      JsonNode counts = v.path("counts");
      if (ENDED.contains(Json.text(v, "state")) && jobsEnded(counts)) {
        if (jobs(counts) >= counts.path("imported").asLong()) {
          break;
        }
        if (graceEnd == 0) {
          graceEnd = System.nanoTime() + JOB_IDS_GRACE.toNanos();
        } else if (System.nanoTime() > graceEnd) {
          break;
        }
      }
      sleep();
    }
    view.finished(v);
    return new Result(v, failures(v));
  }

  private List<Failure> failures(JsonNode v) {
    List<Failure> out = new ArrayList<>();
    JsonNode counts = v.path("counts");
    String state = Json.text(v, "state");
    if ("failed".equals(state)) {
      String error = Json.text(v, "error");
      out.add(new Failure("import " + id, null, error == null ? "the import failed" : error));
    } else if ("cancelled".equals(state)) {
      out.add(
          new Failure(
              "import " + id,
              "CANCELLED",
              "the import was cancelled; "
                  + counts.path("cancelled").asLong()
                  + " item(s) were not imported"));
    }
    if (counts.path("failed").asLong() > 0) {
      for (JsonNode i :
          Pages.collect(
              api, path + "/items", Query.of().add("state", "failed"), Integer.MAX_VALUE)) {
        out.add(new Failure(Json.text(i, "name"), Json.text(i, "code"), Json.text(i, "message")));
      }
    }
    long unknown = counts.path("imported").asLong() - jobs(counts);
    if (unknown > 0) {
      out.add(
          new Failure(
              "import " + id,
              null,
              unknown
                  + " imported item(s) have no job recorded (assetgrid imports items "
                  + id
                  + " shows them)"));
    }
    out.addAll(failedJobs(counts));
    return out;
  }

  /** The items whose job did not succeed, each with its job's code and message. */
  private List<Failure> failedJobs(JsonNode counts) {
    long bad = jobs(counts) - counts.path("jobs").path("succeeded").asLong();
    List<Failure> out = new ArrayList<>();
    if (bad <= 0) {
      return out;
    }
    for (JsonNode i : Pages.collect(api, path + "/items", Query.of(), Integer.MAX_VALUE)) {
      String jobId = Json.text(i, "jobId");
      if (jobId == null) {
        continue;
      }
      JsonNode job = api.get("/v1/jobs/" + Query.segment(jobId));
      String state = Json.text(job, "state");
      if (!"succeeded".equals(state)) {
        JsonNode error = job.get("error");
        out.add(
            new Failure(
                Json.text(i, "name"),
                error == null || error.isNull()
                    ? state.toUpperCase(Locale.ROOT)
                    : Json.text(error, "code"),
                error == null || error.isNull()
                    ? "the job " + jobId + " was " + state
                    : "job " + jobId + ": " + Json.text(error, "message")));
        if (out.size() == bad) {
          break;
        }
      }
    }
    return out;
  }

  /** The import's jobs, in any state. */
  static long jobs(JsonNode counts) {
    long n = 0;
    for (Map.Entry<String, JsonNode> e : counts.path("jobs").properties()) {
      n += e.getValue().asLong();
    }
    return n;
  }

  private static boolean jobsEnded(JsonNode counts) {
    for (Map.Entry<String, JsonNode> e : counts.path("jobs").properties()) {
      if (!JOB_ENDED.contains(e.getKey()) && e.getValue().asLong() > 0) {
        return false;
      }
    }
    return true;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(
          ExitCode.UNAVAILABLE, "interrupted while following the import; it goes on");
    }
  }
}
