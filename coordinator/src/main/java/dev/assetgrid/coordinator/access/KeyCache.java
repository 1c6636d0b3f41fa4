package dev.assetgrid.coordinator.access;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer keys against an in-memory copy of {@code api_keys}, so authenticating a request is
 * a map lookup and one SHA-256 of 43 bytes, not a database round trip.
 *
 * <p>The copy follows the database three ways: a coordinator that creates or revokes a key
 * publishes its id on {@link #ADDRESS} and every coordinator reloads it at once; every {@link
 * #POLL} each coordinator also reads the keys changed in the last {@link #POLL_WINDOW} (so a lost
 * message delays a revocation by at most about a second); and every {@link #FULL_RELOAD} it reads
 * them all. A key id the copy does not know is looked up in the database once (a key made by
 * another coordinator a moment ago) and remembered as unknown for {@link #NEGATIVE_TTL}.
 */
public final class KeyCache {
  private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

  /** Event-bus address on which coordinators announce a changed key id. */
  public static final String ADDRESS = "assetgrid.access.key-changed";

  public static final Duration POLL = Duration.ofMillis(500);
  public static final Duration POLL_WINDOW = Duration.ofSeconds(10);
  public static final Duration FULL_RELOAD = Duration.ofMinutes(1);
  public static final Duration NEGATIVE_TTL = Duration.ofSeconds(1);
  private static final int MAX_NEGATIVE = 10_000;

  private final Vertx vertx;
  private final KeySource source;
  private final Clock clock;
  private volatile Map<String, StoredKey> keys = Map.of();
  private final Map<String, Long> unknown = new ConcurrentHashMap<>();
  private MessageConsumer<String> consumer;
  private long pollTimer = -1;
  private long reloadTimer = -1;

  public KeyCache(Vertx vertx, KeySource source, Clock clock) {
    this.vertx = vertx;
    this.source = source;
    this.clock = clock;
  }

  /** Loads every key and starts following changes. */
  public Future<Void> start() {
    consumer =
        vertx
            .eventBus()
            .<String>consumer(ADDRESS)
            .handler(
                m -> {
                  unknown.remove(m.body());
                  source.byId(m.body()).onSuccess(k -> k.ifPresent(this::put));
                });
    return consumer
        .completion()
        .compose(v -> reload())
        .onSuccess(
            v -> {
              pollTimer = vertx.setPeriodic(POLL.toMillis(), t -> poll());
              reloadTimer = vertx.setPeriodic(FULL_RELOAD.toMillis(), t -> reload());
            });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(reloadTimer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Tells every coordinator (this one included) that key {@code id} was created or changed. */
  public void announce(String id) {
    vertx.eventBus().publish(ADDRESS, id);
  }

  /** Puts a key the caller just wrote (so it works here before any announcement arrives). */
  public void put(StoredKey k) {
    unknown.remove(k.id());
    Map<String, StoredKey> next = new HashMap<>(keys);
    next.put(k.id(), k);
    keys = next;
  }

  private Future<Void> reload() {
    return source
        .all()
        .onFailure(e -> LOG.warn("cannot reload API keys: {}", e.toString()))
        .map(
            all -> {
              Map<String, StoredKey> next = new HashMap<>();
              all.forEach(k -> next.put(k.id(), k));
              keys = next;
              return null;
            });
  }

  private void poll() {
    source
        .changedWithin(POLL_WINDOW)
        .onSuccess(changed -> changed.forEach(this::putIfChanged))
        .onFailure(e -> LOG.debug("cannot poll API key changes: {}", e.toString()));
  }

  private void putIfChanged(StoredKey k) {
    StoredKey old = keys.get(k.id());
    if (old == null
        || !java.util.Objects.equals(old.revokedAt(), k.revokedAt())
        || !java.util.Objects.equals(old.expiresAt(), k.expiresAt())) {
      put(k);
    }
  }

  /**
   * The principal of an {@code Authorization} header value, or a failed future with {@code
   * UNAUTHORIZED} (missing, not a bearer key of ours, unknown, wrong secret, expired, revoked).
   * Completes synchronously for every key this coordinator knows.
   */
  public Future<Principal> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UNAUTHORIZED,
              "this endpoint needs an API key: send it as \"Authorization: Bearer <key>\""));
    }
    ApiKey presented =
        authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? ApiKey.parse(authorization.substring(7).trim())
            : null;
    if (presented == null) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UNAUTHORIZED,
              "the Authorization header is not \"Bearer <key>\" with an assetgrid key"
                  + " (ag_ followed by its id and secret)"));
    }
    StoredKey k = keys.get(presented.id());
    if (k != null) {
      return check(k, presented);
    }
    Long until = unknown.get(presented.id());
    if (until != null && until > System.nanoTime()) {
      return Future.failedFuture(invalid());
    }
    return source
        .byId(presented.id())
        .compose(
            found -> {
              if (found.isEmpty()) {
                if (unknown.size() > MAX_NEGATIVE) {
                  unknown.clear();
                }
                unknown.put(presented.id(), System.nanoTime() + NEGATIVE_TTL.toNanos());
                return Future.failedFuture(invalid());
              }
              put(found.get());
              return check(found.get(), presented);
            });
  }

  private Future<Principal> check(StoredKey k, ApiKey presented) {
    if (!MessageDigest.isEqual(k.secretHash(), presented.hash())) {
      return Future.failedFuture(invalid());
    }
    if (k.revokedAt() != null) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UNAUTHORIZED, "API key " + k.id() + " was revoked at " + k.revokedAt()));
    }
    if (k.expiresAt() != null && !clock.instant().isBefore(k.expiresAt())) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.UNAUTHORIZED, "API key " + k.id() + " expired at " + k.expiresAt()));
    }
    return Future.succeededFuture(k.principal());
  }

  /** The cached key with this id (its limits), or null. */
  public StoredKey get(String id) {
    return keys.get(id);
  }

  private static AssetGridException invalid() {
    return new AssetGridException(ErrorCode.UNAUTHORIZED, "the API key is not valid");
  }
}
