package dev.assetgrid.bench.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the resident memory of processes from outside, through {@code /proc/<pid>/status} ({@code
 * VmRSS} now, {@code VmHWM} = the kernel's own peak). Linux only; elsewhere it reports nothing. A
 * tracked process can include its descendants (the embedded PostgreSQL under the coordinator).
 */
public final class ProcessMemory implements AutoCloseable {
  /**
   * Peak figures of one tracked process (bytes; -1 when never read) and the CPU time it used while
   * tracked (user + system, seconds, from /proc/&lt;pid&gt;/stat; shows where a run's CPU went).
   */
  public record Peak(
      long peakRssBytes, long hwmBytes, long lastRssBytes, int samples, double cpuSeconds) {}

  private record Tracked(ProcessHandle handle, boolean descendants) {}

  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Map<String, long[]> stats =
      new ConcurrentHashMap<>(); // peak, hwm, last, samples, cpu first, cpu last (ticks)
  private final Map<Long, Long> cpuByPid =
      new ConcurrentHashMap<>(); // last ticks seen per pid (descendants come and go)
  private final Map<String, List<long[]>> cpuTimeline =
      new ConcurrentHashMap<>(); // {epoch ms, ticks} per sample
  private final Thread thread;

  public ProcessMemory(long everyMs) {
    thread =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  sampleNow();
                  Thread.sleep(everyMs);
                }
              } catch (InterruptedException e) {
                // closed
              }
            },
            "bench-rss");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Tracks {@code handle} under {@code name}; with {@code descendants}, the sum over its
   * descendants instead.
   */
  public void track(String name, ProcessHandle handle, boolean descendants) {
    tracked.put(name, new Tracked(handle, descendants));
  }

  public void sampleNow() {
    tracked.forEach(
        (name, t) -> {
          long rss;
          long hwm;
          long cpu = 0;
          if (t.descendants()) {
            List<ProcessHandle> kids = t.handle().descendants().toList();
            if (kids.isEmpty()) {
              return;
            }
            rss = 0;
            hwm = 0;
            for (ProcessHandle k : kids) {
              rss += field(k.pid(), "VmRSS").orElse(0);
              hwm += field(k.pid(), "VmHWM").orElse(0);
              long c = cpuTicks(k.pid());
              if (c >= 0) {
                cpuByPid.put(k.pid(), c);
              }
            }
            // short-lived backends are counted with the last figure seen for them
            for (ProcessHandle k : kids) {
              cpu += cpuByPid.getOrDefault(k.pid(), 0L);
            }
            cpu = Math.max(cpu, sumKnown(name));
          } else {
            OptionalLong r = field(t.handle().pid(), "VmRSS");
            if (r.isEmpty()) {
              return;
            }
            rss = r.getAsLong();
            hwm = field(t.handle().pid(), "VmHWM").orElse(-1);
            cpu = Math.max(0, cpuTicks(t.handle().pid()));
          }
          long[] s = stats.computeIfAbsent(name, k -> new long[] {-1, -1, -1, 0, -1, 0});
          synchronized (s) {
            s[0] = Math.max(s[0], rss);
            s[1] = Math.max(s[1], hwm);
            s[2] = rss;
            s[3]++;
            if (s[4] < 0) {
              s[4] = cpu;
            }
            if (!frozen) {
              s[5] = Math.max(s[5], cpu);
            }
          }
          List<long[]> line = cpuTimeline.computeIfAbsent(name, k -> new java.util.ArrayList<>());
          synchronized (line) {
            long prev = line.isEmpty() ? 0 : line.get(line.size() - 1)[1];
            line.add(new long[] {System.currentTimeMillis(), Math.max(prev, cpu)});
          }
        });
  }

  /** Starts the CPU accounting afresh (call when the measured part of a run begins). */
  public void markCpu() {
    frozen = false;
    sampleNow();
    stats
        .values()
        .forEach(
            s -> {
              synchronized (s) {
                s[4] = s[5];
              }
            });
  }

  /** Ends the CPU accounting: later samples update memory figures only. */
  public void freezeCpu() {
    sampleNow();
    frozen = true;
  }

  private volatile boolean frozen;

  /** Current RSS of a tracked process, or -1. */
  public long currentRss(String name) {
    Tracked t = tracked.get(name);
    return t == null ? -1 : field(t.handle().pid(), "VmRSS").orElse(-1);
  }

  public Map<String, Peak> peaks() {
    Map<String, Peak> out = new LinkedHashMap<>();
    stats.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              long[] s = e.getValue();
              synchronized (s) {
                out.put(
                    e.getKey(),
                    new Peak(
                        s[0],
                        s[1],
                        s[2],
                        (int) s[3],
                        Math.max(0, s[5] - Math.max(0, s[4])) / TICKS));
              }
            });
    return out;
  }

  /**
   * The same figures, with the CPU time each process used between two instants instead (read off
   * the samples, interpolated between the two around each end): the measured part of a run that
   * excludes a warm-up.
   */
  public Map<String, Peak> peaks(long fromMs, long toMs) {
    Map<String, Peak> out = new LinkedHashMap<>();
    peaks()
        .forEach(
            (name, p) ->
                out.put(
                    name,
                    new Peak(
                        p.peakRssBytes(),
                        p.hwmBytes(),
                        p.lastRssBytes(),
                        p.samples(),
                        Math.max(0, ticksAt(name, toMs) - ticksAt(name, fromMs)) / TICKS)));
    return out;
  }

  /** CPU ticks of a tracked process at {@code ms}, interpolated between samples. */
  double ticksAt(String name, long ms) {
    List<long[]> line = cpuTimeline.getOrDefault(name, List.of());
    synchronized (line) {
      long[] before = null;
      for (long[] x : line) {
        if (x[0] >= ms) {
          if (before == null) {
            return x[1]; // before the first sample: as the first sample
          }
          return before[1]
              + (double) (x[1] - before[1]) * (ms - before[0]) / Math.max(1, x[0] - before[0]);
        }
        before = x;
      }
      return before == null ? 0 : before[1];
    }
  }

  private static final double TICKS = 100.0; // USER_HZ on Linux

  private long sumKnown(String name) {
    long[] s = stats.get(name);
    return s == null ? 0 : s[5];
  }

  /** utime + stime of a process in clock ticks, or -1. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A {@code kB} field of /proc/&lt;pid&gt;/status, in bytes. */
  public static OptionalLong field(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name + ":")) {
          String v = line.substring(name.length() + 1).trim().split("\\s+")[0];
          return OptionalLong.of(Long.parseLong(v) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    sampleNow();
    thread.interrupt();
  }
}
