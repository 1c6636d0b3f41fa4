package dev.assetgrid.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.grid.LocalGrid;
import dev.assetgrid.bench.grid.ProcessMemory;
import dev.assetgrid.bench.peers.PeerTools;
import dev.assetgrid.bench.probe.AuthCost;
import dev.assetgrid.bench.probe.UploadProbe;
import dev.assetgrid.bench.report.BenchResult;
import dev.assetgrid.bench.report.ConsoleReport;
import dev.assetgrid.bench.report.HtmlReport;
import dev.assetgrid.bench.report.JsonReports;
import dev.assetgrid.bench.report.MachineInfo;
import dev.assetgrid.bench.report.RunSummary;
import dev.assetgrid.bench.run.Progress;
import dev.assetgrid.bench.run.Runner;
import dev.assetgrid.bench.synth.GlbWriter;
import dev.assetgrid.bench.workload.CorpusScanner;
import dev.assetgrid.bench.workload.SyntheticCorpus;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench/target/assetgrid-bench.jar}: the end-to-end throughput harness. See
 * bench/README.md for how to run it and read its output.
 */
@Command(
    name = "assetgrid-bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Measures an assetgrid grid end to end over HTTP: uploads a workload with bounded concurrency, follows every "
          + "job to its end and reports assets/s, MB/s, triangles/s, latency percentiles, time per stage, node "
          + "utilisation, errors by code and the peak memory of the processes it started.",
      "",
      "Without --coordinator it starts a grid itself: a coordinator (--workers 0, embedded PostgreSQL in a temp "
          + "dir) and --spawn-nodes node JVMs joined over Hazelcast on 127.0.0.1, torn down at the end and on Ctrl-C.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  java -jar bench/target/assetgrid-bench.jar --corpus ../shared/corpus --html bench.html",
      "  java -jar bench/target/assetgrid-bench.jar --workload queue --count 2000 --node-slots 16",
      "  java -jar bench/target/assetgrid-bench.jar --workload synthetic --sweep 1,2 --json out.json",
      "  java -jar bench/target/assetgrid-bench.jar --coordinator http://grid:8080 --duration 60s"
    })
public final class BenchMain implements Callable<Integer> {

  /** What is submitted. */
  enum Workload {
    corpus,
    synthetic,
    queue,
    auth,
    chaos
  }

