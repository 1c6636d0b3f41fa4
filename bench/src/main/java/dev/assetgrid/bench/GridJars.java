package dev.assetgrid.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shaded coordinator and node jars of a checkout, from the working dir or the bench jar's
 * place.
 */
public final class GridJars {
  private GridJars() {}

  /** {@code module/target/jarName} in the working dir, its parent, or beside the bench module. */
  public static Path find(String module, String jarName) throws IOException {
    List<Path> bases = new ArrayList<>(List.of(Path.of("."), Path.of("..")));
    try {
      Path self =
          Path.of(GridJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // bench/target/assetgrid-bench.jar or bench/target/classes → the checkout is two levels up
      bases.add(self.getParent().getParent().getParent());
    } catch (URISyntaxException | RuntimeException e) {
      // not from a file: only the working dir
    }
    for (Path b : bases) {
      Path p = b.resolve(module).resolve("target").resolve(jarName).toAbsolutePath().normalize();
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IOException(
        module
            + "/target/"
            + jarName
            + " not found (build with: mvn -B -o -q package -DskipTests), "
            + "or pass --"
            + module
            + "-jar");
  }
}
