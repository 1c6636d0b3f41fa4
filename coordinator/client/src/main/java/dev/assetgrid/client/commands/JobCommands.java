package dev.assetgrid.client.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Query;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jobs}, {@code job ID}, {@code cancel JOB}, {@code retry JOB}: over {@code GET /v1/jobs},
 * {@code GET /v1/jobs/{id}} and {@code POST /v1/jobs/{id}/cancel|retry}.
 */
public final class JobCommands {
  private JobCommands() {}

  static final List<Table.Column> COLUMNS =
      List.of(
          new Table.Column("ID", j -> Show.text(j, "id")),
          new Table.Column("STATE", j -> Show.text(j, "state")),
          new Table.Column("TASKS", Show::tasks),
          new Table.Column("ASSET", j -> Show.text(j, "assetId")),
          new Table.Column("CREATED", j -> Show.text(j, "createdAt")),
          new Table.Column("ERROR", j -> Show.text(j, "error", "code")));

  static final List<Table.Column> TASK_COLUMNS =
      List.of(
          new Table.Column("TASK", t -> Show.text(t, "name")),
          new Table.Column("TYPE", t -> Show.text(t, "type")),
          new Table.Column("STATE", t -> Show.text(t, "state")),
          new Table.Column("ATTEMPT", t -> Show.text(t, "attempt")),
          new Table.Column("NODE", t -> Show.text(t, "node")),
          new Table.Column("ERROR", t -> Show.text(t, "error", "code")));

  @Command(name = "jobs", description = "List jobs, newest first.")
  public static final class ListJobs extends PagedList {
    @Option(
        names = "--state",
        description = "only jobs in this state (queued, running, succeeded, failed, cancelled)")
    String state;

    @Option(names = "--asset", paramLabel = "ID", description = "only the jobs of this asset")
    String asset;

    @Override
    public Integer call() {
      return list("/v1/jobs", Query.of().add("state", state).add("assetId", asset), COLUMNS);
    }
  }

  @Command(name = "job", description = "Show one job and its tasks.")
  public static final class ShowJob extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "the job")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode job = api().get("/v1/jobs/" + Query.segment(id));
      output.show(out(), job, fields(job), "tasks", TASK_COLUMNS);
      return ExitCode.OK;
    }
  }

  /** The {@code name: value} lines of a job. */
  static Map<String, String> fields(JsonNode job) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", Show.text(job, "id"));
    f.put("state", Show.text(job, "state"));
    f.put("asset", Show.text(job, "assetId"));
    f.put("tasks", Show.tasks(job));
    f.put("created", Show.text(job, "createdAt"));
    f.put("started", Show.text(job, "startedAt"));
    f.put("finished", Show.text(job, "finishedAt"));
    if (job.has("error")) {
      f.put("error", Show.text(job, "error", "code") + ": " + Show.text(job, "error", "message"));
    }
    return f;
  }

  /** {@code POST /v1/jobs/{id}/<action>}, telling the job's state after it. */
  abstract static class JobAction extends ApiCommand {
    @Parameters(paramLabel = "JOB", description = "the job")
    String id;

    abstract String action();

    @Override
    public Integer call() {
      JsonNode job = api().post("/v1/jobs/" + Query.segment(id) + "/" + action(), null);
      say("job " + Show.text(job, "id") + " is " + Show.text(job, "state"));
      return ExitCode.OK;
    }
  }

  @Command(name = "cancel", description = "Cancel a job (running tasks are told to stop).")
  public static final class Cancel extends JobAction {
    @Override
    String action() {
      return "cancel";
    }
  }

  @Command(name = "retry", description = "Run a failed or cancelled job again.")
  public static final class Retry extends JobAction {
    @Override
    String action() {
      return "retry";
    }
  }
}
