package dev.assetgrid.bench;

import java.time.Duration;
import java.util.Locale;

/** Parsing of human quantities on the command line: {@code 30s}, {@code 2m}, {@code 1g}. */
public final class Units {
  private Units() {}

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  public static Duration duration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    char u = t.charAt(t.length() - 1);
    String num = Character.isDigit(u) ? t : t.substring(0, t.length() - 1);
    double v = Double.parseDouble(num);
    long ms =
        switch (u) {
          case 'h' -> (long) (v * 3_600_000);
          case 'm' -> (long) (v * 60_000);
          default -> (long) (v * 1000);
        };
    return Duration.ofMillis(ms);
  }

  /** {@code 1g}, {@code 512m}, {@code 64k} (binary multiples), or plain bytes. */
  public static long bytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
    char u = t.charAt(t.length() - 1);
    long mult =
        switch (u) {
          case 'k' -> 1L << 10;
          case 'm' -> 1L << 20;
          case 'g' -> 1L << 30;
          case 't' -> 1L << 40;
          default -> 1;
        };
    String num = mult == 1 ? t : t.substring(0, t.length() - 1);
    return (long) (Double.parseDouble(num) * mult);
  }
}
