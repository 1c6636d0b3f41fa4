package dev.assetgrid.coordinator.access;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Per-API-key rate limits that every coordinator of a cluster shares: two token buckets per key,
 * {@link Bucket#REQUESTS} (cost 1 per request) and {@link Bucket#UPLOAD_BYTES} (cost = bytes), kept
 * in the Hazelcast map {@value #MAP_NAME}.
 *
 * <p>Design note. Each take is one {@code IMap.submitToKey} with an entry processor that refills
 * and takes on the key's partition owner: takes on one key are serialised by the partition thread,
 * so none is lost, and a take costs one round trip to the owner (none when it is this member). A
 * lock plus get/put would cost three and a compare-and-set loop retries under contention. The state
 * is {@code double[]{tokens, atMillis}} and the processors are {@code DataSerializable}: Hazelcast
 * serializes a {@code double[]} natively, and a non-identified {@code DataSerializable} needs no
 * factory in every member's config (which lives in {@code shared}, which must not know this
 * package), while costing a fraction of Java serialization's bytes; Compact would need its schema
 * replicated for three numbers. Each entry's time to live ends two minutes after its bucket would
 * be full again (at most a year): an absent bucket is a full one, so the map holds only keys used
 * recently. A refusal writes nothing, so a flood of refused requests costs reads only. The map
 * keeps Hazelcast's defaults (one synchronous backup), so a take answers after its backup did, and
 * a coordinator that dies takes no bucket with it.
 *
 * <p>Time is the partition owner's wall clock, read once per take, so the members' clocks never mix
 * while a partition stays put. When a partition moves (a coordinator joins or leaves) the new
 * owner's clock takes over: if it is behind, the bucket earns nothing until that clock passes the
 * stored time (stricter for the skew); if it is ahead, the bucket earns the skew's worth of tokens
 * once (at most a full bucket). Backups receive the state the owner computed, never recompute it.
 *
 * <p>Pass a key's id, never its secret: map keys are visible to every member. When the map cannot
 * be reached the future fails with Hazelcast's exception; whether to serve the request anyway is
 * the caller's choice.
 */
public final class RateLimiter {
  /** The Hazelcast map that holds the buckets. */
  public static final String MAP_NAME = "assetgrid.ratelimits";

  /** The two buckets of a key. */
  public enum Bucket {
    /** Requests per second; cost 1 per request. */
    REQUESTS("requests"),
    /** Uploaded bytes per second; cost = the upload's bytes. */
    UPLOAD_BYTES("bytes");

    private final String id;

    Bucket(String id) {
      this.id = id;
    }
  }

  /**
   * One bucket's limit.
   *
   * @param ratePerSecond tokens earned per second, &gt; 0; {@code +Infinity} = unlimited
   * @param burst most tokens held (and so the largest single cost), 1..2^53; ignored when unlimited
   */
  public record Limit(double ratePerSecond, long burst) {
    /** The largest burst: tokens are doubles, exact up to 2^53. */
    public static final long MAX_BURST = 1L << 53;

    /** No limit; as good as {@code null}. */
    public static final Limit UNLIMITED = new Limit(Double.POSITIVE_INFINITY, Long.MAX_VALUE);

    public Limit {
      if (!(ratePerSecond > 0)) {
        throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
      }
      if (Double.isInfinite(ratePerSecond)) {
        burst = Long.MAX_VALUE;
      } else if (burst < 1 || burst > MAX_BURST) {
        throw new IllegalArgumentException("burst must be in 1..2^53, was " + burst);
      }
    }

    /** Whether this limit lets everything through. */
    public boolean unlimited() {
      return Double.isInfinite(ratePerSecond);
    }
  }

  /**
   * The answer to one {@link #tryAcquire}.
   *
   * @param outcome what happened
   * @param limit the limit applied; null when {@link Outcome#UNLIMITED}
   * @param cost the tokens asked for
   * @param remaining whole tokens left after this request; -1 when unknown ({@link
   *     Outcome#UNLIMITED}, {@link Outcome#COST_EXCEEDS_BURST})
   * @param retryAfterMillis when {@link Outcome#REFUSED}, ms until {@code cost} tokens are there;
   *     otherwise 0
   * @param resetMillis ms until the bucket is full again; 0 when full or unknown
   */
  public record Decision(
      Outcome outcome,
      Limit limit,
      long cost,
      long remaining,
      long retryAfterMillis,
      long resetMillis) {

    /** What a {@link Decision} says. */
    public enum Outcome {
      /** No limit applies; nothing was asked of Hazelcast. */
      UNLIMITED,
      /** The tokens were taken. */
      ALLOWED,
      /** Too few tokens now; retry after {@link #retryAfterSeconds()} (HTTP 429). */
      REFUSED,
      /**
       * The cost is larger than the burst, so waiting would never help (HTTP 413 for an upload);
       * decided without Hazelcast, nothing taken.
       */
      COST_EXCEEDS_BURST
    }

    static Decision unlimited(long cost) {
      return new Decision(Outcome.UNLIMITED, null, cost, -1, 0, 0);
    }

    /** Whether the request may go ahead. */
    public boolean allowed() {
      return outcome == Outcome.UNLIMITED || outcome == Outcome.ALLOWED;
    }

    /** {@code Retry-After} in whole seconds, rounded up and at least 1; 0 unless refused. */
    public long retryAfterSeconds() {
      return outcome == Outcome.REFUSED ? Math.max(1, ceilSeconds(retryAfterMillis)) : 0;
    }

    /** {@code RateLimit-Reset} in whole seconds until the bucket is full, rounded up. */
    public long resetSeconds() {
      return ceilSeconds(resetMillis);
    }

    /**
     * The response headers for this decision (IETF draft {@code RateLimit-*} fields plus {@code
     * Retry-After}), in order: none when unlimited; {@code RateLimit-Limit} (the burst) alone when
     * the cost exceeds the burst; otherwise {@code RateLimit-Limit}, {@code RateLimit-Remaining},
     * {@code RateLimit-Reset}, and {@code Retry-After} when refused. A caller that checks both
     * buckets sends the headers of the one that refused, or else of {@link Bucket#REQUESTS}.
     */
    public Map<String, String> headers() {
      Map<String, String> h = new LinkedHashMap<>();
      if (outcome == Outcome.UNLIMITED) {
        return h;
      }
      h.put("RateLimit-Limit", Long.toString(limit.burst()));
      if (outcome == Outcome.COST_EXCEEDS_BURST) {
        return h;
      }
      h.put("RateLimit-Remaining", Long.toString(remaining));
      h.put("RateLimit-Reset", Long.toString(resetSeconds()));
      if (outcome == Outcome.REFUSED) {
        h.put("Retry-After", Long.toString(retryAfterSeconds()));
      }
      return h;
    }

    private static long ceilSeconds(long millis) {
      return millis / 1000 + (millis % 1000 == 0 ? 0 : 1);
    }
  }

  private final Vertx vertx;
  private final IMap<String, double[]> buckets;

  /**
   * A limiter over {@code hazelcast}'s {@value #MAP_NAME}. Looks the map up, which may wait on the
   * cluster: build the limiter at start-up, not on an event loop per request.
   *
   * @param hazelcast null = no cluster: only unlimited limits, any other fails the future
   */
  public RateLimiter(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.buckets = hazelcast == null ? null : hazelcast.getMap(MAP_NAME);
  }

  /** A limiter over the Hazelcast member of {@code vertx}; a non-clustered Vert.x gets none. */
  public static RateLimiter of(Vertx vertx) {
    return new RateLimiter(vertx, vertx.isClustered() ? ClusterBootstrap.hazelcast(vertx) : null);
  }

  /**
   * Takes {@code cost} tokens from {@code keyId}'s {@code bucket} if it holds that many, else
   * nothing. Never blocks: the future completes on the caller's context once the partition owner
   * answered. An unlimited ({@code null}) limit, and a cost above the burst, are answered at once
   * without Hazelcast.
   *
   * @param keyId the API key's id (not its secret)
   * @param limit the key's limit for this bucket; null or {@link Limit#UNLIMITED} = no limit
   * @param cost tokens to take, &ge; 0 (0 only reports the bucket)
   */
  public Future<Decision> tryAcquire(String keyId, Bucket bucket, Limit limit, long cost) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(bucket, "bucket");
    if (cost < 0) {
      throw new IllegalArgumentException("cost must be >= 0, was " + cost);
    }
    if (limit == null || limit.unlimited()) {
      return Future.succeededFuture(Decision.unlimited(cost));
    }
    if (cost > limit.burst()) {
      return Future.succeededFuture(
          new Decision(Decision.Outcome.COST_EXCEEDS_BURST, limit, cost, -1, 0, 0));
    }
    if (buckets == null) {
      return Future.failedFuture(
          new IllegalStateException("rate limits need a clustered Vert.x (no Hazelcast member)"));
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<Decision> promise = Promise.promise();
    buckets
        .submitToKey(
            mapKey(keyId, bucket), new TakeTokens(limit.ratePerSecond(), limit.burst(), cost))
        .whenComplete(
            (reply, err) ->
                ctx.runOnContext(
                    v -> {
                      if (err != null) {
                        promise.fail(err instanceof CompletionException ? err.getCause() : err);
                      } else {
                        promise.complete(decision(reply, limit, cost));
                      }
                    }));
    return promise.future();
  }

  /** The map key of {@code keyId}'s {@code bucket}. */
  static String mapKey(String keyId, Bucket bucket) {
    return keyId + '/' + bucket.id;
  }

  private static Decision decision(long[] reply, Limit limit, long cost) {
    return new Decision(
        reply[TakeTokens.ALLOWED] == 1 ? Decision.Outcome.ALLOWED : Decision.Outcome.REFUSED,
        limit,
        cost,
        reply[TakeTokens.REMAINING],
        reply[TakeTokens.RETRY_AFTER_MS],
        reply[TakeTokens.RESET_MS]);
  }
}
