package dev.assetgrid.bench.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.bench.GridJars;
import dev.assetgrid.bench.grid.LocalGrid;
import dev.assetgrid.bench.report.Dist;
import dev.assetgrid.bench.report.MachineInfo;
import dev.assetgrid.bench.synth.GlbWriter;
import dev.assetgrid.bench.synth.MeshGenerator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Interactive uploads while a batch import runs, in one run: the latency of single uploads (a small
 * GLB, {@code POST /v1/assets} to its 202) alone, then while the grid imports a folder of {@code
 * --files} synthetic GLBs, for each {@code --import-inflight} asked; plus the import's items/s.
 *
 * <pre>
 * java -cp bench/target/assetgrid-bench.jar dev.assetgrid.bench.imports.ImportBench \
 *   --files 1000 --inflight 4,16 --out bench/results/imports.json
 * </pre>
 */
public final class ImportBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private int files = 1000;
  private int triangles = 2000;
  private List<Integer> inflight = List.of(4);
  private int probes = 150;
  private int nodeSlots = 2;
  private String pipeline = "inspect";
  private Path out = Path.of("import-bench.json");

  public static void main(String[] args) throws Exception {
    ImportBench b = new ImportBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> b.files = Integer.parseInt(args[++i]);
        case "--triangles" -> b.triangles = Integer.parseInt(args[++i]);
        case "--inflight" ->
            b.inflight =
                java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--probes" -> b.probes = Integer.parseInt(args[++i]);
        case "--node-slots" -> b.nodeSlots = Integer.parseInt(args[++i]);
        case "--pipeline" -> b.pipeline = args[++i];
        case "--out" -> b.out = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: ImportBench [--files 1000] [--triangles 2000] [--inflight 4,16] [--probes 150]"
                  + " [--node-slots 2] [--pipeline inspect] [--out FILE]");
          System.exit(2);
        }
      }
    }
    b.run();
  }

  private void run() throws Exception {
    Path root = Files.createTempDirectory("assetgrid-import-bench-");
    Path batch = Files.createDirectories(root.resolve("imports/batch"));
    long bytes = 0;
    for (int i = 0; i < files; i++) {
      bytes +=
          GlbWriter.write(
              MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, triangles, i),
              null,
              "m" + i,
              batch.resolve("m" + i + ".glb"));
    }
    System.err.printf(Locale.ROOT, "== %d GLBs, %,d bytes in %s%n", files, bytes, batch);
    ObjectNode result = JSON.createObjectNode();
    result.put("bench", "imports");
    result.put("startedAt", Instant.now().toString());
    result.set("machine", JSON.valueToTree(MachineInfo.current()));
    result.put("files", files).put("bytes", bytes).put("triangles", triangles);
    result.put("pipeline", pipeline).put("nodeSlots", nodeSlots);
    ArrayNode rows = result.putArray("runs");
    byte[] probe = GlbWriter.tiny();
    for (int n : inflight) {
      Path dir = root.resolve("grid-" + n);
      LocalGrid.Options o =
          new LocalGrid.Options(
                  GridJars.find("coordinator", "assetgrid-coordinator.jar"),
                  GridJars.find("node", "assetgrid-node.jar"),
                  dir,
                  null,
                  nodeSlots,
                  List.of("-Xmx1g"),
                  64L << 20,
                  Duration.ofMinutes(2),
                  System.err,
                  true,
                  null,
                  0.0)
              .withCoordinator(
                  List.of(
                      "--import-root",
                      root.resolve("imports").toString(),
                      "--import-inflight",
                      String.valueOf(n)),
                  Map.of());
      try (LocalGrid grid = LocalGrid.start(o)) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 200; i++) {
          upload(grid, http, probe); // warm-up: the JIT, the pools
        }
        List<Double> alone = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
          alone.add(upload(grid, http, probe));
          Thread.sleep(20);
        }
        String id = startImport(grid, http, batch);
        long t0 = System.nanoTime();
        List<Double> during = new ArrayList<>();
        JsonNode state = importState(grid, http, id);
        while (state.path("state").asText().matches("listing|running")) {
          during.add(upload(grid, http, probe));
          Thread.sleep(20);
          if (during.size() % 10 == 0) {
            state = importState(grid, http, id);
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        state = importState(grid, http, id);
        Dist a = Dist.of(alone);
        Dist d = Dist.of(during);
        long imported = state.path("counts").path("imported").asLong();
        ObjectNode row = rows.addObject();
        row.put("importInflight", n);
        row.put("importSeconds", seconds);
        row.put("imported", imported);
        row.put("itemsPerSecond", imported / seconds);
        row.set("uploadMsAlone", JSON.valueToTree(a));
        row.set("uploadMsDuringImport", JSON.valueToTree(d));
        row.set("importCounts", state.path("counts"));
        System.err.printf(
            Locale.ROOT,
            "== inflight %d: import of %d in %.1f s (%.1f items/s); upload p50/p99 alone %.1f/%.1f"
                + " ms, during %.1f/%.1f ms (%d samples)%n",
            n,
            imported,
            seconds,
            imported / seconds,
            a.p50(),
            a.p99(),
            d.p50(),
            d.p99(),
            d.count());
      }
    }
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.err.println("== wrote " + out);
  }

  private static double upload(LocalGrid grid, HttpClient http, byte[] glb)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(grid.url() + "/v1/assets?filename=probe.glb&pipeline=noop"))
                .header("Authorization", "Bearer " + grid.apiKey())
                .header("Content-Type", "model/gltf-binary")
                .POST(HttpRequest.BodyPublishers.ofByteArray(glb))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 202) {
      throw new IOException("upload answered " + r.statusCode() + ": " + r.body());
    }
    return ms;
  }

  private String startImport(LocalGrid grid, HttpClient http, Path batch)
      throws IOException, InterruptedException {
    ObjectNode body =
        JSON.createObjectNode().put("directory", batch.toString()).put("pipeline", pipeline);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(grid.url() + "/v1/imports"))
                .header("Authorization", "Bearer " + grid.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IOException("import answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body()).path("id").asText();
  }

  private static JsonNode importState(LocalGrid grid, HttpClient http, String id)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(grid.url() + "/v1/imports/" + id))
                .header("Authorization", "Bearer " + grid.apiKey())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }
}
