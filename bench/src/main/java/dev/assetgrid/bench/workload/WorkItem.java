package dev.assetgrid.bench.workload;

import java.nio.file.Path;
import java.util.List;

/**
 * One asset to upload: a model file and the side files it references (sent together as multipart).
 *
 * @param name display name (relative path in the corpus)
 * @param primary the model file
 * @param sideFiles files the model references, with the relative name the model uses for each
 * @param bytes total bytes of the model and its side files
 * @param knownTriangles triangles when the workload knows them (synthetic), else -1
 */
public record WorkItem(
    String name, Path primary, List<SideFile> sideFiles, long bytes, long knownTriangles) {
  public WorkItem {
    sideFiles = List.copyOf(sideFiles);
  }

  /** A file referenced by the model under {@code name} (e.g. {@code textures/a.png}). */
  public record SideFile(String name, Path path) {}

  public String extension() {
    String f = primary.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
  }
}
