package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Paging.limit;
import static dev.assetgrid.coordinator.http.Paging.param;
import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.access.SecretBox;
import dev.assetgrid.coordinator.events.WebhookSignature;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.coordinator.store.EventStore;
import dev.assetgrid.coordinator.store.WebhookStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/webhooks}: a tenant admin's webhooks (URL, event type patterns, enabled), their
 * delivery log, manual redelivery and test pings. The signing secret is in the answer to the
 * creation (and to a rotation) and nowhere else; it is stored sealed ({@link SecretBox}). A URL is
 * checked by the {@link Egress} rules when registered (its host resolved: no internal address) and
 * again before every delivery.
 */
final class WebhooksResource implements HttpResource {
  private static final Set<String> MEMBERS = Set.of("url", "events", "description", "enabled");
  private static final Set<String> STATES = Set.of("pending", "succeeded", "failed");
  static final int MAX_DESCRIPTION = 500;
  static final int MAX_PATTERNS = 50;

  private final Access access;
  private final Vertx vertx;
  private final WebhookStore store;
  private final Egress egress;
  private final SecretBox secrets;

  WebhooksResource(
      Access access, Vertx vertx, WebhookStore store, Egress egress, SecretBox secrets) {
    this.access = access;
    this.vertx = vertx;
    this.store = store;
    this.egress = egress;
    this.secrets = secrets;
  }

  @Override
  public void register(Router r) {
    BodyHandler body = BodyHandler.create().setBodyLimit(16 * 1024);
    access
        .write(r.post("/v1/webhooks").handler(body), "webhook.create", Role.ADMIN)
        .handler(this::create);
    r.get("/v1/webhooks").handler(access.require(Role.ADMIN)).handler(this::list);
    r.get("/v1/webhooks/:webhookId").handler(access.require(Role.ADMIN)).handler(this::get);
    access
        .write(r.patch("/v1/webhooks/:webhookId").handler(body), "webhook.update", Role.ADMIN)
        .handler(this::update);
    access
        .write(r.delete("/v1/webhooks/:webhookId"), "webhook.delete", Role.ADMIN)
        .handler(this::delete);
    access
        .write(r.post("/v1/webhooks/:webhookId/rotate-secret"), "webhook.rotate", Role.ADMIN)
        .handler(this::rotate);
    access
        .write(r.post("/v1/webhooks/:webhookId/test"), "webhook.test", Role.ADMIN)
        .handler(this::test);
    r.get("/v1/webhooks/:webhookId/deliveries")
        .handler(access.require(Role.ADMIN))
        .handler(this::deliveries);
    r.get("/v1/webhooks/:webhookId/deliveries/:deliveryId")
        .handler(access.require(Role.ADMIN))
        .handler(this::delivery);
    access
        .write(
            r.post("/v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver"),
            "webhook.redeliver",
            Role.ADMIN)
        .handler(this::redeliver);
  }

