package dev.assetgrid.client.commands;

import dev.assetgrid.client.ClientException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, or seconds. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd]?)");

  private Durations() {}

  /** Seconds in {@code text}; {@code flag} names the option in the error. */
  public static long seconds(String text, String flag) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw ClientException.usage(
          flag + " must be a positive duration such as 90s, 30m, 24h or 7d, not " + text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> n * 60;
      case "h" -> n * 3600;
      case "d" -> n * 86400;
      default -> n;
    };
  }
}
