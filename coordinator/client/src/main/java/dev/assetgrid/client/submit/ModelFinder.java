package dev.assetgrid.client.submit;

import dev.assetgrid.client.ClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the paths given to {@code submit} into {@link Submission}s: a file is submitted as given; a
 * folder is walked (in name order) for model files by extension, and each model found takes the
 * side files it references with it ({@link SideFiles}). Side files are not submitted on their own.
 */
public final class ModelFinder {
  /** What a folder walk picks up. */
  public static final Set<String> MODEL_EXTENSIONS =
      Set.of("glb", "gltf", "obj", "fbx", "stl", "ply", "dae", "zip");

  private ModelFinder() {}

  public static List<Submission> find(List<Path> paths) {
    List<Submission> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        for (Path f : walk(p)) {
          out.add(submission(f, f.toString()));
        }
      } else if (Files.isRegularFile(p)) {
        out.add(submission(p, p.toString()));
      } else {
        throw ClientException.usage(p + " is neither a file nor a folder");
      }
    }
    if (out.isEmpty()) {
      throw ClientException.usage(
          "no model files found in "
              + paths
              + " (looked for ."
              + String.join(" .", MODEL_EXTENSIONS.stream().sorted().toList())
              + ")");
    }
    return out;
  }

  static String extension(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static List<Path> walk(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> MODEL_EXTENSIONS.contains(extension(f)))
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw ClientException.usage("cannot read the folder " + dir);
    }
  }

  private static Submission submission(Path model, String label) {
    SideFiles.Found side =
        switch (extension(model)) {
          case "gltf" -> SideFiles.ofGltf(model);
          case "obj" -> SideFiles.ofObj(model);
          default -> SideFiles.Found.NONE;
        };
    return new Submission(label, model, side.files(), side.missing());
  }
}
