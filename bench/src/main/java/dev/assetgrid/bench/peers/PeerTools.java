package dev.assetgrid.bench.peers;

import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peer tools found on PATH (gltfpack, gltf-transform, basisu) over the same glTF files,
 * with the same parallelism, and compares with our jobs: time per asset and output size.
 *
 * <p>Equivalent settings, by pipeline stage: {@code optimize-mesh} → {@code gltfpack -i IN -o OUT
 * -cc} and {@code gltf-transform optimize IN OUT --compress meshopt}; {@code compress-texture} adds
 * {@code -tc} / {@code --texture-compress ktx2} and runs {@code basisu -ktx2} on external images; a
 * pipeline with neither is compared with {@code gltf-transform inspect} (time only).
 */
public final class PeerTools {
  /**
   * @param timeRatio our mean seconds per asset / theirs (less than 1 = we are faster)
   * @param sizeRatio our optimized.glb bytes / their output bytes over files both produced, or NaN
   */
  public record PeerRun(
      String tool,
      String command,
      int files,
      int failures,
      int parallelism,
      double wallSeconds,
      double secondsPerFile,
      double ourSecondsPerFile,
      double timeRatio,
      long theirBytes,
      long ourBytes,
      double sizeRatio) {}

  public record Result(List<String> found, List<String> missing, List<PeerRun> runs) {}

  private PeerTools() {}

  public static Optional<Path> onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Compares with every peer present; {@code ours} are the samples of our run over the same items.
   */
  public static Result compare(
      List<WorkItem> items,
      List<JobSample> ours,
      List<String> stages,
      int parallelism,
      Path workDir)
      throws IOException, InterruptedException {
    List<String> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<PeerRun> runs = new ArrayList<>();
    List<WorkItem> gltf =
        items.stream()
            .filter(i -> i.extension().equals("glb") || i.extension().equals("gltf"))
            .distinct()
            .toList();
    boolean optimize = stages.contains("optimize-mesh");
    boolean textures = stages.contains("compress-texture");
    for (String tool : List.of("gltfpack", "gltf-transform", "basisu")) {
      Optional<Path> exe = onPath(tool);
      if (exe.isEmpty()) {
        missing.add(tool);
        continue;
      }
      found.add(tool + " (" + exe.get() + ")");
      Path out = Files.createDirectories(workDir.resolve(tool));
      switch (tool) {
        case "gltfpack" -> {
          if (optimize || textures) {
            // -cc: our optimize-mesh defaults write meshopt-compressed, quantized GLBs, as gltfpack
            // -cc does
            runs.add(
                run(
                    tool,
                    gltf,
                    ours,
                    parallelism,
                    out,
                    (in, o) ->
                        textures
                            ? List.of(
                                exe.get().toString(),
                                "-i",
                                in.toString(),
                                "-o",
                                o.toString(),
                                "-cc",
                                "-tc")
                            : List.of(
                                exe.get().toString(),
                                "-i",
                                in.toString(),
                                "-o",
                                o.toString(),
                                "-cc")));
          }
        }
        case "gltf-transform" ->
            runs.add(
                run(
                    tool,
                    gltf,
                    ours,
                    parallelism,
                    out,
                    (in, o) ->
                        optimize || textures
                            ? withTextures(
                                List.of(
                                    exe.get().toString(),
                                    "optimize",
                                    in.toString(),
                                    o.toString(),
                                    "--compress",
                                    "meshopt"),
                                textures,
                                "--texture-compress",
                                "ktx2")
                            : List.of(exe.get().toString(), "inspect", in.toString())));
        case "basisu" -> {
          if (textures) {
            List<WorkItem> images = new ArrayList<>();
            for (WorkItem i : gltf) {
              for (WorkItem.SideFile s : i.sideFiles()) {
                String n = s.name().toLowerCase(java.util.Locale.ROOT);
                if (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg")) {
                  images.add(
                      new WorkItem(
                          i.name() + "/" + s.name(),
                          s.path(),
                          List.of(),
                          Files.size(s.path()),
                          -1));
                }
              }
            }
            runs.add(
                run(
                    tool,
                    images,
                    List.of(),
                    parallelism,
                    out,
                    (in, o) ->
                        List.of(
                            exe.get().toString(),
                            "-ktx2",
                            in.toString(),
                            "-output_file",
                            o.toString().replaceAll("\\.glb$", ".ktx2"))));
          }
        }
        default -> {}
      }
    }
    return new Result(found, missing, runs);
  }

