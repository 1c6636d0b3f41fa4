package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.Quotas;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.store.KeyStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code GET /v1/tenants/{name}} (its admins, and the system admin): quotas and usage; {@code PATCH
 * /v1/tenants/{name} {"quotas": {...}}} (the system admin only) sets them. Another tenant's name is
 * {@code 404} to a tenant's own admin, as any other tenant's id is.
 */
final class TenantsResource implements HttpResource {
  private final Access access;
  private final KeyStore keys;
  private final Quotas defaults;

  TenantsResource(Access access, KeyStore keys, Quotas defaults) {
    this.access = access;
    this.keys = keys;
    this.defaults = defaults;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/tenants/:name").handler(access.require(Role.ADMIN)).handler(this::get);
    access
        .write(
            r.patch("/v1/tenants/:name").handler(BodyHandler.create().setBodyLimit(16 * 1024)),
            "tenant.update",
            Role.ADMIN)
        .handler(this::patch);
  }

  /** Whether the caller may see tenant {@code name} at all. */
  private static boolean visible(RoutingContext ctx, String name) {
    Principal p = Access.principal(ctx);
    return p.systemAdmin() || p.tenantName().equals(name);
  }

  private void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!visible(ctx, name)) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, "tenant " + name);
      return;
    }
    keys.tenant(name)
        .onSuccess(
            t ->
                t.ifPresentOrElse(
                    x -> json(ctx, 200, withDefaults(x)),
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "tenant " + name)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void patch(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!visible(ctx, name)) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, "tenant " + name);
      return;
    }
    if (!Access.principal(ctx).systemAdmin()) {
      Problems.send(
          ctx,
          ErrorCode.FORBIDDEN,
          "only an admin of tenant " + Principal.DEFAULT_TENANT_NAME + " sets quotas");
      return;
    }
    JsonObject quotas;
    try {
      JsonObject body = Bodies.object(ctx, "{\"quotas\": {\"storedBytes\": n, ...}}");
      for (String k : body.fieldNames()) {
        if (!k.equals("quotas")) {
          throw Bodies.invalid("/" + k, "unknown member " + k + "; expected quotas");
        }
      }
      if (!(body.getValue("quotas") instanceof JsonObject q)) {
        throw Bodies.invalid("/quotas", "quotas must be an object");
      }
      for (String k : q.fieldNames()) {
        if (!KeyStore.QUOTA_COLUMNS.containsKey(k)) {
          throw Bodies.invalid(
              "/quotas/" + k,
              "unknown quota " + k + "; expected one of " + KeyStore.QUOTA_COLUMNS.keySet());
        }
        Object v = q.getValue(k);
        if (v != null
            && (!(v instanceof Number n)
                || n.doubleValue() < 0
                || n.longValue() != n.doubleValue())) {
          throw Bodies.invalid(
              "/quotas/" + k, k + " must be a whole number >= 0, or null for the default");
        }
      }
      quotas = q;
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    keys.setQuotas(Access.actor(ctx), name, quotas)
        .onSuccess(
            t ->
                t.ifPresentOrElse(
                    x -> json(ctx, 200, withDefaults(x)),
                    () -> Problems.send(ctx, ErrorCode.NOT_FOUND, "tenant " + name)))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** Adds the quotas in force: the tenant's own, else the coordinator's default (null: none). */
  private JsonObject withDefaults(JsonObject t) {
    JsonObject own = t.getJsonObject("quotas");
    return t.put(
        "effectiveQuotas",
        new JsonObject()
            .put("storedBytes", or(own.getLong("storedBytes"), defaults.storedBytes()))
            .put("assets", or(own.getLong("assets"), defaults.assets()))
            .put("activeJobs", or(own.getLong("activeJobs"), defaults.activeJobs())));
  }

  private static Long or(Long a, Long b) {
    return a != null ? a : b;
  }
}