  private void create(RoutingContext ctx) {
    WebhookStore.Spec spec;
    try {
      spec = spec(ctx, true);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    String secret = WebhookSignature.newSecret();
    checked(spec)
        .compose(v -> store.create(Access.actor(ctx), spec, seal(secret)))
        .onSuccess(
            hook -> {
              ctx.response()
                  .putHeader("Location", "/v1/webhooks/" + hook.getString("id"))
                  .putHeader("Cache-Control", "no-store");
              json(ctx, 201, hook.put("secret", secret));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void list(RoutingContext ctx) {
    try {
      store
          .list(Access.tenant(ctx), Paging.afterId(ctx, "a webhook"), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void get(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id != null) {
      answer(ctx, id, store.get(Access.tenant(ctx), id));
    }
  }

  private void update(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    WebhookStore.Spec patch;
    try {
      patch = spec(ctx, false);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    answer(ctx, id, checked(patch).compose(v -> store.update(Access.actor(ctx), id, patch)));
  }

  private void delete(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    store
        .delete(Access.actor(ctx), id)
        .onSuccess(
            found -> {
              if (found) {
                ctx.response().setStatusCode(204).end();
              } else {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "webhook " + id);
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void rotate(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    String secret = WebhookSignature.newSecret();
    store
        .rotate(Access.actor(ctx), id, seal(secret))
        .onSuccess(
            hook -> {
              if (hook.isEmpty()) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "webhook " + id);
                return;
              }
              ctx.response().putHeader("Cache-Control", "no-store");
              json(ctx, 200, hook.get().put("secret", secret));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void test(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    store
        .ping(Access.actor(ctx), id)
        .onSuccess(
            d -> {
              if (d.isEmpty()) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "webhook " + id);
                return;
              }
              ctx.response().putHeader("Location", "/v1/webhooks/" + id + "/deliveries/" + d.get());
              json(ctx, 202, new JsonObject().put("deliveryId", String.valueOf(d.get())));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void deliveries(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    try {
      String state = param(ctx, "state");
      if (state != null && !STATES.contains(state)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, "state must be one of pending, succeeded, failed");
      }
      Long after = number(param(ctx, "after"), "after");
      answer(ctx, id, store.deliveries(Access.tenant(ctx), id, state, after, limit(ctx)));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void delivery(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    Long d = deliveryId(ctx);
    if (d != null) {
      answer(ctx, id, store.delivery(Access.tenant(ctx), id, d));
    }
  }

  private void redeliver(RoutingContext ctx) {
    UUID id = id(ctx, "webhookId");
    if (id == null) {
      return;
    }
    Long d = deliveryId(ctx);
    if (d == null) {
      return;
    }
    store
        .redeliver(Access.actor(ctx), id, d)
        .onSuccess(
            found -> {
              if (found) {
                json(ctx, 202, new JsonObject().put("deliveryId", String.valueOf(d)));
              } else {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "delivery " + d + " of webhook " + id);
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private static Long deliveryId(RoutingContext ctx) {
    try {
      return number(ctx.pathParam("deliveryId"), "deliveryId");
    } catch (AssetGridException e) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, "delivery " + ctx.pathParam("deliveryId"));
      return null;
    }
  }

  private static Long number(String v, String name) {
    if (v == null) {
      return null;
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new AssetGridException(ErrorCode.INVALID_REQUEST, name + " must be a delivery id");
  }

  private static void answer(RoutingContext ctx, UUID id, Future<Optional<JsonObject>> found) {
    Responses.found(ctx, found, () -> "webhook " + id);
  }

  /** The URL's host resolved and checked (a DNS lookup: on a worker), when the spec has a URL. */
  private Future<Void> checked(WebhookStore.Spec spec) {
    if (spec.url() == null) {
      return Future.succeededFuture();
    }
    Egress.Target target = egress.check(spec.url());
    return vertx.executeBlocking(() -> egress.resolve(target), false).mapEmpty();
  }

  private byte[] seal(String secret) {
    return secrets.seal(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The members of a create ({@code full}: url and events required) or of an update. */
  private WebhookStore.Spec spec(RoutingContext ctx, boolean full) {
    JsonObject body =
        Bodies.object(
            ctx, "{\"url\": \"https://...\", \"events\": [\"job.failed\", \"asset.*\"], ...}");
    for (String k : body.fieldNames()) {
      if (!MEMBERS.contains(k)) {
        throw Bodies.invalid("/" + k, "unknown member " + k + "; expected one of " + MEMBERS);
      }
    }
    Object url = body.getValue("url");
    if (url != null && !(url instanceof String)) {
      throw Bodies.invalid("/url", "url must be a string");
    }
    if (full && url == null) {
      throw Bodies.invalid("/url", "url is required");
    }
    if (url != null) {
      try {
        egress.check((String) url);
      } catch (AssetGridException e) {
        throw new AssetGridException(
            ErrorCode.URL_NOT_ALLOWED, e.getMessage(), java.util.Map.of("pointer", "/url"), null);
      }
    }
    Object events = body.getValue("events");
    if (events != null && !(events instanceof JsonArray)) {
      throw Bodies.invalid("/events", "events must be an array of event types");
    }
    List<String> patterns = EventStore.patterns((JsonArray) events, "/events");
    if ((full || events != null) && patterns == null) {
      throw Bodies.invalid(
          "/events", "events must name at least one type, such as job.failed, asset.* or *");
    }
    if (patterns != null && patterns.size() > MAX_PATTERNS) {
      throw Bodies.invalid("/events", "at most " + MAX_PATTERNS + " event types");
    }
    Object description = body.getValue("description");
    if (description != null
        && (!(description instanceof String d) || d.length() > MAX_DESCRIPTION)) {
      throw Bodies.invalid(
          "/description", "description must be a string of at most " + MAX_DESCRIPTION);
    }
    Object enabled = body.getValue("enabled");
    if (enabled != null && !(enabled instanceof Boolean)) {
      throw Bodies.invalid("/enabled", "enabled must be true or false");
    }
    return new WebhookStore.Spec(
        (String) url,
        patterns,
        body.containsKey("description") ? (description == null ? "" : (String) description) : null,
        (Boolean) enabled);
  }
}
