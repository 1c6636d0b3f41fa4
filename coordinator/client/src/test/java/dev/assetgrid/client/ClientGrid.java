package dev.assetgrid.client;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.events.NotifyOptions;
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

  private ClientGrid() {}

  public static synchronized TestGrid get() throws Exception {
    if (grid == null) {
      Path dir = Files.createTempDirectory("ag-client-grid");
      // webhook receivers on loopback over http are allowed (WebhookCommandsTest registers some)
      grid =
          TestGrid.start(
              TestGrid.config(dir, TestPostgres.newDatabase())
                  .withNotifications(
                      NotifyOptions.defaults()
                          .withReceivers(true, List.of(Cidr.parse("127.0.0.0/8")))));
      grid.startNode(2);
      Runtime.getRuntime().addShutdownHook(new Thread(grid::close));
    }
    return grid;
  }
}
