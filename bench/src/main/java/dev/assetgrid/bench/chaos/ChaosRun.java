package dev.assetgrid.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.grid.LocalGrid;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The chaos scenario: small jobs are submitted without pause while a node is killed (kill -9), the
 * coordinator is killed and started again on its data folder, and the embedded PostgreSQL's
 * postmaster is killed under the running coordinator. Then every accepted job must have succeeded,
 * every task must have exactly one succeeded attempt, every file must download with its recorded
 * sha256, and the nodes that stayed up must have leased again after the restart, with no step taken
 * by hand. Recovery times are read from the attempts the grid recorded.
 *
 * <p>Each fault waits for its turn by the number of accepted jobs, so the faults land while work is
 * queued and running whatever the machine's speed.
 */
public final class ChaosRun {
  /**
   * @param jobs jobs to have accepted in all
   * @param taskMs how long each no-op task sleeps
   * @param timeout how long everything may take
   */
  public record Options(int jobs, long taskMs, Duration timeout, PrintStream log) {}

  /** What happened, and what was checked. */
  public record Report(
      int accepted,
      int submitRetries,
      int succeeded,
      Map<String, Integer> notSucceeded,
      int tasksWithoutOneSuccess,
      int filesChecked,
      int filesBad,
      long nodeKillToReleaseMs,
      long coordinatorDownMs,
      long coordinatorDownToFirstLeaseMs,
      long databaseKillToQueueMovingMs,
      Set<String> nodesAfterRestart,
      Set<String> survivingNodes,
      List<String> problems) {

    public boolean passed() {
      return problems.isEmpty();
    }

    public String text() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              "chaos: %d jobs accepted (%d submissions retried while the coordinator was down),"
                  + " %d succeeded%n",
              accepted, submitRetries, succeeded));
      b.append(
          String.format(
              "  node kill -9 -> its tasks leased again: %d ms%n"
                  + "  coordinator kill -9 -> ready again: %d ms; -> first lease after the restart:"
                  + " %d ms%n"
                  + "  PostgreSQL kill -9 -> queue moving again: %d ms%n",
              nodeKillToReleaseMs,
              coordinatorDownMs,
              coordinatorDownToFirstLeaseMs,
              databaseKillToQueueMovingMs));
      b.append(
          String.format(
              "  tasks lost: %d, tasks recorded twice (not exactly one success): %d, files checked:"
                  + " %d (bad: %d)%n",
              accepted - succeeded, tasksWithoutOneSuccess, filesChecked, filesBad));
      b.append(
          String.format(
              "  nodes leasing after the restart: %s (surviving: %s)%n",
              nodesAfterRestart, survivingNodes));
      problems.forEach(p -> b.append("  PROBLEM: ").append(p).append('\n'));
      return b.toString();
    }
  }

  private ChaosRun() {}

  /**
   * Runs the scenario on {@code grid} (a coordinator with the embedded PostgreSQL and at least two
   * nodes, started); {@code work} holds the scratch files.
   */
  public static Report run(LocalGrid grid, Options o, Path work) throws Exception {
    String pipeline =
        "{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":"
            + o.taskMs()
            + ",\"output\":true}}]}";
    List<GridClient.Submitted> accepted = new CopyOnWriteArrayList<>();
    int[] retries = {0};
    AtomicBoolean stop = new AtomicBoolean();
    Files.createDirectories(work);
    long deadline = System.nanoTime() + o.timeout().toNanos();
    GridClient client = grid.client(4);
    Thread submitter =
        new Thread(
            () -> {
              int n = 0;
              while (accepted.size() < o.jobs() && !stop.get() && System.nanoTime() < deadline) {
                try {
                  Path f = work.resolve("chaos-" + n + ".glb");
                  Files.write(f, glb(n));
                  GridClient.Submitted s =
                      client.submit(
                          new WorkItem(f.getFileName().toString(), f, List.of(), 0, 0),
                          pipeline,
                          List.of("chaos"));
                  if (s.accepted()) {
                    accepted.add(s);
                    n++;
                  } else {
                    retries[0]++;
                    Thread.sleep(200);
                  }
                } catch (IOException e) {
                  retries[0]++; // the coordinator is down: the client tries again
                  sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "chaos-submitter");
    submitter.start();
    List<String> problems = new ArrayList<>();
    try {
      awaitAccepted(accepted, o.jobs() / 8, deadline);
      Instant nodeKilledAt = Instant.now();
      grid.killNode(0);
      log(o, "killed node-1");
      grid.addNodes(1, false); // capacity back, as an orchestrator would

      awaitAccepted(accepted, o.jobs() * 3 / 8, deadline);
      Instant coordinatorKilledAt = Instant.now();
      grid.killCoordinator();
      log(o, "killed the coordinator");
      Thread.sleep(2_000); // the nodes notice they are alone
      grid.restartCoordinator();
      Instant readyAt = Instant.now();
      log(o, "coordinator ready again");

      awaitAccepted(accepted, o.jobs() * 5 / 8, deadline);
      Instant databaseKilledAt = Instant.now();
      long pid = grid.killDatabase();
      log(o, "killed PostgreSQL (pid " + pid + ")");

      submitter.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      GridClient c = grid.client(4);
      while (System.nanoTime() < deadline) {
        try {
          if (!c.anyJobUnfinished()) {
            break;
          }
        } catch (IOException e) {
          // the database is coming back
        }
        Thread.sleep(500);
      }
      return check(
          grid,
          accepted,
          retries[0],
          nodeKilledAt,
          coordinatorKilledAt,
          readyAt,
          databaseKilledAt,
          work,
          problems);
    } finally {
      stop.set(true);
      submitter.interrupt();
      submitter.join(10_000);
    }
  }

  private static Report check(
      LocalGrid grid,
      List<GridClient.Submitted> accepted,
      int retries,
      Instant nodeKilledAt,
      Instant coordinatorKilledAt,
      Instant readyAt,
      Instant databaseKilledAt,
      Path work,
      List<String> problems)
      throws Exception {
    GridClient c = grid.client(4);
    int succeeded = 0;
    int notOne = 0;
    Map<String, Integer> other = new TreeMap<>();
    long release = 0;
    Instant firstLeaseAfterRestart = null;
    Instant firstEndAfterDbKill = null;
    Set<String> afterRestart = new TreeSet<>();
    int files = 0;
    int bad = 0;
    for (GridClient.Submitted s : accepted) {
      JsonNode job = c.job(s.jobId());
      String state = job == null ? "missing" : job.path("state").asText();
      if (!"succeeded".equals(state)) {
        other.merge(state, 1, Integer::sum);
        continue;
      }
      succeeded++;
      for (JsonNode task : job.path("tasks")) {
        int ok = 0;
        Instant previousStart = null;
        for (JsonNode a : task.path("attempts")) {
          if ("succeeded".equals(a.path("outcome").asText())) {
            ok++;
          }
          Instant started = time(a.path("startedAt"));
          Instant finished = time(a.path("finishedAt"));
          if (started != null && started.isAfter(coordinatorKilledAt)) {
            afterRestart.add(a.path("node").asText());
            if (firstLeaseAfterRestart == null || started.isBefore(firstLeaseAfterRestart)) {
              firstLeaseAfterRestart = started;
            }
          }
          if (finished != null
              && finished.isAfter(databaseKilledAt)
              && (firstEndAfterDbKill == null || finished.isBefore(firstEndAfterDbKill))) {
            firstEndAfterDbKill = finished;
          }
          // a task the killed node held: the gap from the kill to its next attempt
          if (previousStart != null
              && started != null
              && previousStart.isBefore(nodeKilledAt)
              && started.isAfter(nodeKilledAt)
              && started.isBefore(coordinatorKilledAt)) {
            release = Math.max(release, Duration.between(nodeKilledAt, started).toMillis());
          }
          previousStart = started;
        }
        if (ok != 1) {
          notOne++;
        }
      }
      JsonNode asset = c.asset(s.assetId());
      for (JsonNode f : asset == null ? List.<JsonNode>of() : asset.path("files")) {
        Path target = work.resolve("download.bin");
        long size = c.download(s.assetId(), f.path("name").asText(), target);
        files++;
        if (size != f.path("size").asLong() || !sha256(target).equals(f.path("sha256").asText())) {
          if (bad++ == 0) {
            problems.add(
                "e.g. "
                    + s.assetId()
                    + "/"
                    + f.path("name").asText()
                    + ": "
                    + size
                    + " bytes, sha256 "
                    + (size < 0 ? "-" : sha256(target))
                    + "; recorded "
                    + f.path("size").asLong()
                    + " bytes, "
                    + f.path("sha256").asText());
          }
        }
      }
    }
    Set<String> surviving = new TreeSet<>();
    for (JsonNode n : c.nodes().path("nodes")) {
      surviving.add(n.path("nodeId").asText());
    }
    if (succeeded != accepted.size()) {
      problems.add((accepted.size() - succeeded) + " accepted job(s) did not succeed: " + other);
    }
    if (notOne > 0) {
      problems.add(notOne + " task(s) without exactly one succeeded attempt");
    }
    if (bad > 0) {
      problems.add(bad + " file(s) did not download with their recorded size and sha256");
    }
    if (firstLeaseAfterRestart == null) {
      problems.add("no task was leased after the coordinator's restart");
    }
    Set<String> idle = new TreeSet<>(surviving);
    idle.removeAll(afterRestart);
    if (!idle.isEmpty()) {
      problems.add("node(s) " + idle + " did not lease after the coordinator's restart");
    }
    return new Report(
        accepted.size(),
        retries,
        succeeded,
        other,
        notOne,
        files,
        bad,
        release,
        Duration.between(coordinatorKilledAt, readyAt).toMillis(),
        firstLeaseAfterRestart == null
            ? -1
            : Duration.between(coordinatorKilledAt, firstLeaseAfterRestart).toMillis(),
        firstEndAfterDbKill == null
            ? -1
            : Duration.between(databaseKilledAt, firstEndAfterDbKill).toMillis(),
        afterRestart,
        surviving,
        List.copyOf(problems));
  }

  private static void awaitAccepted(List<?> accepted, int n, long deadline)
      throws InterruptedException, IOException {
    while (accepted.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IOException("only " + accepted.size() + " job(s) accepted in time");
      }
      Thread.sleep(50);
    }
  }

  /** A small GLB whose bytes differ per job (each upload is its own asset). */
  static byte[] glb(int n) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      dev.assetgrid.bench.synth.GlbWriter.write(
          dev.assetgrid.bench.synth.MeshGenerator.terrain(3, 2, 1), null, "chaos-" + n, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Instant time(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : Instant.parse(n.asText());
  }

  private static String sha256(Path f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(Files.readAllBytes(f));
    return HexFormat.of().formatHex(md.digest());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(Options o, String line) {
    if (o.log() != null) {
      o.log().println("  chaos: " + line);
    }
  }
}