  private static List<String> withTextures(List<String> base, boolean textures, String... extra) {
    List<String> l = new ArrayList<>(base);
    if (textures) {
      l.addAll(List.of(extra));
    }
    return l;
  }

  interface Command {
    List<String> of(Path in, Path out);
  }

  private static PeerRun run(
      String tool,
      List<WorkItem> items,
      List<JobSample> ours,
      int parallelism,
      Path outDir,
      Command command)
      throws InterruptedException, IOException {
    List<long[]> results = Collections.synchronizedList(new ArrayList<>()); // nanos, outBytes, ok
    Map<String, Long> theirSize = Collections.synchronizedMap(new HashMap<>());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism));
    long t0 = System.nanoTime();
    for (int i = 0; i < items.size(); i++) {
      WorkItem item = items.get(i);
      Path out = outDir.resolve(i + ".glb");
      pool.submit(
          () -> {
            long s = System.nanoTime();
            boolean ok;
            try {
              Process p =
                  new ProcessBuilder(command.of(item.primary(), out))
                      .redirectErrorStream(true)
                      .redirectOutput(outDir.resolve(i(out) + ".log").toFile())
                      .start();
              ok = p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0;
            } catch (IOException e) {
              ok = false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            long size = -1;
            try {
              size = Files.isRegularFile(out) ? Files.size(out) : -1;
            } catch (IOException e) {
              // no output
            }
            if (size >= 0) {
              theirSize.put(item.name(), size);
            }
            results.add(new long[] {System.nanoTime() - s, size, ok ? 1 : 0});
          });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.HOURS);
    double wall = (System.nanoTime() - t0) / 1e9;
    int failures = (int) results.stream().filter(r -> r[2] == 0).count();
    // ours: mean server-side job time per asset over the same items
    Map<String, List<Double>> ourTimes = new HashMap<>();
    Map<String, Long> ourSize = new HashMap<>();
    for (JobSample s : ours) {
      if (s.succeeded() && s.latencyMs() >= 0) {
        ourTimes.computeIfAbsent(s.item(), k -> new ArrayList<>()).add(s.latencyMs() / 1000);
        long o = s.outputSize("optimized.glb");
        if (o >= 0) {
          ourSize.put(s.item(), o);
        }
      }
    }
    double ourPerFile =
        items.stream()
            .filter(i -> ourTimes.containsKey(i.name()))
            .mapToDouble(
                i ->
                    ourTimes.get(i.name()).stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElse(0))
            .average()
            .orElse(Double.NaN);
    long theirs = 0;
    long mine = 0;
    for (Map.Entry<String, Long> e : theirSize.entrySet()) {
      Long m = ourSize.get(e.getKey());
      if (m != null) {
        theirs += e.getValue();
        mine += m;
      }
    }
    double perFile = results.stream().mapToDouble(r -> r[0] / 1e9).average().orElse(Double.NaN);
    return new PeerRun(
        tool,
        String.join(" ", command.of(Path.of("IN"), Path.of("OUT.glb"))),
        items.size(),
        failures,
        parallelism,
        wall,
        perFile,
        ourPerFile,
        ourPerFile / perFile,
        theirs,
        mine,
        theirs > 0 ? (double) mine / theirs : Double.NaN);
  }

  private static String i(Path out) {
    String n = out.getFileName().toString();
    return n.substring(0, n.lastIndexOf('.'));
  }
}
