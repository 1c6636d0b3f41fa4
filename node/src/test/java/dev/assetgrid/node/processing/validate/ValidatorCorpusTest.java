package dev.assetgrid.node.processing.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Measures agreement with the Khronos glTF-Validator on its own test suite (corpus/validator-tests,
 * expected reports beside each case) and on the sample models (corpus/gltf-sample).
 */
class ValidatorCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void verdictMatchesKhronosOnValidatorTests() throws IOException {
    Path root = TestCorpus.path("validator-tests");
    List<Path> reports;
    try (Stream<Path> s = Files.walk(root)) {
      reports =
          s.filter(p -> p.getFileName().toString().endsWith(".report.json"))
              .sorted()
              .collect(Collectors.toList());
    }
    int verdictOk = 0;
    int codesOk = 0;
    int allCodesOk = 0;
    List<String> mismatches = new ArrayList<>();
    long t0 = System.nanoTime();
    for (Path rep : reports) {
      String name = rep.getFileName().toString();
      Path asset = rep.resolveSibling(name.substring(0, name.length() - ".report.json".length()));
      JsonNode expected = JSON.readTree(rep.toFile());
      Set<String> expectedErrors = new TreeSet<>();
      for (JsonNode m : expected.path("issues").path("messages")) {
        if (m.path("severity").asInt() == 0) {
          expectedErrors.add(m.path("code").asText());
        }
      }
      boolean expectedVerdict = expected.path("issues").path("numErrors").asInt() > 0;
      ValidationReport r = Validator.validate(asset, ValidateOptions.khronosCompatible());
      Set<String> actualErrors =
          r.codes(Severity.ERROR).stream()
              .map(Enum::name)
              .collect(Collectors.toCollection(TreeSet::new));
      boolean verdict = r.hasErrors() == expectedVerdict;
      boolean codes = actualErrors.equals(expectedErrors);
      Set<String> expectedAll = new TreeSet<>();
      expected
          .path("issues")
          .path("messages")
          .forEach(m -> expectedAll.add(m.path("code").asText()));
      Set<String> actualAll =
          r.codes().stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
      allCodesOk += expectedAll.equals(actualAll) ? 1 : 0;
      verdictOk += verdict ? 1 : 0;
      codesOk += codes ? 1 : 0;
      if (!codes) {
        mismatches.add(
            (verdict ? "  codes   " : "  VERDICT ")
                + root.relativize(asset)
                + " expected "
                + expectedErrors
                + " got "
                + actualErrors);
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    int n = reports.size();
    double verdictRate = 100.0 * verdictOk / n;
    double codesRate = 100.0 * codesOk / n;
    System.out.println("validator-tests: " + n + " cases in " + ms + " ms");
    System.out.printf(Locale.ROOT, "verdict match:   %d/%d = %.1f%%%n", verdictOk, n, verdictRate);
    System.out.printf(Locale.ROOT, "error-code sets: %d/%d = %.1f%%%n", codesOk, n, codesRate);
    System.out.printf(
        Locale.ROOT,
        "all-severity code sets (info only): %d/%d = %.1f%%%n",
        allCodesOk,
        n,
        100.0 * allCodesOk / n);
    mismatches.forEach(System.out::println);
    assertTrue(n >= 300, "expected the 372 validator test cases, found " + n);
    assertTrue(verdictRate >= 95.0, "verdict match " + verdictRate + "% < 95%");
  }

  @Test
  void sampleModelsHaveKhronosVerdict() throws IOException {
    Path root = TestCorpus.path("gltf-sample");
    List<Path> models;
    try (Stream<Path> s = Files.walk(root)) {
      models =
          s.filter(
                  p -> {
                    String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return f.endsWith(".gltf") || f.endsWith(".glb");
                  })
              .sorted()
              .collect(Collectors.toList());
    }
    assertTrue(models.size() >= 30, "expected the gltf-sample models, found " + models.size());
    List<String> failures = new ArrayList<>();
    for (Path m : models) {
      long t0 = System.nanoTime();
      ValidationReport r = Validator.validate(m, ValidateOptions.khronosCompatible());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      List<String> errors =
          r.messages().stream()
              .filter(i -> i.severity() == Severity.ERROR)
              .map(i -> i.code() + " " + i.pointer())
              .collect(Collectors.toList());
      System.out.printf(
          Locale.ROOT,
          "%-70s %5d ms  E%d W%d I%d H%d%n",
          root.relativize(m),
          ms,
          r.numErrors(),
          r.numWarnings(),
          r.numInfos(),
          r.numHints());
      if (m.toString().contains("TextureTransformMultiTest")) {
        long tangent =
            r.messages().stream()
                .filter(i -> i.code() == IssueCode.MESH_PRIMITIVE_NO_TANGENT_SPACE)
                .count();
        if (r.numErrors() != 3 || tangent != 3) {
          failures.add(
              root.relativize(m)
                  + ": expected exactly 3 MESH_PRIMITIVE_NO_TANGENT_SPACE, got "
                  + errors);
        }
      } else if (r.hasErrors()) {
        failures.add(root.relativize(m) + ": " + errors.subList(0, Math.min(10, errors.size())));
      }
    }
    failures.forEach(f -> System.out.println("  MISMATCH " + f));
    assertEquals(List.of(), failures);
  }
}
