package dev.assetgrid.client.submit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a model with its side files into a temporary .zip for {@code POST /v1/assets}, which unpacks
 * it on the server (the model found by its content, side files named by their path relative to it):
 * entries are named relative to the folder holding all of them, so the model's relative references
 * resolve the same inside the zip as on disk.
 */
final class Bundler {
  private Bundler() {}

  /** A new temporary zip of {@code s}; the caller deletes it. */
  static Path zip(Submission s) throws IOException {
    Path model = s.model().toAbsolutePath().normalize();
    List<Path> all = new ArrayList<>();
    all.add(model);
    all.addAll(s.sideFiles());
    Path root = model.getParent();
    for (Path p : s.sideFiles()) {
      while (!p.startsWith(root)) {
        root = root.getParent();
      }
    }
    String base = model.getFileName().toString();
    Path zip = Files.createTempFile("assetgrid-" + base.replaceAll("[^A-Za-z0-9._-]", "_"), ".zip");
    try (OutputStream file = Files.newOutputStream(zip);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (Path p : all) {
        out.putNextEntry(new ZipEntry(root.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    } catch (IOException e) {
      Files.deleteIfExists(zip);
      throw e;
    }
    return zip;
  }
}
