package dev.assetgrid.client.submit;

import java.nio.file.Path;
import java.util.List;

/**
 * One asset to submit: a model file and the side files it references (a .gltf's buffers and images,
 * an OBJ's .mtl and textures), which travel with it as one .zip.
 *
 * @param label how the output names it (the path as given or found)
 * @param model the model file (or a .zip given as such)
 * @param sideFiles the files it references, found on disk; empty when it stands alone
 * @param missing references that point at no file (the submission fails, naming them)
 */
public record Submission(String label, Path model, List<Path> sideFiles, List<String> missing) {
  public Submission {
    sideFiles = List.copyOf(sideFiles);
    missing = List.copyOf(missing);
  }

  /** True when the model goes with side files, zipped. */
  public boolean bundled() {
    return !sideFiles.isEmpty();
  }

  /** True for a .zip given as such. */
  public boolean isZip() {
    return ModelFinder.extension(model).equals("zip");
  }
}
