package dev.assetgrid.bench.probe;

import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.grid.ProcessMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams one big synthetic binary STL to the coordinator and watches its memory from outside: RSS
 * sampled from /proc every 100 ms, and the Java heap in use before and after (jcmd GC.heap_info,
 * when the coordinator is a local process). The job the upload creates is cancelled at once so no
 * node downloads the gigabyte. A streaming upload should leave heap and RSS flat.
 */
public final class UploadProbe {
  /**
   * @param rssSeries (seconds since start, RSS MB) samples during the upload
   */
  public record Result(
      long bytes,
      int status,
      String errorCode,
      double seconds,
      double mbPerSec,
      long rssBeforeBytes,
      long rssPeakBytes,
      long rssAfterBytes,
      long heapUsedBeforeBytes,
      long heapUsedAfterBytes,
      List<double[]> rssSeries,
      String note) {}

  private UploadProbe() {}

  /**
   * @param coordinatorPid the local coordinator's pid, or -1 (remote: nothing measurable but time)
   */
  public static Result run(GridClient client, long bytes, long coordinatorPid)
      throws IOException, InterruptedException {
    long triangles = StlStream.trianglesFor(bytes);
    long length = StlStream.lengthFor(triangles);
    long rssBefore =
        coordinatorPid > 0 ? ProcessMemory.field(coordinatorPid, "VmRSS").orElse(-1) : -1;
    long heapBefore = coordinatorPid > 0 ? heapUsed(coordinatorPid).orElse(-1) : -1;
    List<double[]> series = new ArrayList<>();
    long[] peak = {rssBefore};
    long t0 = System.nanoTime();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted() && coordinatorPid > 0) {
                long r = ProcessMemory.field(coordinatorPid, "VmRSS").orElse(-1);
                synchronized (series) {
                  series.add(new double[] {(System.nanoTime() - t0) / 1e9, r / 1e6});
                  peak[0] = Math.max(peak[0], r);
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-probe-rss");
    sampler.setDaemon(true);
    sampler.start();
    GridClient.Submitted s;
    try {
      s = client.submitStream(() -> new StlStream(triangles), length, "probe.stl", "noop");
    } finally {
      sampler.interrupt();
      sampler.join(1000);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (s.accepted()) {
      client.cancel(s.jobId());
    }
    long rssAfter =
        coordinatorPid > 0 ? ProcessMemory.field(coordinatorPid, "VmRSS").orElse(-1) : -1;
    long heapAfter = coordinatorPid > 0 ? heapUsed(coordinatorPid).orElse(-1) : -1;
    long retained = -1;
    if (coordinatorPid > 0) {
      jcmd(coordinatorPid, "GC.run");
      retained = heapUsed(coordinatorPid).orElse(-1);
    }
    String note =
        coordinatorPid > 0
            ? "RSS sampled every 100 ms from /proc; heap from jcmd GC.heap_info; heap retained "
                + "after a full GC (jcmd GC.run): "
                + (retained < 0 ? "n/a" : retained / 1_000_000 + " MB")
            : "remote coordinator: only time and throughput are measurable from here";
    synchronized (series) {
      return new Result(
          length,
          s.status(),
          s.errorCode(),
          secs,
          length / 1e6 / secs,
          rssBefore,
          peak[0],
          rssAfter,
          heapBefore,
          heapAfter,
          List.copyOf(series),
          note);
    }
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /**
   * Heap in use (sum of the "used NK" figures of jcmd GC.heap_info's first lines), if jcmd can
   * attach.
   */
  static OptionalLong heapUsed(long pid) {
    String out = jcmd(pid, "GC.heap_info");
    Matcher m = USED.matcher(out);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
  }

  private static String jcmd(long pid, String command) {
    try {
      Process p =
          new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