  @Option(
      names = "--coordinator",
      paramLabel = "URL",
      description =
          "Benchmark a running coordinator (e.g. http://127.0.0.1:8080) instead of starting a grid.")
  String coordinatorUrl;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:ASSETGRID_API_KEY}",
      description =
          "API key sent on every /v1 request (Authorization: Bearer) to --coordinator; for a spawned grid "
              + "the key its coordinator wrote to <data-dir>/admin.key is used unless this is given. "
              + "Env: ASSETGRID_API_KEY.")
  String apiKey;

  @Option(
      names = "--auth",
      paramLabel = "on|off",
      defaultValue = "on",
      description =
          "Spawned coordinators' --auth: off = no keys, every request is the default tenant's admin. "
              + "Default: ${DEFAULT-VALUE}.")
  String auth;

  @Option(
      names = "--spawn-nodes",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Nodes to start when the bench starts the grid itself. Default: ${DEFAULT-VALUE}.")
  int spawnNodes;

  @Option(
      names = "--sweep",
      split = ",",
      paramLabel = "N[,N...]",
      description =
          "Scaling sweep: run the same workload on a fresh grid of each node count (e.g. 1,2,4); "
              + "reports efficiency = throughput(N) / (N x throughput(1)).")
  List<Integer> sweep = new ArrayList<>();

  @Option(
      names = "--node-slots",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Task slots per spawned node; 0 = the node's default (one per core). Default: ${DEFAULT-VALUE}.")
  int nodeSlots;

  @Option(
      names = "--workload",
      paramLabel = "KIND",
      defaultValue = "corpus",
      description =
          "corpus (files of --corpus), synthetic (generated GLBs), queue (no-op tasks: the coordinator alone), "
              + "auth (request latency with --auth on vs off: two spawned coordinators, no nodes), "
              + "chaos (--count small jobs, 240 by default, while a node, the coordinator and its "
              + "PostgreSQL are killed with kill -9: recovery times, tasks lost and recorded twice). "
              + "Default: ${DEFAULT-VALUE}.")
  Workload workload;

  @Option(
      names = "--gets",
      paramLabel = "N",
      defaultValue = "5000",
      description =
          "auth workload: measured GET /v1/jobs/{id} per grid, over all rounds. Default: ${DEFAULT-VALUE}.")
  int gets;

  @Option(
      names = "--uploads",
      paramLabel = "N",
      defaultValue = "500",
      description =
          "auth workload: measured uploads of the tiny GLB per grid, over all rounds. Default: ${DEFAULT-VALUE}.")
  int uploads;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "auth workload: blocks per grid and kind of request, the grids alternating. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--auth-rate-limit",
      paramLabel = "PER_SECOND",
      defaultValue = "0",
      description =
          "auth workload: the --rate-limit of the auth-on coordinator, so the cost of the shared"
              + " rate-limit buckets is measured too (pick one no run reaches, e.g. 1000000);"
              + " 0 = none. Default: ${DEFAULT-VALUE}.")
  double authRateLimit;

  @Option(
      names = "--corpus",
      paramLabel = "DIR",
      description = "Directory of models. Default: ../shared/corpus or ../../shared/corpus.")
  Path corpus;

  @Option(
      names = "--formats",
      split = ",",
      paramLabel = "EXT",
      defaultValue = "glb,gltf",
      description =
          "Corpus file extensions to upload (glb,gltf,obj,stl,ply,fbx,dae or 'all'). Default: ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "TEXT",
      defaultValue = "validator-tests",
      description = "Skip corpus paths containing any of these. Default: ${DEFAULT-VALUE}.")
  List<String> excludes;

  @Option(
      names = "--synthetic-sizes",
      paramLabel = "LIST",
      defaultValue = SyntheticCorpus.DEFAULT_SIZES,
      description =
          "Triangle counts of the synthetic corpus (k/m suffixes). Default: ${DEFAULT-VALUE}.")
  String syntheticSizes;

  @Option(
      names = "--synthetic-textures",
      paramLabel = "MODE",
      defaultValue = "BOTH",
      description =
          "NONE, ONLY or BOTH (each size without and with a PNG texture). Default: ${DEFAULT-VALUE}.")
  SyntheticCorpus.Textures syntheticTextures;

  @Option(
      names = "--texture-size",
      paramLabel = "PX",
      defaultValue = "1024",
      description = "Side of the synthetic PNG textures. Default: ${DEFAULT-VALUE}.")
  int textureSize;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the synthetic corpus. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Jobs to submit (the item list repeats). Default: one pass over the corpus; 1000 for queue.")
  long count;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Submit for this long instead of --count (e.g. 30s, 2m).")
  String duration;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Jobs run before measuring (JIT and caches), not recorded. With a preloaded queue they are "
              + "queued ahead of the --count measured ones and the first N to end are left out of every figure "
              + "(CPU included). auth workload: GETs per grid (and a quarter as many uploads), default 2000. "
              + "Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Jobs in flight (closed loop) or parallel upload / POST /v1/jobs requests (queue). "
              + "Default: 2 x total slots, at least 4; 8 for queue.")
  int concurrency;

  @Option(
      names = "--pipeline",
      paramLabel = "SPEC",
      description =
          "Pipeline of every job: stage list (inspect,validate) or JSON. Default: inspect; noop for queue.")
  String pipeline;

  @Option(
      names = "--tags",
      split = ",",
      paramLabel = "TAG",
      description = "Tags for the uploaded assets. Default: bench.")
  List<String> tags = new ArrayList<>(List.of("bench"));

  @Option(
      names = "--job-timeout",
      paramLabel = "TIME",
      defaultValue = "5m",
      description =
          "A job not finished this long after its upload is recorded as BENCH_TIMEOUT. Default: ${DEFAULT-VALUE}.")
  String jobTimeout;

  @Option(
      names = "--poll",
      paramLabel = "MIN_MS,MAX_MS",
      defaultValue = "5,200",
      description = "Job poll interval, doubling from MIN to MAX. Default: ${DEFAULT-VALUE}.")
  String poll;

  @Option(
      names = "--queue-preload",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Queue workload on a spawned grid: submit every job first, then start the nodes, so the drain "
              + "measures the queue alone. Default: ${DEFAULT-VALUE}.")
  boolean queuePreload;

  @Option(
      names = "--queue-assets",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Queue workload: assets to upload (at most --count; each upload is also a job). Every other job "
              + "is created over them with POST /v1/jobs, up to "
              + GridClient.MAX_BULK_JOBS
              + " per request. "
              + "Default: ${DEFAULT-VALUE}.")
  int queueAssets;

  @Option(
      names = "--upload-probe",
      paramLabel = "BYTES",
      description =
          "Also stream one synthetic binary STL of this size (e.g. 1g) and report the coordinator's RSS/heap growth.")
  String uploadProbe;

  @Option(
      names = "--peers",
      paramLabel = "auto|off",
      defaultValue = "auto",
      description =
          "Run gltfpack / gltf-transform / basisu when on PATH and compare. Default: ${DEFAULT-VALUE}.")
  String peers;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the full result (machine, settings, summaries, raw samples) as JSON.")
  Path jsonFile;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report with SVG charts.")
  Path htmlFile;

  @Option(
      names = "--history",
      paramLabel = "FILE",
      description = "Append one JSON line per run (headline numbers, version, machine).")
  Path historyFile;

  @Option(
      names = "--coordinator-jar",
      paramLabel = "JAR",
      description = "Default: coordinator/target/assetgrid-coordinator.jar found from here.")
  Path coordinatorJar;

  @Option(
      names = "--node-jar",
      paramLabel = "JAR",
      description = "Default: node/target/assetgrid-node.jar found from here.")
  Path nodeJar;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where spawned grids keep database, blobs and logs. Default: a temp dir, deleted at the end.")
  Path dataDir;

  @Option(names = "--keep-data", description = "Keep the data dir (logs, database) after the run.")
  boolean keepData;

  @Option(
      names = "--db-url",
      paramLabel = "URL",
      description = "External PostgreSQL for spawned coordinators (default: embedded).")
  String dbUrl;

  @Option(
      names = "--jvm-opt",
      paramLabel = "OPT",
      description = "Extra JVM option for spawned processes (repeatable), e.g. --jvm-opt=-Xmx1g.")
  List<String> jvmOptions = new ArrayList<>();

  @Option(
      names = "--start-timeout",
      paramLabel = "TIME",
      defaultValue = "3m",
      description =
          "How long spawned processes may take to become ready. Default: ${DEFAULT-VALUE}.")
  String startTimeout;

  @Option(
      names = {"-q", "--quiet"},
      description = "No live progress line.")
  boolean quiet;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    BenchResult result = execute();
    out.println();
    out.print(ConsoleReport.render(result));
    if (jsonFile != null) {
      JsonReports.write(result, jsonFile);
      out.println("wrote " + jsonFile);
    }
    if (htmlFile != null) {
      HtmlReport.write(result, htmlFile);
      out.println("wrote " + htmlFile);
    }
    if (historyFile != null) {
      JsonReports.appendHistory(result, historyFile);
      out.println("appended to " + historyFile);
    }
    boolean ok =
        result.runs().stream().allMatch(r -> r.summary().succeeded() > 0)
            && (result.authCost() == null || result.authCost().errorCount() == 0);
    return ok ? 0 : 1;
  }

  /**
   * Runs everything the options ask for and returns the result (also used by the integration test).
   */
  public BenchResult execute() throws IOException, InterruptedException {
    String startedAt = Instant.now().toString();
    boolean spawn = coordinatorUrl == null;
    Path root =
        dataDir != null
            ? Files.createDirectories(dataDir)
            : Files.createTempDirectory("assetgrid-bench-");
    boolean deleteRoot = dataDir == null && !keepData;
    try {
      if (queueAssets < 1) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--queue-assets must be at least 1");
      }
      String pipe =
          pipeline != null
              ? pipeline
              : workload == Workload.queue || workload == Workload.auth ? "noop" : "inspect";
      List<WorkItem> items = items(root);
      if (workload == Workload.auth) {
        return authCost(root, items.get(0), pipe, startedAt);
      }
      if (workload == Workload.chaos) {
        return chaos(root, startedAt);
      }
      List<Integer> nodeCounts = !sweep.isEmpty() ? sweep : List.of(spawn ? spawnNodes : 0);
      if (!spawn && !sweep.isEmpty()) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--sweep needs a spawned grid (no --coordinator)");
      }
      long[] pollMs =
          Arrays.stream(poll.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
      List<BenchResult.Run> runs = new ArrayList<>();
      List<String> runNotes = new ArrayList<>();
      String gridVersion = null;
      for (int n : nodeCounts) {
        String label =
            workload + (spawn ? " @" + n + " node" + (n == 1 ? "" : "s") : " @" + coordinatorUrl);
        err.println("== " + label + ": " + items.size() + " item(s), pipeline " + pipe);
        LocalGrid grid =
            spawn
                ? LocalGrid.start(gridOptions(root.resolve("grid-" + n + "-" + runs.size()), 0))
                : null;
        try {
          GridClient client = spawn ? grid.client(16) : new GridClient(coordinatorUrl, apiKey, 16);
          // one request before the run: a missing or wrong key is one line, not a run of errors
          client.checkAccess();
          boolean open = workload == Workload.queue;
          boolean preload = open && spawn && queuePreload;
          if (spawn && !preload) {
            grid.addNodes(n, true);
          }
          Map<String, Integer> slots = LocalGrid.slots(client);
          int totalSlots = slots.values().stream().mapToInt(Integer::intValue).sum();
          int conc =
              concurrency > 0
                  ? concurrency
                  : open ? 8 : Math.max(4, 2 * Math.max(totalSlots, n * Math.max(nodeSlots, 1)));
          long jobs = count > 0 ? count : duration != null ? 0 : open ? 1000 : items.size();
          // a preloaded queue warms up on its own first jobs, which the figures then leave out
          int drainWarmup = preload ? warmup : 0;
          Runner.Settings rs =
              new Runner.Settings(
                  conc,
                  jobs > 0 ? jobs + drainWarmup : 0,
                  duration == null ? Duration.ZERO : Units.duration(duration),
                  pipe,
                  tags,
                  Units.duration(jobTimeout),
                  pollMs[0],
                  pollMs.length > 1 ? pollMs[1] : 200);
          if (warmup > 0 && !preload) {
            err.println("  warm-up: " + warmup + " job(s)");
            new Runner(
                    client,
                    new Runner.Settings(
                        conc,
                        warmup,
                        Duration.ZERO,
                        pipe,
                        tags,
                        rs.jobTimeout(),
                        rs.pollMinMs(),
                        rs.pollMaxMs()),
                    new Progress(null, "warmup"))
                .closedLoop(items);
          }
          if (spawn) {
            grid.memory()
                .markCpu(); // CPU figures cover the measured run (a preloaded node's includes its
            // start)
          }
          Progress progress = new Progress(quiet ? null : err, label);
          LocalGrid g = grid;
          Runner runner = new Runner(client, rs, progress, spawn ? g::failure : () -> null);
          Runner.RunData data;
          com.fasterxml.jackson.databind.JsonNode[] queueStats = {null};
          if (open) {
            data =
                runner.openLoop(
                    items.get(0),
                    queueAssets,
                    () -> {
                      if (preload) {
                        try {
                          err.println(
                              "\n  jobs submitted; starting " + n + " node(s) to drain the queue");
                          grid.addNodes(n, false);
                          // the drain's CPU: from here (the node's own start included) to the last
                          // job's end
                          grid.memory().markCpu();
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      } else if (spawn) {
                        grid.memory().markCpu();
                      }
                    },
                    () -> {
                      if (spawn) {
                        // the grid is ours alone: "nothing unfinished" means our last job ended
                        try {
                          client.awaitIdle(System.currentTimeMillis() + rs.jobTimeout().toMillis());
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        grid.memory().freezeCpu();
                        try {
                          queueStats[0] = client.stats().path("queue");
                        } catch (IOException e) {
                          err.println(
                              "  (no queue figures from GET /v1/stats: " + e.getMessage() + ")");
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }
                    });
            if (preload) {
              grid.awaitNodes(n);
            }
          } else {
            data = runner.closedLoop(items);
          }
          if (spawn && grid.failure() != null) {
            throw new IOException("the spawned grid failed during the run: " + grid.failure());
          }
          slots = LocalGrid.slots(client);
          if (gridVersion == null) {
            gridVersion = gridVersion(client);
          }
          Map<String, ProcessMemory.Peak> mem = spawn ? grid.memory().peaks() : Map.of();
          if (drainWarmup > 0) {
            Runner.Split split = data.splitWarmup(drainWarmup);
            data = split.measured();
            RunSummary w =
                RunSummary.of(
                    label + " warm-up", split.warmup(), slots, spawn ? n : slots.size(), true);
            runNotes.add(
                String.format(
                    Locale.ROOT,
                    "%s: the first %d jobs to end were the drain's warm-up and are left "
                        + "out of its figures (they drained at %.0f tasks/s, lease→done p50 %.2f ms)",
                    label,
                    split.warmup().samples().size(),
                    w.queue().tasksPerSec(),
                    w.queue().leaseToCompleteMs().p50()));
            Instant[] span = RunSummary.attemptSpan(data.samples());
            if (spawn && span != null) {
              // CPU over the measured window only
              mem = grid.memory().peaks(span[0].toEpochMilli(), span[1].toEpochMilli());
            }
          }
          if (queueStats[0] != null && queueStats[0].path("leases").asLong() > 0) {
            com.fasterxml.jackson.databind.JsonNode q = queueStats[0];
            runNotes.add(
                String.format(
                    Locale.ROOT,
                    "%s: the coordinator's queue over the whole drain: %d leases of "
                        + "%.1f tasks, %.2f ms each (statement and inputs); %d completion batches of %.1f, %.2f ms each; "
                        + "a completion waits for the batch in flight, then rides the next",
                    label,
                    q.path("leases").asLong(),
                    (double) q.path("leasedTasks").asLong() / q.path("leases").asLong(),
                    q.path("leaseMeanMs").asDouble(),
                    q.path("completionBatches").asLong(),
                    q.path("batchMeanSize").asDouble(),
                    q.path("batchMeanMs").asDouble()));
          }
          RunSummary summary = RunSummary.of(label, data, slots, spawn ? n : slots.size(), open);
          runs.add(new BenchResult.Run(summary, mem, data.samples()));
        } finally {
          if (grid != null) {
            grid.close();
          }
        }
      }
      UploadProbe.Result probe = uploadProbe == null ? null : probe(root, spawn);
      PeerTools.Result peerResult = null;
      if (!"off".equals(peers) && workload != Workload.queue && !runs.isEmpty()) {
        List<String> stages = stageNames(pipe);
        int par = Math.max(1, runs.get(0).summary().slots());
        peerResult =
            PeerTools.compare(items, runs.get(0).samples(), stages, par, root.resolve("peers"));
      }
      return new BenchResult(
          "assetgrid-bench",
          version(),
          gridVersion,
          startedAt,
          MachineInfo.current(),
          settings(pipe, spawn, nodeCounts),
          runs,
          BenchResult.sweep(runs, workload == Workload.queue),
          probe,
          peerResult,
          null,
          notes(runs, probe, runNotes));
    } finally {
      if (deleteRoot) {
        deleteTree(root);
      } else {
        err.println("data kept in " + root);
      }
    }
  }

  private List<WorkItem> items(Path root) throws IOException {
    return switch (workload) {
      case queue, auth, chaos -> {
        Path tiny = root.resolve("tiny.glb");
        Files.write(tiny, GlbWriter.tiny());
        yield List.of(new WorkItem("tiny.glb", tiny, List.of(), Files.size(tiny), 12));
      }
      case synthetic -> {
        err.println(
            "generating synthetic corpus ("
                + syntheticSizes
                + ", textures "
                + syntheticTextures
                + ")");
        yield SyntheticCorpus.generate(
            root.resolve("synthetic"),
            SyntheticCorpus.parseSizes(syntheticSizes),
            syntheticTextures,
            textureSize,
            seed);
      }
      case corpus -> {
        Path dir =
            corpus != null
                ? corpus
                : Stream.of(
                        Path.of("..", "shared", "corpus"), Path.of("..", "..", "shared", "corpus"))
                    .filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow(
                        () ->
                            new CommandLine.ParameterException(
                                new CommandLine(this), "--corpus DIR is required"));
        Set<String> fmts =
            formats.contains("all")
                ? CorpusScanner.MODEL_EXTENSIONS
                : formats.stream()
                    .map(s -> s.trim().toLowerCase(Locale.ROOT))
                    .collect(Collectors.toSet());
        List<WorkItem> found = CorpusScanner.scan(dir, fmts, excludes, 512L << 20);
        if (found.isEmpty()) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), "no models with extensions " + fmts + " under " + dir);
        }
        yield found;
      }
    };
  }

  /**
   * The auth workload: a grid with {@code --auth on} and one with {@code --auth off}, both alive
   * for the whole measurement, without nodes or rate limit (see {@link AuthCost}).
   */
  private BenchResult authCost(Path root, WorkItem upload, String pipe, String startedAt)
      throws IOException, InterruptedException {
    if (coordinatorUrl != null || dbUrl != null || !sweep.isEmpty()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--workload auth starts its own two coordinators with an embedded database each: "
              + "no --coordinator, --db-url or --sweep");
    }
    AuthCost.Settings as =
        new AuthCost.Settings(warmup > 0 ? warmup : 2000, gets, uploads, rounds, pipe);
    err.println(
        "== auth cost: "
            + as.gets()
            + " GET /v1/jobs/{id} and "
            + as.uploads()
            + " uploads per grid, --auth on vs off, "
            + as.rounds()
            + " round(s)");
    // no nodes, no rate limit: the figures are the API's own
    LocalGrid.Options base = gridOptions(root.resolve("grid-auth-on"), 0).withRateLimit(0.0);
    AuthCost.Result result;
    String gridVersion;
    try (LocalGrid on = LocalGrid.start(base.withAuth(true).withRateLimit(authRateLimit));
        LocalGrid off =
            LocalGrid.start(base.withDataDir(root.resolve("grid-auth-off")).withAuth(false))) {
      GridClient onClient = on.client(2);
      GridClient offClient = off.client(2);
      onClient.checkAccess();
      offClient.checkAccess();
      result = AuthCost.run(onClient, offClient, upload, as, quiet ? null : err);
      for (LocalGrid g : List.of(on, off)) {
        if (g.failure() != null) {
          throw new IOException("a spawned coordinator failed during the run: " + g.failure());
        }
      }
      gridVersion = null; // no nodes to announce one
    }
    Map<String, Object> settings = settings(pipe, true, List.of(0));
    // the job-following settings mean nothing here
    List.of("count", "duration", "concurrency", "queuePreload", "jobTimeout", "poll")
        .forEach(settings::remove);
    settings.put("auth", "on vs off");
    settings.put("gets", as.gets());
    settings.put("uploads", as.uploads());
    settings.put("rounds", as.rounds());
    settings.put("warmup", as.warmup());
    settings.put(
        "coordinator",
        "--workers 0, no nodes, --rate-limit "
            + (authRateLimit > 0 ? authRateLimit + " on the auth-on grid" : "0"));
    List<String> notes = new ArrayList<>();
    for (AuthCost.Row row : result.rows()) {
      notes.add(
          String.format(
              Locale.ROOT,
              "%s: p50 %.1f µs with auth on, %.1f µs off: %+.3f ms, %s the %.1f ms budget",
              row.request(),
              row.on().p50Us(),
              row.off().p50Us(),
              row.diffP50Us() / 1000,
              row.withinBudget() ? "within" : "over",
              AuthCost.P50_BUDGET_MS));
    }
    notes.add(
        "latency is client time (JDK HTTP client, loopback, one kept-alive connection per grid, "
            + "requests one after another); the auth-off grid gets no Authorization header; "
            + "load average "
            + result.loadBefore()
            + " before, "
            + result.loadAfter()
            + " after");
    return new BenchResult(
        "assetgrid-bench",
        version(),
        gridVersion,
        startedAt,
        MachineInfo.current(),
        settings,
        List.of(),
        List.of(),
        null,
        null,
        result,
        notes);
  }

  /**
   * The chaos scenario ({@link dev.assetgrid.bench.chaos.ChaosRun}) on a spawned grid with the
   * embedded PostgreSQL, {@code --spawn-nodes} nodes (at least 2) and 5 s leases.
   */
  private BenchResult chaos(Path root, String startedAt) throws IOException, InterruptedException {
    if (coordinatorUrl != null || dbUrl != null || !sweep.isEmpty()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--workload chaos kills the processes it starts, with the embedded database: "
              + "no --coordinator, --db-url or --sweep");
    }
    int jobs = count > 0 ? (int) Math.min(count, 100_000) : 240;
    int n = Math.max(2, spawnNodes);
    err.println(
        "== chaos: "
            + jobs
            + " jobs on "
            + n
            + " nodes; kill -9 of a node, the coordinator, PostgreSQL");
    dev.assetgrid.bench.chaos.ChaosRun.Report r;
    try (LocalGrid grid =
        LocalGrid.start(
            gridOptions(root.resolve("grid-chaos"), 0)
                .withCoordinator(List.of("--lease-seconds", "5"), Map.of()))) {
      grid.addNodes(n, true);
      try {
        r =
            dev.assetgrid.bench.chaos.ChaosRun.run(
                grid,
                new dev.assetgrid.bench.chaos.ChaosRun.Options(
                    jobs, 150, java.time.Duration.ofMinutes(10), quiet ? null : err),
                root.resolve("chaos-work"));
      } catch (Exception e) {
        throw new IOException("the chaos run did not finish: " + e.getMessage(), e);
      }
    }
    err.print(r.text());
    Map<String, Object> settings = settings("noop", true, List.of(n));
    settings.put("chaos", "kill -9 of node-1, of the coordinator (restarted), of the postmaster");
    settings.put("leaseSeconds", 5);
    settings.put("taskMs", 150);
    List<String> notes = new ArrayList<>(List.of(r.text().strip().split("\n")));
    return new BenchResult(
        "assetgrid-bench",
        version(),
        null,
        startedAt,
        MachineInfo.current(),
        settings,
        List.of(),
        List.of(),
        null,
        null,
        null,
        notes);
  }

  private LocalGrid.Options gridOptions(Path dir, long extraUpload) throws IOException {
    Path cj =
        coordinatorJar != null
            ? coordinatorJar
            : GridJars.find("coordinator", "assetgrid-coordinator.jar");
    Path nj = nodeJar != null ? nodeJar : GridJars.find("node", "assetgrid-node.jar");
    return new LocalGrid.Options(
        cj,
        nj,
        dir,
        dbUrl,
        nodeSlots,
        jvmOptions,
        Math.max(512L << 20, extraUpload),
        Units.duration(startTimeout),
        quiet ? null : err,
        authOn(),
        apiKey,
        null);
  }

  /** {@code --auth} as a boolean; anything but on or off is a usage error. */
  boolean authOn() {
    return switch (auth.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(this), "--auth must be on or off, not " + auth);
    };
  }

  private UploadProbe.Result probe(Path root, boolean spawn)
      throws IOException, InterruptedException {
    long bytes = Units.bytes(uploadProbe);
    err.println("== upload probe: streaming " + bytes + " bytes of binary STL");
    if (!spawn) {
      return UploadProbe.run(new GridClient(coordinatorUrl, apiKey, 2), bytes, -1);
    }
    try (LocalGrid grid = LocalGrid.start(gridOptions(root.resolve("probe"), bytes + (1 << 20)))) {
      // no nodes: the job the upload creates is cancelled before anyone could fetch the input
      return UploadProbe.run(grid.client(2), bytes, pidOf(grid));
    }
  }

  private static long pidOf(LocalGrid grid) {
    return grid.coordinatorPid();
  }

  private Map<String, Object> settings(String pipe, boolean spawn, List<Integer> nodeCounts) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("workload", workload.name());
    s.put("pipeline", pipe);
    s.put(
        "grid",
        spawn
            ? "spawned: nodes "
                + nodeCounts
                + ", slots/node "
                + (nodeSlots > 0 ? nodeSlots : "default")
                + (dbUrl != null ? ", external DB" : ", embedded PostgreSQL")
            : coordinatorUrl);
    // whether a key was used, never the key
    s.put("auth", spawn ? (authOn() ? "on" : "off") : apiKey != null ? "API key given" : "no key");
    s.put("count", count);
    s.put("duration", duration);
    s.put("concurrency", concurrency > 0 ? concurrency : "auto");
    s.put("warmup", warmup);
    s.put("queuePreload", workload == Workload.queue && spawn && queuePreload);
    if (workload == Workload.queue) {
      s.put("queueAssets", queueAssets);
    }
    if (workload == Workload.corpus) {
      s.put("corpus", corpus == null ? "../shared/corpus" : corpus.toString());
      s.put("formats", formats);
      s.put("exclude", excludes);
    }
    if (workload == Workload.synthetic) {
      s.put("syntheticSizes", syntheticSizes);
      s.put("syntheticTextures", syntheticTextures);
      s.put("textureSize", textureSize);
      s.put("seed", seed);
    }
    s.put("jobTimeout", jobTimeout);
    s.put("poll", poll);
    s.put("jvmOptions", jvmOptions);
    return s;
  }

  /** Findings computed from the numbers, printed and stored with them. */
  static List<String> notes(
      List<BenchResult.Run> runs, UploadProbe.Result probe, List<String> more) {
    List<String> notes = new ArrayList<>(more);
    for (BenchResult.Run r : runs) {
      RunSummary s = r.summary();
      if (s.queue().tasksPerSec() > 0
          && s.jobsCreatedPerSec() > 0
          && s.label().startsWith("queue")) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: POST /v1/jobs created %.0f jobs/s (%d requests, p50 %.1f ms each) "
                    + "vs the queue draining %.0f tasks/s; %s",
                s.label(),
                s.jobsCreatedPerSec(),
                s.bulkRequests(),
                s.submitMs().p50(),
                s.queue().tasksPerSec(),
                s.jobsCreatedPerSec() < s.queue().tasksPerSec()
                    ? "job creation is the slower half"
                    : "the queue drain, not job creation, limits throughput"));
      } else if (s.queue().tasksPerSec() > 0
          && s.uploadsPerSec() > 0
          && s.label().startsWith("queue")) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: uploads ran at %.0f/s (p50 %.1f ms each) vs the queue draining %.0f tasks/s "
                    + "(no bulk requests: --count was at most --queue-assets)",
                s.label(),
                s.uploadsPerSec(),
                s.uploadMs().p50(),
                s.queue().tasksPerSec()));
      }
      if (s.succeeded() == 0) {
        notes.add(s.label() + ": no job succeeded; errors " + s.errors());
      }
    }
    if (probe != null && probe.rssPeakBytes() > 0 && probe.rssBeforeBytes() > 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "upload probe: coordinator RSS grew %.0f MB while %.0f MB streamed in",
              (probe.rssPeakBytes() - probe.rssBeforeBytes()) / 1e6,
              probe.bytes() / 1e6));
    }
    return notes;
  }

  static List<String> stageNames(String pipe) {
    String t = pipe.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      List<String> names = new ArrayList<>();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"|\"([a-z-]+)\"").matcher(t);
      while (m.find()) {
        names.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
      return names;
    }
    return Arrays.stream(t.split(",")).map(String::trim).toList();
  }

  private static String gridVersion(GridClient c) {
    try {
      JsonNode j = c.nodes();
      if (j != null) {
        for (JsonNode n : j.path("nodes")) {
          if (n.hasNonNull("version")) {
            return n.get("version").asText();
          }
        }
      }
    } catch (IOException e) {
      // unknown
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  static String version() {
    String v = BenchMain.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"assetgrid-bench " + version()};
    }
  }

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof GridClient.ApiKeyRefused) {
            cmd.getErr().println("assetgrid-bench: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    System.exit(cl.execute(args));
  }
}
