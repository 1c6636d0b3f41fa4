package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/** {@code /health} (the process is up) and {@code /ready} (started, and the database answers). */
final class HealthResource implements HttpResource {
  private final AssetStore assets;
  private final NodeRegistry nodes;
  private final BooleanSupplier ready;

  HealthResource(AssetStore assets, NodeRegistry nodes, BooleanSupplier ready) {
    this.assets = assets;
    this.nodes = nodes;
    this.ready = ready;
  }

  @Override
  public void register(Router r) {
    r.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    r.get("/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    if (!ready.getAsBoolean()) {
      Problems.send(ctx, ErrorCode.NOT_READY, "starting");
      return;
    }
    assets
        .ping()
        .onSuccess(
            v -> json(ctx, 200, new JsonObject().put("status", "ready").put("nodes", nodes.size())))
        .onFailure(e -> Problems.send(ctx, ErrorCode.NOT_READY, "database: " + e.getMessage()));
  }
}
