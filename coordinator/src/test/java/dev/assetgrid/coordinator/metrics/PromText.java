package dev.assetgrid.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed strictly: every sample line must be {@code
 * name{label="value",...} number}, every sample's family must have a {@code # TYPE} line, and no
 * series may appear twice. Samples are keyed {@code name{a="x",b="y"}} with labels sorted.
 */
public final class PromText {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public final Map<String, Double> samples = new LinkedHashMap<>();
  public final Map<String, String> types = new LinkedHashMap<>();
  public final Map<String, Map<String, String>> labels = new LinkedHashMap<>();

  public static PromText parse(String text) {
    PromText p = new PromText();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] f = line.substring(7).split(" ");
        p.types.put(f[0], f[1]);
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("sample line: %s", line).isTrue();
      Map<String, String> l = new TreeMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher lm = LABEL.matcher(m.group(3));
        int end = 0;
        while (lm.find()) {
          assertThat(lm.start()).as("labels of %s", line).isEqualTo(end);
          l.put(lm.group(1), lm.group(2));
          end = lm.end();
        }
        assertThat(end).as("labels of %s", line).isEqualTo(m.group(3).length());
      }
      String key = key(m.group(1), l);
      assertThat(p.samples).as("series twice: %s", key).doesNotContainKey(key);
      p.samples.put(key, Double.parseDouble(m.group(4).replace("+Inf", "Infinity")));
      p.labels.put(key, l);
      String family = family(m.group(1));
      assertThat(p.types.containsKey(family) || p.types.containsKey(m.group(1)))
          .as("# TYPE of %s", m.group(1))
          .isTrue();
    }
    return p;
  }

  private static String family(String name) {
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total", "_created"}) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** The key of a series: {@code name{a="x",b="y"}} with labels sorted. */
  public static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    new TreeMap<>(labels).forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  /** A series' value given as {@code name} and label pairs; 0 when the series is absent. */
  public double value(String name, String... kv) {
    Map<String, String> l = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      l.put(kv[i], kv[i + 1]);
    }
    return samples.getOrDefault(key(name, l), 0.0);
  }

  /** Whether a series of this name exists (any labels). */
  public boolean has(String name) {
    return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
  }

  /** The sum of every series of {@code name} whose labels include the given pairs. */
  public double sum(String name, String... kv) {
    double s = 0;
    for (var e : samples.entrySet()) {
      String k = e.getKey();
      if (!(k.equals(name) || k.startsWith(name + "{"))) {
        continue;
      }
      Map<String, String> l = labels.get(k);
      boolean all = true;
      for (int i = 0; i < kv.length; i += 2) {
        all &= kv[i + 1].equals(l.get(kv[i]));
      }
      if (all) {
        s += e.getValue();
      }
    }
    return s;
  }
}
