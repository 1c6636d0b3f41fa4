package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Test helper that runs the Khronos glTF-Validator (npm {@code gltf-validator}, tested with
 * 2.0.0-dev.3.10) through {@code node} and the script {@code validate-gltf.mjs} (test resources).
 *
 * <p>The npm package is looked up, first match wins:
 *
 * <ol>
 *   <li>environment variable {@code ASSETGRID_GLTF_VALIDATOR}: the package directory, or a
 *       directory holding {@code node_modules/gltf-validator} or {@code gltf-validator};
 *   <li>{@code .tools/node_modules/gltf-validator} at the project root (where CI runs {@code cd
 *       .tools && npm install gltf-validator@2.0.0-dev.3.10}; {@code .tools} is git-ignored),
 *       searched from the working directory upwards;
 *   <li>the global npm root ({@code npm root -g}).
 * </ol>
 *
 * When {@code node} or the package is missing, {@link #require()} skips the calling test with a
 * message saying what to install.
 */
public final class KhronosValidator {
  private static final String PACKAGE = "gltf-validator";
  private static volatile KhronosValidator instance;

  private final Path moduleDir;
  private final Path script;

  private KhronosValidator(Path moduleDir, Path script) {
    this.moduleDir = moduleDir;
    this.script = script;
  }

  /** One validator issue. {@code severity}: 0 error, 1 warning, 2 info, 3 hint. */
  public record Issue(String code, int severity, String pointer, String message) {}

  /** The parts of a validator report the tests look at; {@code raw} is the whole report. */
  public record Report(
      Path file, int numErrors, int numWarnings, List<Issue> messages, JsonNode raw) {
    /** Error count per code. */
    public Map<String, Integer> errorCodes() {
      return codes(0);
    }

    /** Issue count per code for one severity (0 error, 1 warning, 2 info, 3 hint). */
    public Map<String, Integer> codes(int severity) {
      Map<String, Integer> out = new TreeMap<>();
      for (Issue i : messages) {
        if (i.severity() == severity) {
          out.merge(i.code(), 1, Integer::sum);
        }
      }
      return out;
    }
  }

  /**
   * The validator, or a skipped test (a failed one in CI) when node or the npm package are missing.
   */
  public static KhronosValidator require() {
    KhronosValidator v = instance;
    if (v == null) {
      TestCorpus.need(
          run(List.of("node", "--version"), 20) != null,
          "node is not installed: the Khronos glTF-Validator check needs node and npm " + PACKAGE);
      Path module = locateModule();
      TestCorpus.need(
          module != null,
          "npm package "
              + PACKAGE
              + " not found (set ASSETGRID_GLTF_VALIDATOR, or run "
              + "'mkdir -p .tools && cd .tools && npm install gltf-validator@2.0.0-dev.3.10' at the project root)");
      v = new KhronosValidator(module, script());
      instance = v;
    }
    return v;
  }

  public Report validate(Path file) {
    return validateAll(List.of(file)).get(0);
  }

  /** Validates several files with one node process (the validator takes ~0.5 s to start). */
  public List<Report> validateAll(List<Path> files) {
    List<String> cmd = new ArrayList<>(List.of("node", script.toString(), moduleDir.toString()));
    files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
    String out = run(cmd, 600);
    if (out == null) {
      throw new IllegalStateException("glTF-Validator failed to run: " + cmd);
    }
    List<Report> reports = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode r;
      try {
        r = GltfReader.JSON.readTree(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (r.has("fatal")) {
        throw new IllegalStateException(
            "glTF-Validator failed on "
                + r.path("file").asText()
                + ": "
                + r.path("fatal").asText());
      }
      List<Issue> issues = new ArrayList<>();
      for (JsonNode m : r.path("issues").path("messages")) {
        issues.add(
            new Issue(
                m.path("code").asText(),
                m.path("severity").asInt(),
                m.path("pointer").asText(null),
                m.path("message").asText()));
      }
      reports.add(
          new Report(
              Paths.get(r.path("file").asText()),
              r.path("issues").path("numErrors").asInt(),
              r.path("issues").path("numWarnings").asInt(),
              issues,
              r));
    }
    if (reports.size() != files.size()) {
      throw new IllegalStateException(
          "expected " + files.size() + " reports, got " + reports.size());
    }
    return reports;
  }

  private static Path locateModule() {
    String env = System.getenv("ASSETGRID_GLTF_VALIDATOR");
    if (env != null && !env.isBlank()) {
      Path p = Paths.get(env);
      for (Path c : List.of(p, p.resolve(PACKAGE), p.resolve("node_modules").resolve(PACKAGE))) {
        if (Files.isRegularFile(c.resolve("package.json"))) {
          return c;
        }
      }
    }
    Path dir = Paths.get("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path c = dir.resolve(".tools").resolve("node_modules").resolve(PACKAGE);
      if (Files.isRegularFile(c.resolve("package.json"))) {
        return c;
      }
    }
    String global = run(List.of("npm", "root", "-g"), 30);
    if (global != null) {
      Path c = Paths.get(global.trim()).resolve(PACKAGE);
      if (Files.isRegularFile(c.resolve("package.json"))) {
        return c;
      }
    }
    return null;
  }

  private static Path script() {
    URL url = KhronosValidator.class.getResource("/validate-gltf.mjs");
    if (url == null) {
      throw new IllegalStateException("validate-gltf.mjs missing from test resources");
    }
    try {
      if ("file".equals(url.getProtocol())) {
        return Paths.get(url.toURI());
      }
      Path tmp = Files.createTempFile("validate-gltf", ".mjs");
      try (InputStream in = url.openStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp.toFile().deleteOnExit();
      return tmp;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command; its stdout, or null when it cannot start, fails or times out. */
  private static String run(List<String> cmd, int timeoutSeconds) {
    try {
      Path err = Files.createTempFile("khronos-validator", ".err");
      try {
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
          out = in.readAllBytes();
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
