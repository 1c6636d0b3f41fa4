package dev.assetgrid.node.isolate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.worker.TaskResult;
import dev.assetgrid.node.worker.TaskWork;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm pool of worker processes ({@link StageHost}) on this node: one per slot at most, started
 * when first needed and reused task after task, each with its own heap ({@code -Xmx}) and its log
 * in a file of its own. A process that dies during a task (a signal, an exit) ends that attempt
 * with {@code NATIVE_CRASH}, or {@code RESOURCE_LIMIT} when its heap ran out; it is replaced by a
 * fresh one for the next task. {@link #close} ends them all.
 */
public final class StagePool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagePool.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JVM's exit status with {@code -XX:+ExitOnOutOfMemoryError}. */
  static final int OUT_OF_MEMORY_EXIT = 3;

  /**
   * @param heap the worker processes' {@code -Xmx}, e.g. {@code 1g}
   * @param logDir where each process writes its log ({@code stage-host-N.log})
   */
  public record Options(String heap, Path logDir) {}

  private final Options options;
  private final List<String> command;
  private final Deque<Host> idle = new ArrayDeque<>();
  private final List<Host> all = new ArrayList<>();
  private volatile boolean closed;
  private int started;

  public StagePool(Options options) {
    this.options = options;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the module flags this JVM got (Hazelcast's, in the manifest of the fat jar or on the line)
    cmd.addAll(
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native-access"))
            .toList());
    cmd.addAll(
        List.of(
            "-Xmx" + options.heap(),
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UseSerialGC",
            // a fatal error's report goes to the process's log, not into the protocol on stdout
            "-XX:+DisplayVMOutputToStderr",
            "-XX:ErrorFile=" + options.logDir().resolve("hs_err_pid%p.log"),
            "-cp",
            System.getProperty("java.class.path"),
            StageHost.class.getName()));
    this.command = List.copyOf(cmd);
  }

  /** How many worker processes run now (idle or busy). */
  public synchronized int processes() {
    return all.size();
  }

  /**
   * Runs the stage {@code type} of {@code work} in a worker process; blocks until it answers, is
   * cancelled, or dies.
   */
  public TaskResult run(String type, TaskWork work) throws Exception {
    Host h = acquire();
    boolean reusable = false;
    try {
      ObjectNode req = JSON.createObjectNode();
      req.put("op", "run").put("type", type).put("taskId", work.taskId());
      req.put("attempt", work.attempt()).set("params", work.params());
      ObjectNode inputs = req.putObject("inputs");
      work.inputs().forEach((k, v) -> inputs.put(k, v.toString()));
      req.put("inputDir", work.inputDir().toString()).put("workDir", work.workDir().toString());
      h.send(req);
      while (true) {
        JsonNode m = h.next(work);
        if (m == null) {
          throw h.death(type, work);
        }
        switch (m.path("op").asText()) {
          case "progress" -> work.progress().accept(m.path("progress").asDouble());
          case "done" -> {
            reusable = true;
            return result(m);
          }
          case "failed" -> {
            reusable = true;
            throw new AssetGridException(
                ErrorCode.of(m.path("code").asText()), m.path("message").asText());
          }
          default -> {
            // an answer of a newer host version: ignore
          }
        }
      }
    } finally {
      release(h, reusable);
    }
  }

  /** A worker process's {@code done} answer, as the task result it stands for. */
  private static TaskResult result(JsonNode done) {
    List<TaskResult.Output> outputs = new ArrayList<>();
    for (JsonNode o : done.path("outputs")) {
      outputs.add(
          new TaskResult.Output(
              o.path("name").asText(),
              Path.of(o.path("file").asText()),
              o.path("contentType").asText()));
    }
    JsonNode r = done.path("result");
    return new TaskResult(
        r instanceof ObjectNode on ? on : JsonNodeFactory.instance.objectNode(), outputs);
  }

  private synchronized Host acquire() throws IOException {
    if (closed) {
      throw AssetGridException.of(ErrorCode.NODE_LOST, "the node is stopping");
    }
    Host h = idle.pollFirst();
    if (h != null && h.process.isAlive()) {
      return h;
    }
    if (h != null) {
      all.remove(h);
    }
    started++;
    Path log = options.logDir().resolve("stage-host-" + started + ".log");
    Files.createDirectories(options.logDir());
    Process p =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    Host fresh = new Host(p, log);
    all.add(fresh);
    return fresh;
  }

  private synchronized void release(Host h, boolean reusable) {
    if (reusable && !closed && h.process.isAlive()) {
      idle.addFirst(h);
    } else {
      all.remove(h);
      h.process.destroyForcibly();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Host h : all) {
      try {
        h.in.close(); // the host exits when its stdin closes
      } catch (IOException ignored) {
        // already gone
      }
    }
    for (Host h : all) {
      try {
        if (!h.process.waitFor(5, TimeUnit.SECONDS)) {
          h.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        h.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    all.clear();
    idle.clear();
  }

  /** One worker process and its pipes. */
  private static final class Host {
    final Process process;
    final Path log;
    final BufferedWriter in;
    final BufferedReader out;

    Host(Process process, Path log) {
      this.process = process;
      this.log = log;
      this.in =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    void send(ObjectNode m) throws IOException {
      in.write(JSON.writeValueAsString(m));
      in.write('\n');
      in.flush();
    }

    /**
     * The next message of the host (skipping its start-up {@code ready}), or null when it died;
     * passes a cancellation of {@code work} on while it waits.
     */
    JsonNode next(TaskWork work) throws IOException, InterruptedException {
      boolean cancelSent = false;
      while (true) {
        if (!cancelSent && work.cancelled().getAsBoolean()) {
          try {
            send(JSON.createObjectNode().put("op", "cancel"));
          } catch (IOException gone) {
            // it died: the read below says so
          }
          cancelSent = true;
        }
        if (!out.ready()) {
          if (!process.isAlive() && !out.ready()) {
            return null;
          }
          Thread.sleep(1);
          continue;
        }
        String line = out.readLine();
        if (line == null) {
          return null;
        }
        JsonNode m;
        try {
          m = JSON.readTree(line);
        } catch (IOException notJson) {
          LOG.debug("worker process wrote outside the protocol: {}", line);
          continue;
        }
        if ("ready".equals(m.path("op").asText())) {
          continue;
        }
        return m;
      }
    }

    /** The error of a task whose host died under it: the signal or exit, the stage, the input. */
    AssetGridException death(String type, TaskWork work) throws InterruptedException {
      process.waitFor(5, TimeUnit.SECONDS);
      int exit = process.isAlive() ? -1 : process.exitValue();
      String inputs = String.join(", ", work.inputs().keySet());
      String fatal = fatalSignal(log);
      if (fatal == null) {
        fatal = fatalSignal(log.resolveSibling("hs_err_pid" + process.pid() + ".log"));
      }
      String what =
          fatal != null
              ? fatal
              : exit > 128
                  ? "signal " + signalName(exit - 128)
                  : exit == OUT_OF_MEMORY_EXIT ? "out of heap" : "exit status " + exit;
      LOG.warn(
          "worker process for task {} ({}) died: {}; its log: {}", work.taskId(), type, what, log);
      String detail =
          "stage "
              + type
              + " on input "
              + (inputs.isEmpty() ? "(none)" : inputs)
              + " ended its worker process ("
              + what
              + ")";
      return new AssetGridException(
          exit == OUT_OF_MEMORY_EXIT ? ErrorCode.RESOURCE_LIMIT : ErrorCode.NATIVE_CRASH,
          detail,
          java.util.Map.of(
              "stage", type, "exit", exit, "inputs", List.copyOf(work.inputs().keySet())),
          null);
    }

    /** The signal a JVM's fatal error report names ({@code # SIGSEGV (0xb) at pc=...}). */
    static String fatalSignal(Path log) {
      try {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          java.util.regex.Matcher m =
              java.util.regex.Pattern.compile("^#\\s+(SIG[A-Z]+) \\(").matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
      } catch (IOException | RuntimeException e) {
        // no report
      }
      return null;
    }

    static String signalName(int n) {
      return switch (n) {
        case 6 -> "SIGABRT";
        case 9 -> "SIGKILL";
        case 11 -> "SIGSEGV";
        case 7 -> "SIGBUS";
        case 8 -> "SIGFPE";
        default -> Integer.toString(n);
      };
    }
  }
}
