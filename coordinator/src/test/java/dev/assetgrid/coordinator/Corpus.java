package dev.assetgrid.coordinator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shared test corpus beside the checkout ({@code ../shared/corpus}); tests skip when it is absent. */
public final class Corpus {
  private Corpus() {}

  public static Path root() {
    String prop = System.getProperty("assetgrid.corpus");
    Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "corpus");
    if (!Files.isDirectory(p)) {
      p = Path.of("..", "shared", "corpus");
    }
    assumeTrue(Files.isRegularFile(p.resolve("MANIFEST.md")),
        "test corpus not found at " + p.toAbsolutePath().normalize() + " (expected ../shared/corpus beside the checkout)");
    return p.toAbsolutePath().normalize();
  }

  /** MANIFEST.md rows: relative path → triangles (first number of the triangles column). */
  public static Map<String, Long> triangles() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    Pattern num = Pattern.compile("^([\\d,]+)");
    for (String line : Files.readAllLines(root().resolve("MANIFEST.md"))) {
      if (!line.startsWith("| ") || line.startsWith("| path") || line.startsWith("|---")) {
        continue;
      }
      String[] cols = line.split("\\|");
      if (cols.length < 6) {
        continue;
      }
      String path = cols[1].trim().split(" ")[0];
      Matcher m = num.matcher(cols[4].trim());
      if (m.find()) {
        out.put(path, Long.parseLong(m.group(1).replace(",", "")));
      }
    }
    return out;
  }
}
