package dev.assetgrid.client;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.ingest.ImportOptions;
import dev.assetgrid.coordinator.net.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One real grid (coordinator with PostgreSQL, plus a clustered node) shared by the client's test
 * classes that need nothing special of it, so the module pays its start once. Closed when the test
 * JVM ends.
 */
public final class ClientGrid {
  private static TestGrid grid;
  private static Path importRoot;

  private ClientGrid() {}

  public static synchronized TestGrid get() throws Exception {
    if (grid == null) {
      Path dir = Files.createTempDirectory("ag-client-grid");
      Path root = Files.createDirectories(dir.resolve("imports"));
      // webhook receivers and import URLs on loopback over http are allowed (WebhookCommandsTest
      // registers receivers, ImportCommandTest serves models); folder imports under root
      grid =
          TestGrid.start(
              TestGrid.config(dir, TestPostgres.newDatabase())
                  .withNotifications(
                      NotifyOptions.defaults()
                          .withReceivers(true, List.of(Cidr.parse("127.0.0.0/8"))))
                  .withImports(
                      ImportOptions.defaults()
                          .withRoots(List.of(root))
                          .withSources(true, List.of(Cidr.parse("127.0.0.0/8")))));
      importRoot = root.toRealPath();
      grid.startNode(2);
      Runtime.getRuntime().addShutdownHook(new Thread(grid::close));
    }
    return grid;
  }

  /** The grid's {@code --import-root}: folders the tests import go under it (a real path). */
  public static synchronized Path importRoot() throws Exception {
    get();
    return importRoot;
  }
}
