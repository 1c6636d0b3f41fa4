package dev.assetgrid.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The {@code --json} result file and the {@code --history} JSON-lines file. */
public final class JsonReports {
  private JsonReports() {}

  public static ObjectMapper mapper() {
    SimpleModule m = new SimpleModule();
    m.addSerializer(
        Instant.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Instant v, JsonGenerator g, SerializerProvider p)
              throws IOException {
            g.writeString(v.toString());
          }
        });
    JsonSerializer<Double> finite =
        new JsonSerializer<>() {
          @Override
          public void serialize(Double v, JsonGenerator g, SerializerProvider p)
              throws IOException {
            if (v.isNaN() || v.isInfinite()) {
              g.writeNull(); // JSON has no NaN
            } else {
              g.writeNumber(v);
            }
          }
        };
    m.addSerializer(Double.class, finite);
    m.addSerializer(double.class, finite);
    return new ObjectMapper().registerModule(m).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  public static void write(BenchResult r, Path file) throws IOException {
    createParent(file);
    mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), r);
  }

  /**
   * One line per run: the headline numbers, with machine and version, for comparing runs over time.
   */
  public static void appendHistory(BenchResult r, Path file) throws IOException {
    createParent(file);
    ObjectMapper m = mapper();
    StringBuilder lines = new StringBuilder();
    for (BenchResult.Run run : r.runs()) {
      RunSummary s = run.summary();
      ObjectNode o = m.createObjectNode();
      o.put("at", r.startedAt()).put("version", r.version()).put("gridVersion", r.gridVersion());
      o.put("workload", String.valueOf(r.settings().get("workload")))
          .put("pipeline", String.valueOf(r.settings().get("pipeline")));
      o.put("label", s.label()).put("nodes", s.nodes()).put("slots", s.slots());
      o.put("jobs", s.submitted()).put("succeeded", s.succeeded()).put("failed", s.failed());
      num(o, "assetsPerSec", s.assetsPerSec());
      num(o, "inputMBPerSec", s.inputMBPerSec());
      num(o, "trianglesPerSec", s.trianglesPerSec());
      num(o, "tasksPerSec", s.queue().tasksPerSec());
      num(o, "uploadsPerSec", s.uploadsPerSec());
      num(o, "jobsCreatedPerSec", s.jobsCreatedPerSec());
      num(o, "latencyP50Ms", s.latencyMs().p50());
      num(o, "latencyP95Ms", s.latencyMs().p95());
      num(o, "latencyP99Ms", s.latencyMs().p99());
      num(o, "leaseToCompleteP50Ms", s.queue().leaseToCompleteMs().p50());
      o.set("errors", m.valueToTree(s.errors()));
      o.set("memory", m.valueToTree(run.memory()));
      machine(o, r);
      lines.append(m.writeValueAsString(o)).append('\n');
    }
    if (r.authCost() != null) {
      ObjectNode o = m.createObjectNode();
      o.put("at", r.startedAt()).put("version", r.version()).put("gridVersion", r.gridVersion());
      o.put("workload", String.valueOf(r.settings().get("workload")))
          .put("pipeline", String.valueOf(r.settings().get("pipeline")));
      for (dev.assetgrid.bench.probe.AuthCost.Row row : r.authCost().rows()) {
        String k = row.request().startsWith("GET") ? "get" : "upload";
        num(o, k + "AuthOnP50Us", row.on().p50Us());
        num(o, k + "AuthOffP50Us", row.off().p50Us());
        num(o, k + "AuthOnP99Us", row.on().p99Us());
        num(o, k + "AuthOffP99Us", row.off().p99Us());
        num(o, k + "DiffP50Us", row.diffP50Us());
      }
      o.put("errors", r.authCost().errorCount());
      machine(o, r);
      lines.append(m.writeValueAsString(o)).append('\n');
    }
    Files.writeString(
        file,
        lines.toString(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static void machine(ObjectNode o, BenchResult r) {
    o.putObject("machine")
        .put("host", r.machine().host())
        .put("cores", r.machine().cores())
        .put("ramBytes", r.machine().ramBytes())
        .put("os", r.machine().os() + " " + r.machine().osVersion())
        .put("jvm", r.machine().jvm());
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, Math.round(v * 1000) / 1000.0);
    } else {
      o.putNull(k);
    }
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
