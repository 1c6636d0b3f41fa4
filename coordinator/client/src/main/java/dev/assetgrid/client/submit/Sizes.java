package dev.assetgrid.client.submit;

import dev.assetgrid.client.ClientException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people type them: {@code 1048576}, {@code 512K}, {@code 64MiB}, {@code 2G}. */
final class Sizes {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,12})\\s*([kmgt]?)(i?b)?");

  private Sizes() {}

  static long bytes(String text, String flag) {
    Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw ClientException.usage(
          flag + " must be a size such as 64MiB, 512K or 1048576, not " + text);
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    return n << shift;
  }
}
