package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * {@code /health} (the process is up) and {@code /ready} (started, and the database answers; with
 * {@code ?clusterSafe=true} also the cluster safe — every partition's backups in sync — which is
 * what a rolling restart of coordinators waits for before taking down the next one).
 */
final class HealthResource implements HttpResource {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HealthResource.class);

  private final AssetStore assets;
  private final NodeRegistry nodes;
  private final BooleanSupplier ready;
  private final java.util.function.Supplier<io.vertx.core.Future<Boolean>> clusterSafe;

  HealthResource(
      AssetStore assets,
      NodeRegistry nodes,
      BooleanSupplier ready,
      java.util.function.Supplier<io.vertx.core.Future<Boolean>> clusterSafe) {
    this.assets = assets;
    this.nodes = nodes;
    this.ready = ready;
    this.clusterSafe = clusterSafe;
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
    boolean askSafe = "true".equals(ctx.request().getParam("clusterSafe"));
    assets
        .ping()
        .onSuccess(
            v -> {
              JsonObject body = new JsonObject().put("status", "ready").put("nodes", nodes.size());
              if (!askSafe) {
                json(ctx, 200, body);
                return;
              }
              clusterSafe
                  .get()
                  .onSuccess(
                      safe -> {
                        if (safe) {
                          json(ctx, 200, body.put("clusterSafe", true));
                        } else {
                          Problems.send(
                              ctx,
                              ErrorCode.NOT_READY,
                              "the cluster is not safe yet: partitions are still migrating");
                        }
                      })
                  .onFailure(
                      e -> {
                        LOG.warn("cluster safety unknown: {}", e.toString());
                        Problems.send(
                            ctx, ErrorCode.NOT_READY, "the cluster's state could not be read");
                      });
            })
        .onFailure(e -> Problems.send(ctx, ErrorCode.NOT_READY, "database: " + e.getMessage()));
  }
}
