package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.AssetStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;

/**
 * {@code GET /v1/stats} (counts of the grid and this coordinator's queue figures) and {@code GET
 * /v1/nodes}.
 */
final class StatsResource implements HttpResource {
  private final AssetStore assets;
  private final Scheduler scheduler;
  private final NodeRegistry nodes;
  private final Transfers transfers;
  private final BigDecimal pricePerGbMonth;

  /**
   * @param pricePerGbMonth the price for the storage cost estimate; 0: no estimate
   */
  StatsResource(
      AssetStore assets,
      Scheduler scheduler,
      NodeRegistry nodes,
      Transfers transfers,
      BigDecimal pricePerGbMonth) {
    this.assets = assets;
    this.scheduler = scheduler;
    this.nodes = nodes;
    this.transfers = transfers;
    this.pricePerGbMonth = pricePerGbMonth;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/nodes")
        .handler(
            ctx ->
                assets
                    .runningByNode(Access.tenant(ctx))
                    .onSuccess(
                        running ->
                            json(ctx, 200, new JsonObject().put("nodes", nodes.snapshot(running))))
                    .onFailure(e -> Problems.send(ctx, e)));
    r.get("/v1/stats").handler(this::stats);
  }

  /**
   * Counts of the grid (assets, jobs and tasks by state, live nodes and their slots) and what this
   * coordinator's queue did since it started, and the body bytes its HTTP server moved ({@link
   * Transfers}); with a storage price, the tenant's monthly storage cost ({@link StorageCost}).
   */
  private void stats(RoutingContext ctx) {
    assets
        .stats(Access.tenant(ctx))
        .onSuccess(
            stats -> {
              JsonArray live = nodes.snapshot(new JsonObject());
              int slots = 0;
              for (int i = 0; i < live.size(); i++) {
                slots += live.getJsonObject(i).getInteger("slots", 0);
              }
              if (pricePerGbMonth.signum() > 0) {
                JsonObject storage = stats.getJsonObject("storage");
                storage.put(
                    "monthlyCostEstimate",
                    StorageCost.of(storage.getLong("storedBytes"), pricePerGbMonth).toJson());
              }
              json(
                  ctx,
                  200,
                  stats
                      .put("nodes", new JsonObject().put("count", live.size()).put("slots", slots))
                      .put("queue", scheduler.queueStats())
                      .put("transfer", transfers.toJson())
                      .put("at", java.time.Instant.now().toString()));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }
}
