package dev.assetgrid.client;

import dev.assetgrid.coordinator.TestGrid;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real grid (coordinator with PostgreSQL, plus a clustered node) shared by the client's test
 * classes that need nothing special of it, so the module pays its start once. Closed when the test
 * JVM ends.
 */
public final class ClientGrid {
  private static TestGrid grid;

  private ClientGrid() {}

  public static synchronized TestGrid get() throws Exception {
    if (grid == null) {
      Path dir = Files.createTempDirectory("ag-client-grid");
      grid = TestGrid.start(dir);
      grid.startNode(2);
      Runtime.getRuntime().addShutdownHook(new Thread(grid::close));
    }
    return grid;
  }
}
