package dev.assetgrid.node.cli;

import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.validate.ValidationReport;
import dev.assetgrid.node.processing.validate.Validator;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate PATH...}: Khronos-shaped validation reports for local files. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Validates glTF 2.0 models (.glb, .gltf with side files) with the node's validator and writes one report per file,",
      "shaped like the Khronos glTF-Validator's (issues.numErrors/numWarnings/numInfos/numHints, messages with code,",
      "severity and JSON pointer).",
      "Exit code: 0 when no file has errors, 1 when any file has an error, 2 on bad arguments."
    },
    footer = {
      "",
      "Examples:",
      "  java -jar node/target/assetgrid-node.jar validate model.glb",
      "  java -jar node/target/assetgrid-node.jar validate models/ other.gltf --out reports/"
    })
public final class ValidateCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Files, or folders searched recursively for .gltf and .glb files.")
  List<Path> paths = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write <file>.report.json under DIR, mirroring each folder argument's tree (files given directly go to "
              + "DIR itself). Without --out a single file's report goes to stdout, several reports go to stdout as one JSON per line.")
  Path out;

  @Option(
      names = "--max-issues",
      paramLabel = "N",
      description = "Issues kept per report, 1..1000000. Default: ${DEFAULT-VALUE}.",
      defaultValue = "" + ValidateOptions.DEFAULT_MAX_ISSUES)
  int maxIssues;

  @Option(
      names = "--geometry-checks",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Add our geometry findings (degenerate/duplicate triangles, non-manifold edges...; infos and hints only). "
              + "--no-geometry-checks reports what the Khronos validator reports. Default: on.")
  boolean geometryChecks;

  @Option(names = "--quiet", description = "Do not print the per-file summary lines (with --out).")
  boolean quiet;

  private record Target(Path file, Path relative) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    ValidateOptions options;
    try {
      options =
          ValidateOptions.DEFAULTS.withMaxIssues(maxIssues).withGeometryChecks(geometryChecks);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<Target> targets = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> Files.isRegularFile(f) && isModel(f))
              .sorted()
              .forEach(f -> targets.add(new Target(f, p.relativize(f))));
        }
      } else if (Files.isRegularFile(p)) {
        targets.add(new Target(p, p.getFileName()));
      } else {
        stderr.println("validate: " + p + ": no such file or folder");
        return 2;
      }
    }
    if (targets.isEmpty()) {
      stderr.println("validate: no .gltf or .glb files found");
      return 2;
    }
    boolean errors = false;
    for (Target t : targets) {
      ValidationReport report = Validator.validate(t.file(), options);
      errors |= report.hasErrors();
      if (out != null) {
        Path dest = out.resolve(t.relative().toString() + ".report.json");
        Files.createDirectories(dest.toAbsolutePath().getParent());
        Files.writeString(
            dest,
            GltfReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
        if (!quiet) {
          stdout.printf(
              "%s: %d errors, %d warnings, %d infos, %d hints -> %s%n",
              t.file(),
              report.numErrors(),
              report.numWarnings(),
              report.numInfos(),
              report.numHints(),
              dest);
        }
      } else if (targets.size() == 1) {
        stdout.println(
            GltfReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
      } else {
        var json = report.toJson();
        json.put("file", t.file().toString());
        stdout.println(GltfReader.JSON.writeValueAsString(json));
      }
    }
    stdout.flush();
    return errors ? 1 : 0;
  }

  private static boolean isModel(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".gltf") || n.endsWith(".glb");
  }
}
