package dev.assetgrid.node.processing.gltf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one place tests find the shared test corpus: system property {@code assetgrid.corpus} (set by
 * surefire in the parent POM), else {@code ../shared/corpus} next to the project root. Tests that
 * need it call {@link #root()} or {@link #path}; when the corpus (or the file) is absent the test
 * is skipped on a developer's machine, and fails in CI ({@code CI=true}), where a skipped corpus
 * test would hide that nothing was checked. The coordinator's tests use it through the node's test
 * jar.
 */
public final class TestCorpus {
  private TestCorpus() {}

  /** One glTF/GLB row of corpus/MANIFEST.md. */
  public record Entry(
      String path, Path file, long triangles, Long renderedTriangles, long vertices) {
    @Override
    public String toString() {
      return path;
    }
  }

  /**
   * The corpus directory; a skipped test (a failed one in CI) with a clear message when it is
   * missing.
   */
  public static Path root() {
    Path found = locate();
    need(found != null, "corpus not found at " + candidates() + " (set -Dassetgrid.corpus=...)");
    return found;
  }

  /**
   * A file or folder of the corpus, by its path relative to the corpus root; like {@link #root()}
   * when absent.
   */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    need(Files.exists(p), "corpus entry " + relative + " not found under " + root());
    return p;
  }

  /**
   * True in CI ({@code CI=true}), where a missing test resource fails a test instead of skipping
   * it.
   */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Skips the calling test when {@code ok} is false, or fails it in CI. For resources a test cannot
   * run without (the corpus, the Khronos validator).
   */
  public static void need(boolean ok, String message) {
    if (!ok && inCi()) {
      org.junit.jupiter.api.Assertions.fail(
          message + " (CI=true: a test that cannot find what it needs fails)");
    }
    assumeTrue(ok, message);
  }

  static Path locate() {
    for (Path p : candidates()) {
      if (Files.isRegularFile(p.resolve("MANIFEST.md"))) {
        return p;
      }
    }
    return null;
  }

  private static List<Path> candidates() {
    List<Path> out = new ArrayList<>();
    String prop = System.getProperty("assetgrid.corpus");
    if (prop != null && !prop.isBlank()) {
      out.add(Paths.get(prop).toAbsolutePath().normalize());
    }
    // the project root is the working directory or one of its parents (surefire runs in node/)
    Path dir = Paths.get("").toAbsolutePath();
    for (int i = 0; i < 3 && dir != null; i++, dir = dir.getParent()) {
      if (dir.getParent() != null) {
        out.add(dir.getParent().resolve("shared").resolve("corpus").normalize());
      }
    }
    return out;
  }

  private static final Pattern FIRST_NUMBER = Pattern.compile("([0-9][0-9,]*)");
  private static final Pattern RENDERED = Pattern.compile("\\(([0-9][0-9,]*) rendered\\)");

  /** The glTF/GLB rows of MANIFEST.md (gltf-sample and gltf-other), parsed from its table. */
  public static List<Entry> gltfEntries() {
    Path root = root();
    List<Entry> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(root.resolve("MANIFEST.md"), StandardCharsets.UTF_8)) {
        if (!line.startsWith("| gltf-")) {
          continue;
        }
        String[] cols = line.split("\\|");
        // cols[0] is empty: | path | source | license | triangles | vertices | size | exercises |
        String path = cols[1].trim();
        String tris = cols[4].trim();
        String verts = cols[5].trim();
        Matcher t = FIRST_NUMBER.matcher(tris);
        Matcher v = FIRST_NUMBER.matcher(verts);
        if (!t.find() || !v.find()) {
          continue;
        }
        Matcher r = RENDERED.matcher(tris);
        Long rendered = r.find() ? number(r.group(1)) : null;
        out.add(
            new Entry(path, root.resolve(path), number(t.group(1)), rendered, number(v.group(1))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * MANIFEST.md rows of every section: relative path → triangles (first number of the triangles
   * column).
   */
  public static java.util.Map<String, Long> trianglesByPath() {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    try {
      for (String line :
          Files.readAllLines(root().resolve("MANIFEST.md"), StandardCharsets.UTF_8)) {
        if (!line.startsWith("| ") || line.startsWith("| path") || line.startsWith("|---")) {
          continue;
        }
        String[] cols = line.split("\\|");
        if (cols.length < 6) {
          continue;
        }
        Matcher m = FIRST_NUMBER.matcher(cols[4].trim());
        if (m.lookingAt()) {
          out.put(cols[1].trim().split(" ")[0], number(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every .gltf/.glb file under corpus/gltf-sample and corpus/gltf-other. */
  public static List<Path> gltfFiles() {
    Path root = root();
    List<Path> out = new ArrayList<>();
    for (String sub : List.of("gltf-sample", "gltf-other")) {
      try (Stream<Path> s = Files.walk(root.resolve(sub))) {
        s.filter(
                p -> {
                  String n = p.getFileName().toString().toLowerCase();
                  return n.endsWith(".gltf") || n.endsWith(".glb");
                })
            .sorted()
            .forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static long number(String s) {
    return Long.parseLong(s.replace(",", ""));
  }
}
