package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code Idempotency-Key} on POSTs: the first answer given under a key is stored and replayed to
 * every later request with that key to the same endpoint.
 */
final class Idempotency {
  static final String HEADER = "Idempotency-Key";

  private final AssetStore store;

  Idempotency(AssetStore store) {
    this.store = store;
  }

  /** An answer to a POST: a fresh one, or the one stored under its Idempotency-Key. */
  record Reply(int status, JsonObject body, boolean replayed) {
    static Reply stored(JsonObject prev) {
      return new Reply(prev.getInteger("status"), prev.getJsonObject("body"), true);
    }
  }

  /**
   * False, with a 400 sent, when the request carries a malformed Idempotency-Key; an absent one is
   * fine.
   */
  static boolean checkKey(RoutingContext ctx, String key) {
    if (key != null && (key.isBlank() || key.length() > 200)) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "Idempotency-Key must be 1..200 characters");
      return false;
    }
    return true;
  }

  /**
   * The answer stored for the tenant's {@code POST path} under {@code key}; empty without a key.
   */
  Future<Optional<JsonObject>> storedReply(UUID tenant, String key, String path) {
    return key == null
        ? Future.succeededFuture(Optional.empty())
        : store.idempotentReply(tenant, key, "POST", path);
  }

  /** Stores the answer to {@code POST path} under {@code key} (nothing without a key). */
  Future<Void> remember(UUID tenant, String key, String path, int status, JsonObject body) {
    return key == null
        ? Future.succeededFuture()
        : store.rememberReply(tenant, key, "POST", path, status, body);
  }

  /**
   * The store refused the Idempotency-Key because a request with the same key committed first
   * (perhaps while this one waited on it): answer what that one answered. A key stored for another
   * endpoint stays a CONFLICT.
   */
  Future<Reply> replayAfterConflict(UUID tenant, String key, String path, Throwable e) {
    if (key == null || AssetGridException.codeOf(e) != ErrorCode.CONFLICT) {
      return Future.failedFuture(e);
    }
    return store
        .idempotentReply(tenant, key, "POST", path)
        .compose(
            first ->
                first.isPresent()
                    ? Future.succeededFuture(Reply.stored(first.get()))
                    : Future.failedFuture(e));
  }
}
