package dev.assetgrid.bench.mesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.LwjglMeshOptimizer;
import dev.assetgrid.node.natives.LwjglMeshoptDecoder;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.optimize.OptimizeMesh;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Per-asset time and output size of our optimize-mesh pipeline (read file + all stages + GLB bytes,
 * default options, warm JVM, median of N runs) against {@code gltfpack -cc} over the corpus glTF
 * models. gltfpack is the native binary when {@code gltfpack} is on PATH, else the npm WASM build
 * run through node (its times then include node start-up and WASM compilation, ~0.1-0.2 s per run,
 * and are labelled so).
 *
 * <p>Usage: {@code MeshPipelineBench [--corpus DIR] [--iterations N] [--out results.json]
 * [--gltfpack-js PATH/cli.js]}
 */
public final class MeshPipelineBench {
  /** The real natives, as a node has them. */
  private static final LwjglMeshOptimizer MESHOPT = new LwjglMeshOptimizer();

  private static final GltfReader READER = new GltfReader(new LwjglMeshoptDecoder());

  private MeshPipelineBench() {}

  public static void main(String[] args) throws Exception {
    Path corpus = Paths.get("../shared/corpus");
    int iterations = 5;
    Path out = Paths.get("mesh-bench.json");
    Path gltfpackJs = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--corpus" -> corpus = Paths.get(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--out" -> out = Paths.get(args[++i]);
        case "--gltfpack-js" -> gltfpackJs = Paths.get(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    List<Path> files = new ArrayList<>();
    for (String sub : List.of("gltf-sample", "gltf-other")) {
      try (Stream<Path> s = Files.walk(corpus.resolve(sub))) {
        s.filter(p -> p.toString().endsWith(".gltf") || p.toString().endsWith(".glb"))
            .sorted()
            .forEach(files::add);
      }
    }
    List<String> packCmd = gltfpackCommand(gltfpackJs);
    String packLabel =
        packCmd == null
            ? "none"
            : packCmd.get(0).equals("node")
                ? "gltfpack (npm WASM build via node)"
                : "gltfpack (native)";
    Path tmp = Files.createTempDirectory("meshbench");

    // warm up the JIT and the natives on every asset once
    for (Path f : files) {
      runOurs(f);
    }
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put(
        "machine",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.version"));
    root.put("iterations", iterations);
    root.put("peer", packLabel);
    ArrayNode rows = root.putArray("assets");
    System.out.printf(
        Locale.ROOT,
        "%-42s %9s %9s %9s | %9s %9s %9s%n",
        "asset",
        "in KB",
        "ours ms",
        "ours KB",
        "pack ms",
        "pack KB",
        "size %");
    double sumOurs = 0;
    double sumPack = 0;
    long sumOurSize = 0;
    long sumPackSize = 0;
    for (Path f : files) {
      double[] times = new double[iterations];
      int size = 0;
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        size = runOurs(f);
        times[i] = (System.nanoTime() - t0) / 1e6;
      }
      double ours = median(times);
      double packMs = Double.NaN;
      long packSize = -1;
      if (packCmd != null) {
        double[] pt = new double[Math.min(iterations, 3)];
        Path o = tmp.resolve("pack.glb");
        for (int i = 0; i < pt.length; i++) {
          Files.deleteIfExists(o);
          List<String> cmd = new ArrayList<>(packCmd);
          cmd.addAll(List.of("-i", f.toAbsolutePath().toString(), "-o", o.toString(), "-cc"));
          long t0 = System.nanoTime();
          Process p =
              new ProcessBuilder(cmd)
                  .redirectErrorStream(true)
                  .redirectOutput(tmp.resolve("pack.log").toFile())
                  .start();
          p.waitFor(300, TimeUnit.SECONDS);
          pt[i] = (System.nanoTime() - t0) / 1e6;
        }
        packMs = median(pt);
        packSize = Files.exists(o) ? Files.size(o) : -1;
      }
      long inSize = inputSize(f);
      String name = corpus.relativize(f).toString();
      String shortName = f.getFileName().toString();
      System.out.printf(
          Locale.ROOT,
          "%-42s %9.1f %9.1f %9.1f | %9.1f %9.1f %9s%n",
          shortName.length() > 42 ? shortName.substring(0, 42) : shortName,
          inSize / 1024.0,
          ours,
          size / 1024.0,
          packMs,
          packSize / 1024.0,
          packSize > 0
              ? String.format(Locale.ROOT, "%+.1f", 100.0 * (size - packSize) / packSize)
              : "-");
      ObjectNode row = rows.addObject();
      row.put("asset", name);
      row.put("inputBytes", inSize);
      row.put("oursMillis", ours);
      row.put("oursBytes", size);
      if (packSize > 0) {
        row.put("gltfpackMillis", packMs);
        row.put("gltfpackBytes", packSize);
        sumPack += packMs;
        sumPackSize += packSize;
        sumOurs += ours;
        sumOurSize += size;
      } else {
        row.put("gltfpackFailed", packCmd != null);
      }
    }
    ObjectNode total = root.putObject("totals");
    total.put("oursMillis", sumOurs);
    total.put("gltfpackMillis", sumPack);
    total.put("oursBytes", sumOurSize);
    total.put("gltfpackBytes", sumPackSize);
    System.out.printf(
        Locale.ROOT,
        "TOTAL (assets gltfpack handled): ours %.0f ms, %d bytes; %s %.0f ms, %d bytes (size %+.1f%%)%n",
        sumOurs,
        sumOurSize,
        packLabel,
        sumPack,
        sumPackSize,
        sumPackSize > 0 ? 100.0 * (sumOurSize - sumPackSize) / sumPackSize : 0);
    Files.writeString(out, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** read + optimize (defaults) + GLB bytes; @return the output size. */
  private static int runOurs(Path f) {
    GltfAsset asset = READER.read(f);
    OptimizeMesh.apply(asset, OptimizeMeshOptions.DEFAULTS, MESHOPT);
    return GlbWriter.write(asset).length;
  }

  private static long inputSize(Path f) {
    try {
      return READER.read(f).sourceBytes();
    } catch (RuntimeException e) {
      return f.toFile().length();
    }
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static List<String> gltfpackCommand(Path js) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "gltfpack"))) {
        return List.of(Paths.get(dir, "gltfpack").toString());
      }
    }
    List<Path> candidates = new ArrayList<>();
    if (js != null) {
      candidates.add(js);
    }
    candidates.add(Paths.get(".tools/node_modules/gltfpack/cli.js"));
    candidates.add(Paths.get("../.tools/node_modules/gltfpack/cli.js"));
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return List.of("node", c.toAbsolutePath().toString());
      }
    }
    return null;
  }
}
