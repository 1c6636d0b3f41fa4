package dev.assetgrid.bench.probe;

import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.report.Dist;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What authentication costs one request: the client latency of {@code GET /v1/jobs/{id}} (an
 * existing job) and of a small upload, against a coordinator with {@code --auth on} and one with
 * {@code --auth off}. The budget: the p50 difference stays under {@link #P50_BUDGET_MS}.
 *
 * <p>Design note. Both coordinators run side by side for the whole measurement (same jar, JVM
 * options and flags, no nodes, {@code --workers 0}, {@code --rate-limit 0}), each warmed up first;
 * then each round measures a block of each kind of request on one grid and then on the other, the
 * order swapped every round, so slow minutes of a shared machine fall on both. Requests are
 * sequential, one connection per grid (kept alive), timed with {@link System#nanoTime()} from send
 * to the whole answer read; before each block a few unrecorded requests re-warm the grid that sat
 * idle. The auth-off grid is sent no key, as its users would. Timed from the client, so the figures
 * include the JDK HTTP client and loopback; the difference is the coordinator's.
 */
public final class AuthCost {
  /** The budget for the p50 difference, auth on minus off. */
  public static final double P50_BUDGET_MS = 0.2;

  /** Unrecorded requests before each block (the grid sat idle during the other's block). */
  static final int REWARM = 50;

  public static final String GET_JOB = "GET /v1/jobs/{id}";
  public static final String UPLOAD = "POST /v1/assets";

  /**
   * @param warmup GETs per grid before measuring (plus a quarter as many uploads)
   * @param gets measured GETs per grid, split over the rounds
   * @param uploads measured uploads per grid, split over the rounds
   * @param rounds blocks of each kind per grid, alternating which grid goes first
   * @param pipeline every upload's pipeline (nothing runs it: no nodes)
   */
  public record Settings(int warmup, int gets, int uploads, int rounds, String pipeline) {
    public Settings {
      if (gets < 1 || uploads < 1 || rounds < 1 || warmup < 0) {
        throw new IllegalArgumentException(
            "gets, uploads and rounds must be at least 1 and the warm-up not negative");
      }
      if (gets < rounds || uploads < rounds) {
        throw new IllegalArgumentException("at least one GET and one upload per round");
      }
    }
  }

  /** Latencies of one kind of request on one grid, rounds pooled, in microseconds. */
  public record Stats(
      long count,
      long errors,
      double p50Us,
      double p90Us,
      double p99Us,
      double meanUs,
      double maxUs) {
    static Stats of(double[] us, long errors) {
      if (us.length == 0) {
        return new Stats(0, errors, 0, 0, 0, 0, 0);
      }
      double[] v = us.clone();
      Arrays.sort(v);
      Dist d = Dist.of(v);
      return new Stats(
          v.length, errors, d.p50(), Dist.percentile(v, 90), d.p99(), d.mean(), v[v.length - 1]);
    }
  }

  /** One kind of request: auth on, auth off, and on − off per percentile (µs). */
  public record Row(
      String request, Stats on, Stats off, double diffP50Us, double diffP90Us, double diffP99Us) {
    static Row of(String request, Stats on, Stats off) {
      return new Row(
          request,
          on,
          off,
          on.p50Us() - off.p50Us(),
          on.p90Us() - off.p90Us(),
          on.p99Us() - off.p99Us());
    }

    public boolean withinBudget() {
      return diffP50Us < P50_BUDGET_MS * 1000;
    }
  }

  /**
   * One measured block.
   *
   * @param samplesUs every successful request's latency, in order, rounded to 0.1 µs
   */
  public record Block(
      int round, boolean auth, String request, double p50Us, long errors, double[] samplesUs) {}

  /**
   * @param rows one per kind of request
   * @param errors non-2xx answers and failed requests among the measured ones, by code
   * @param loadBefore {@code /proc/loadavg} before the warm-up; {@code loadAfter} at the end
   */
  public record Result(
      Settings settings,
      long uploadBytes,
      List<Row> rows,
      List<Block> blocks,
      Map<String, Long> errors,
      String loadBefore,
      String loadAfter) {
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean withinBudget() {
      return rows.stream().allMatch(Row::withinBudget);
    }
  }

  /** One grid under measurement. */
  private static final class Target {
    final boolean auth;
    final GridClient client;
    String jobPath;
    final Map<String, List<double[]>> samples = new LinkedHashMap<>();

    Target(boolean auth, GridClient client) {
      this.auth = auth;
      this.client = client;
    }
  }

  private final Settings settings;
  private final WorkItem item;
  private final PrintStream log;
  private final Map<String, Long> errors = new LinkedHashMap<>();

  private AuthCost(Settings settings, WorkItem item, PrintStream log) {
    this.settings = settings;
    this.item = item;
    this.log = log;
  }

  /**
   * Measures {@code on} (a grid with auth on) against {@code off}; {@code item} is the upload.
   *
   * @param log progress lines, may be null
   */
  public static Result run(
      GridClient on, GridClient off, WorkItem item, Settings settings, PrintStream log)
      throws IOException, InterruptedException {
    return new AuthCost(settings, item, log).measure(new Target(true, on), new Target(false, off));
  }

  private Result measure(Target on, Target off) throws IOException, InterruptedException {
    String loadBefore = ProcLoad.read();
    for (Target t : List.of(on, off)) {
      GridClient.Submitted s = t.client.submit(item, settings.pipeline(), List.of("bench"));
      if (!s.accepted()) {
        throw new IOException(
            "the first upload to the auth-"
                + (t.auth ? "on" : "off")
                + " grid was refused: "
                + s.status()
                + " "
                + s.errorCode()
                + " "
                + s.errorMessage());
      }
      t.jobPath = "/v1/jobs/" + s.jobId();
      say("warm-up of the auth-" + (t.auth ? "on" : "off") + " grid");
      repeat(t, GET_JOB, settings.warmup(), null);
      repeat(t, UPLOAD, settings.warmup() / 4, null);
    }
    List<Block> blocks = new ArrayList<>();
    for (int r = 0; r < settings.rounds(); r++) {
      List<Target> order = r % 2 == 0 ? List.of(on, off) : List.of(off, on);
      say("round " + (r + 1) + " of " + settings.rounds());
      for (String kind : List.of(GET_JOB, UPLOAD)) {
        int total = kind.equals(GET_JOB) ? settings.gets() : settings.uploads();
        // the first rounds take the remainder, so the total is exact
        int n = total / settings.rounds() + (r < total % settings.rounds() ? 1 : 0);
        for (Target t : order) {
          repeat(t, kind, REWARM, null);
          long errorsBefore = errorCount();
          double[] us = new double[n];
          int ok = repeat(t, kind, n, us);
          double[] kept = Arrays.copyOf(us, ok);
          t.samples.computeIfAbsent(kind, k -> new ArrayList<>()).add(kept);
          double[] sorted = kept.clone();
          Arrays.sort(sorted);
          blocks.add(
              new Block(
                  r + 1,
                  t.auth,
                  kind,
                  sorted.length == 0 ? 0 : Dist.percentile(sorted, 50),
                  errorCount() - errorsBefore,
                  kept));
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String kind : List.of(GET_JOB, UPLOAD)) {
      rows.add(Row.of(kind, stats(on, kind, blocks), stats(off, kind, blocks)));
    }
    return new Result(
        settings, item.bytes(), rows, blocks, Map.copyOf(errors), loadBefore, ProcLoad.read());
  }

  private static Stats stats(Target t, String kind, List<Block> blocks) {
    double[] all =
        t.samples.getOrDefault(kind, List.of()).stream().flatMapToDouble(Arrays::stream).toArray();
    long errs =
        blocks.stream()
            .filter(b -> b.auth() == t.auth && b.request().equals(kind))
            .mapToLong(Block::errors)
            .sum();
    return Stats.of(all, errs);
  }

  /**
   * Sends {@code n} requests of {@code kind}, one after the other; with {@code us}, records each
   * successful one's latency there in order and answers how many succeeded (failures only count in
   * {@link #errors} when recorded).
   */
  private int repeat(Target t, String kind, int n, double[] us) throws InterruptedException {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      String error;
      try {
        if (kind.equals(GET_JOB)) {
          int status = t.client.getStatus(t.jobPath);
          error = status == 200 ? null : "HTTP_" + status;
        } else {
          GridClient.Submitted s = t.client.submit(item, settings.pipeline(), List.of("bench"));
          error = s.accepted() ? null : s.errorCode();
        }
      } catch (IOException e) {
        error = "BENCH_HTTP_ERROR";
      }
      long t1 = System.nanoTime();
      if (us == null) {
        continue;
      }
      if (error == null) {
        us[ok++] = Math.round((t1 - t0) / 100.0) / 10.0;
      } else {
        errors.merge(error, 1L, Long::sum);
      }
    }
    return ok;
  }

  private long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  private void say(String line) {
    if (log != null) {
      log.println("  " + line);
    }
  }

  /** The machine's load averages, as {@code uptime} shows them, for the report. */
  static final class ProcLoad {
    private ProcLoad() {}

    static String read() {
      try {
        String[] f =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                .trim()
                .split(" ");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException | RuntimeException e) {
        return "n/a";
      }
    }
  }
}
