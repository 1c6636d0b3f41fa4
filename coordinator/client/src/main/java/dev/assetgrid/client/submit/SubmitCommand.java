package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.commands.AssetOptions;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.ServerProblem;
import dev.assetgrid.client.progress.SubmitView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code submit FILE|DIR... [--wait]}: finds the models ({@link ModelFinder}), uploads each ({@link
 * Uploader}), and with {@code --wait} follows their jobs ({@link JobFollower}, over one stream
 * opened before the first upload) to the end; then names each failure with its code and message. A
 * file the server refuses is a failure of that file and the others go on; a server that cannot be
 * reached or fails stops the command.
 */
@Command(
    name = "submit",
    description = "Upload model files (a folder is searched for them) and start their jobs.")
public final class SubmitCommand extends ApiCommand {
  /** Files above this go through the resumable upload API. */
  public static final String DEFAULT_DIRECT_THRESHOLD = "64MiB";

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|DIR",
      description = "model files or folders of them")
  List<Path> paths;

  @Mixin AssetOptions asset;

  @Option(
      names = "--name",
      description = "the asset's name (one file only; default: its file name)")
  String name;

  @Option(names = "--wait", description = "follow the jobs to their end; exit 1 if any failed")
  boolean await;

  @Option(
      names = "--multipart-threshold",
      paramLabel = "SIZE",
      defaultValue = DEFAULT_DIRECT_THRESHOLD,
      description = "files above this go through the resumable upload API (default 64MiB)")
  String threshold;

  /** A file that failed: where, with which code (null: the client's own finding), why. */
  record Failure(String label, String code, String message) {}

  @Override
  public Integer call() {
    List<Submission> found = ModelFinder.find(paths);
    if (name != null && found.size() > 1) {
      throw ClientException.usage(
          "--name names one asset, but " + found.size() + " files were found");
    }
    Uploader uploader =
        new Uploader(
            api(),
            UploadStates.under(root().environment().stateHome()),
            new Uploader.Options(
                name, asset.pipeline, asset.tags, Sizes.bytes(threshold, "--multipart-threshold")));
    List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    Map<String, SubmitView.Item> items = new ConcurrentHashMap<>();
    Map<String, String> labels = new ConcurrentHashMap<>();
    // the stream opens before the first upload, so no event of the jobs to come is missed
    try (JobFollower follower =
            await ? JobFollower.open(api(), listener(items, labels, failures)) : null;
        SubmitView view =
            SubmitView.open(out(), root().environment().interactive(), found.size())) {
      for (Submission s : found) {
        if (!s.missing().isEmpty()) {
          String why = "it references " + String.join(", ", s.missing()) + ", which are not there";
          view.add(s.label(), 0).failed(why);
          failures.add(new Failure(s.label(), null, why));
          continue;
        }
        Path payload = uploader.payload(s);
        SubmitView.Item item = view.add(s.label(), size(payload));
        try {
          Uploader.Accepted a = uploader.send(s, payload, item::sent);
          item.accepted(a.assetId(), a.jobId(), await);
          items.put(a.jobId(), item);
          labels.put(a.jobId(), s.label());
          if (follower != null) {
            follower.add(a.jobId());
          }
        } catch (ServerProblem e) {
          int status = e.problem().status();
          if (status >= 500 || status == 401 || status == 403) {
            throw e; // the server or the key, not this file: the next files would fail alike
          }
          item.failed(e.getMessage());
          failures.add(new Failure(s.label(), e.problem().code(), e.problem().detail()));
        }
      }
      if (follower != null) {
        follower.awaitAll();
      }
    }
    report(found.size(), failures);
    return failures.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
  }

  /** Shows each job's progress and end on its file's item; a job that did not succeed fails. */
  private static JobFollower.Listener listener(
      Map<String, SubmitView.Item> items, Map<String, String> labels, List<Failure> failures) {
    return new JobFollower.Listener() {
      @Override
      public void progress(String jobId, double progress) {
        items.get(jobId).progress(progress);
      }

      @Override
      public void finished(String jobId, JsonNode job) {
        String state = Json.text(job, "state");
        items.get(jobId).finished(state);
        if (!"succeeded".equals(state)) {
          JsonNode error = job.get("error");
          failures.add(
              new Failure(
                  labels.get(jobId),
                  error == null ? state.toUpperCase(Locale.ROOT) : Json.text(error, "code"),
                  error == null ? "the job was " + state : Json.text(error, "message")));
        }
      }
    };
  }

  private void report(int total, List<Failure> failures) {
    if (failures.isEmpty()) {
      return;
    }
    out().println();
    out().println(failures.size() + " of " + total + " failed:");
    for (Failure f : failures) {
      out()
          .println(
              "  " + f.label() + ": " + (f.code() == null ? "" : f.code() + " ") + f.message());
    }
    out().flush();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw ClientException.usage("cannot read " + p);
    }
  }
}
