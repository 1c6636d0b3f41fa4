package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.ApiKey;
import dev.assetgrid.coordinator.access.KeyCache;
import dev.assetgrid.coordinator.access.KeySpec;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.access.StoredKey;
import dev.assetgrid.coordinator.store.KeyStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code POST/GET/DELETE /v1/keys}: an admin's keys of its own tenant; the system admin (an admin
 * of tenant {@code default}) also makes the first key of a new tenant. The secret is in the answer
 * to the POST and nowhere else, ever.
 */
final class KeysResource implements HttpResource {
  private static final Set<String> MEMBERS =
      Set.of(
          "role",
          "name",
          "tenant",
          "expiresAt",
          "ttl",
          "requestsPerSecond",
          "uploadBytesPerSecond");

  /** Longest key name. */
  static final int MAX_NAME = 200;

  private final Access access;
  private final KeyStore keys;
  private final KeyCache cache;

  /**
   * @param cache the coordinator's key cache, told of every change; null with authentication off
   */
  KeysResource(Access access, KeyStore keys, KeyCache cache) {
    this.access = access;
    this.keys = keys;
    this.cache = cache;
  }

  @Override
  public void register(Router r) {
    access
        .write(
            r.post("/v1/keys").handler(BodyHandler.create().setBodyLimit(16 * 1024)),
            "key.create",
            Role.ADMIN)
        .handler(this::create);
    r.get("/v1/me").handler(this::me);
    r.get("/v1/keys").handler(access.require(Role.ADMIN)).handler(this::list);
    r.get("/v1/keys/:keyId").handler(access.require(Role.ADMIN)).handler(this::get);
    access.write(r.delete("/v1/keys/:keyId"), "key.revoke", Role.ADMIN).handler(this::revoke);
  }

  /**
   * {@code GET /v1/me}: who the caller's key is — its id, tenant and role (what the dashboard needs
   * to show or hide write controls). Any key may ask.
   */
  private void me(RoutingContext ctx) {
    dev.assetgrid.coordinator.access.Principal p = Access.principal(ctx);
    Responses.json(
        ctx,
        200,
        new io.vertx.core.json.JsonObject()
            .put("keyId", p.keyId())
            .put("tenant", p.tenantName())
            .put("tenantId", p.tenantId().toString())
            .put("role", p.role().wire()));
  }

  private void create(RoutingContext ctx) {
    KeySpec spec;
    try {
      JsonObject body = Bodies.object(ctx, "{\"role\": \"reader|writer|admin\", ...}");
      for (String k : body.fieldNames()) {
        if (!MEMBERS.contains(k)) {
          throw Bodies.invalid("/" + k, "unknown member " + k + "; expected one of " + MEMBERS);
        }
      }
      Role role = Role.fromWire(body.getValue("role") instanceof String s ? s : null);
      if (role == null) {
        throw Bodies.invalid("/role", "role must be \"reader\", \"writer\" or \"admin\"");
      }
      spec =
          new KeySpec(
              Bodies.string(body, "tenant", 63),
              role,
              Bodies.string(body, "name", MAX_NAME),
              expiry(body),
              rate(body, "requestsPerSecond"),
              rate(body, "uploadBytesPerSecond"));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    ApiKey key = ApiKey.generate();
    keys.create(Access.actor(ctx), spec, key)
        .onSuccess(
            stored -> {
              if (cache != null) {
                cache.put(stored);
                cache.announce(stored.id());
              }
              ctx.response()
                  .putHeader("Location", "/v1/keys/" + stored.id())
                  .putHeader("Cache-Control", "no-store");
              json(ctx, 201, view(stored).put("key", key.text()));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** An optional positive rate (per second). */
  private static Double rate(JsonObject body, String member) {
    Object v = body.getValue(member);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
      throw Bodies.invalid("/" + member, member + " must be a positive number per second");
    }
    return n.doubleValue();
  }

  private static Instant expiry(JsonObject body) {
    Object at = body.getValue("expiresAt");
    Object ttl = body.getValue("ttl");
    if (at != null && ttl != null) {
      throw Bodies.invalid("/ttl", "give expiresAt or ttl, not both");
    }
    Instant expires;
    if (at != null) {
      try {
        expires = Instant.parse(at.toString());
      } catch (DateTimeParseException e) {
        throw Bodies.invalid(
            "/expiresAt", "expiresAt must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
      }
    } else if (ttl != null) {
      if (!(ttl instanceof Number n) || n.longValue() <= 0) {
        throw Bodies.invalid("/ttl", "ttl must be a positive number of seconds");
      }
      expires = Instant.now().plus(Duration.ofSeconds(n.longValue()));
    } else {
      return null;
    }
    if (!expires.isAfter(Instant.now())) {
      throw Bodies.invalid("/expiresAt", "the key would expire before it is made: " + expires);
    }
    return expires;
  }

  private void list(RoutingContext ctx) {
    keys.list(Access.tenant(ctx))
        .onSuccess(
            all -> {
              JsonArray items = new JsonArray();
              all.forEach(k -> items.add(view(k)));
              json(ctx, 200, new JsonObject().put("items", items));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("keyId");
    keys.byId(ApiKey.isId(id) ? id : "-")
        .onSuccess(
            k -> {
              if (k.isPresent() && k.get().tenantId().equals(Access.tenant(ctx))) {
                json(ctx, 200, view(k.get()));
              } else {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "key " + id);
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("keyId");
    if (!ApiKey.isId(id)) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, "key " + id);
      return;
    }
    keys.revoke(Access.actor(ctx), id)
        .onSuccess(
            k -> {
              if (k.isEmpty()) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "key " + id);
                return;
              }
              if (cache != null) {
                cache.put(k.get());
                cache.announce(id);
              }
              json(ctx, 200, view(k.get()));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** A key as the API shows it: everything but its secret (of which only a hash exists). */
  static JsonObject view(StoredKey k) {
    return new JsonObject()
        .put("id", k.id())
        .put("tenant", k.tenantName())
        .put("role", k.role().wire())
        .put("name", k.name())
        .put("createdBy", k.createdBy())
        .put("createdAt", k.createdAt() == null ? null : k.createdAt().toString())
        .put("expiresAt", k.expiresAt() == null ? null : k.expiresAt().toString())
        .put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString())
        .put("requestsPerSecond", k.requestsPerSecond())
        .put("uploadBytesPerSecond", k.uploadBytesPerSecond())
        .put(
            "state",
            k.revokedAt() != null
                ? "revoked"
                : k.expiresAt() != null && !k.expiresAt().isAfter(Instant.now())
                    ? "expired"
                    : "active");
  }
}
