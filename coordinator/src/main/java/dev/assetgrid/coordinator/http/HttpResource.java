package dev.assetgrid.coordinator.http;

import io.vertx.ext.web.Router;

/**
 * One resource of the API: registers its routes on the router it is given. A new feature (auth,
 * webhooks, imports) is a new resource added in {@link ApiVerticle#start}.
 */
public interface HttpResource {
  void register(Router router);
}
