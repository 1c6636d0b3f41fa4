package dev.assetgrid.node.isolate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.NativeProbe;
import dev.assetgrid.node.worker.Handlers;
import dev.assetgrid.node.worker.NoopHandler;
import dev.assetgrid.node.worker.TaskHandler;
import dev.assetgrid.node.worker.TaskResult;
import dev.assetgrid.node.worker.TaskWork;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker process: runs the stages a node hands it, one at a time, in its own JVM, so that a crash
 * in native code (a segfault in Assimp, an abort in libktx) or an exhausted heap ends this process
 * and one attempt, never the node. Speaks JSON lines: requests on stdin ({@code run} with the task,
 * its params, its local input files and folders; {@code cancel}), answers on stdout ({@code
 * progress}, {@code done} with the result and output files, {@code failed} with a code); its log
 * goes to stderr. It exits when stdin closes (its node is gone).
 */
public final class StageHost {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StageHost() {}

  public static void main(String[] args) throws Exception {
    System.setProperty(NoopHandler.ISOLATED_PROPERTY, "true");
    // stdout is the protocol: nothing else may write there
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Map<String, TaskHandler> handlers = new HashMap<>();
    for (TaskHandler h : Handlers.available(NativeProbe.probe())) {
      handlers.put(h.type().wire(), h);
    }
    LinkedBlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  JsonNode m = JSON.readTree(line);
                  if ("cancel".equals(m.path("op").asText())) {
                    cancelled.set(true);
                  } else {
                    requests.add(m);
                  }
                }
              } catch (Exception e) {
                // the node closed the pipe
              }
              requests.add(JSON.createObjectNode().put("op", "exit"));
            },
            "stage-host-stdin");
    reader.setDaemon(true);
    reader.start();
    send(out, JSON.createObjectNode().put("op", "ready"));
    while (true) {
      JsonNode req = requests.take();
      if (!"run".equals(req.path("op").asText())) {
        return;
      }
      cancelled.set(false);
      send(out, run(handlers, req, cancelled, out));
    }
  }

  private static ObjectNode run(
      Map<String, TaskHandler> handlers, JsonNode req, AtomicBoolean cancelled, PrintStream out) {
    ObjectNode answer = JSON.createObjectNode();
    try {
      TaskHandler h = handlers.get(req.path("type").asText());
      if (h == null) {
        throw AssetGridException.of(ErrorCode.TASK_TYPE_UNSUPPORTED, req.path("type").asText());
      }
      Map<String, Path> inputs = new LinkedHashMap<>();
      req.path("inputs")
          .fields()
          .forEachRemaining(e -> inputs.put(e.getKey(), Path.of(e.getValue().asText())));
      long[] lastProgress = {0};
      TaskWork work =
          new TaskWork(
              req.path("taskId").asText(),
              req.path("attempt").asInt(),
              (ObjectNode) req.path("params"),
              inputs,
              Path.of(req.path("inputDir").asText()),
              Path.of(req.path("workDir").asText()),
              p -> {
                long now = System.nanoTime();
                if (now - lastProgress[0] > 200_000_000L) { // at most 5 a second
                  lastProgress[0] = now;
                  send(out, JSON.createObjectNode().put("op", "progress").put("progress", p));
                }
              },
              cancelled::get);
      TaskResult r = h.run(work);
      answer.put("op", "done").set("result", r.result());
      var outputs = answer.putArray("outputs");
      for (TaskResult.Output o : r.outputs()) {
        outputs
            .addObject()
            .put("name", o.name())
            .put("file", o.file().toString())
            .put("contentType", o.contentType());
      }
    } catch (Throwable e) {
      ErrorCode code = AssetGridException.codeOf(e);
      answer
          .put("op", "failed")
          .put("code", code.name())
          .put("message", e instanceof AssetGridException ? e.getMessage() : e.toString());
    }
    return answer;
  }

  private static synchronized void send(PrintStream out, ObjectNode m) {
    try {
      out.println(JSON.writeValueAsString(m));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
