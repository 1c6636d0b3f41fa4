package dev.assetgrid.shared.cluster;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.OwnerOnlyFile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid's shared secret: only processes that hold it belong to the grid.
 *
 * <p>It works at two levels. The Hazelcast cluster name every member joins with is derived from it
 * ({@link #clusterName}), so a process without the secret (or a second grid on the same host with
 * its own secret) is refused at the join and never sees the grid. And every event-bus message a
 * member sends carries a proof in its headers: an HMAC-SHA256 under the secret over the address, a
 * timestamp and a nonce (and the body, for published messages, see {@link #proof}); every member
 * checks the proof of every message it receives and drops one that is unsigned, forged, altered,
 * older than {@link #MAX_AGE_MS} or (a request) replayed; a request gets an {@code UNAUTHORIZED}
 * failure reply, so a process that learnt the cluster name by watching the wire still gets no task
 * and no payload. What the proof does not give is secrecy on the wire: that is {@link ClusterTls}
 * (mutual TLS on the event bus, optional; the proofs stay on with it).
 *
 * <p>The secret is 32 random bytes, written as unpadded base64url. The coordinator generates it
 * into its data folder ({@code cluster.secret}, mode 0600) on first start; nodes are given it with
 * {@code --cluster-secret-file} or {@code ASSETGRID_CLUSTER_SECRET}.
 */
public final class ClusterSecret {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSecret.class);

  /** File name of the generated secret in a coordinator's data folder. */
  public static final String FILE_NAME = "cluster.secret";

  /** Header of a message's timestamp (epoch milliseconds). */
  static final String TS = "ag-ts";

  /** Header of a message's nonce. */
  static final String NONCE = "ag-nonce";

  /** Header of a message's proof. */
  static final String PROOF = "ag-proof";

  /** How old (or how far ahead of this clock) a message may be, in milliseconds. */
  public static final long MAX_AGE_MS = 60_000;

  /** Fewest bytes a secret given by an operator may have. */
  public static final int MIN_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  private final Clock clock;
  private final ThreadLocal<Mac> macs;

  /** Nonces of this process's messages: a random prefix and a counter (unique, never reused). */
  private final String noncePrefix;

  private final AtomicLong nonces = new AtomicLong();

  /**
   * Nonces seen, in two generations of {@link #MAX_AGE_MS} each: a message older than that is
   * refused by its timestamp, so a nonce needs remembering for one window at most, and a check is
   * two lookups whatever the traffic.
   */
  private volatile Set<String> seenNow = ConcurrentHashMap.newKeySet();

  private volatile Set<String> seenBefore = ConcurrentHashMap.newKeySet();
  private volatile long generationStart;
  private final AtomicLong refused = new AtomicLong();

  private ClusterSecret(byte[] key, Clock clock) {
    this.key = key.clone();
    this.clock = clock;
    this.macs = ThreadLocal.withInitial(this::newMac);
    this.noncePrefix = Long.toHexString(RANDOM.nextLong()) + "-";
    this.generationStart = clock.millis();
  }

  /**
   * A secret from its text form (base64url, or any other text of at least {@value #MIN_BYTES}
   * bytes, used as it is).
   *
   * @throws AssetGridException INVALID_REQUEST when it is too short
   */
  public static ClusterSecret of(String text) {
    String t = text == null ? "" : text.trim();
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      key = t.getBytes(StandardCharsets.UTF_8);
    }
    if (key.length < MIN_BYTES) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "the cluster secret must have at least " + MIN_BYTES + " bytes of randomness");
    }
    return new ClusterSecret(key, Clock.systemUTC());
  }

  /** A new random secret. */
  public static ClusterSecret generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new ClusterSecret(key, Clock.systemUTC());
  }

  /**
   * A key for another purpose derived from this secret (HMAC-SHA256 of {@code purpose} under it):
   * every member of the grid derives the same one, and it reveals nothing of the secret.
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The secret in {@code file}. */
  public static ClusterSecret read(Path file) {
    try {
      return of(Files.readString(file));
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot read the cluster secret file " + file, e);
    }
  }

  /**
   * The secret in {@code file}, or a new one written there (mode 0600, owner only) when the file
   * does not exist yet.
   */
  public static ClusterSecret readOrCreate(Path file) {
    if (Files.exists(file)) {
      return read(file);
    }
    ClusterSecret s = generate();
    try {
      OwnerOnlyFile.write(file, s.text() + "\n");
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, "cannot write the cluster secret file " + file, e);
    }
    LOG.info(
        "generated the grid's cluster secret into {} (give it to nodes with --cluster-secret-file)",
        file);
    return s;
  }

  /** The text form: unpadded base64url. */
  public String text() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** This secret with another clock (tests). */
  public ClusterSecret withClock(Clock other) {
    return new ClusterSecret(key, other);
  }

  /**
   * The Hazelcast cluster name for {@code base}: {@code base} plus 16 hex digits of an HMAC under
   * the secret, so only holders of the secret can join, and grids with the same {@code base} but
   * different secrets never merge.
   */
  public String clusterName(String base) {
    return base + "-" + HexFormat.of().formatHex(mac("hazelcast-cluster-name:" + base), 0, 8);
  }

  /** Messages this process dropped because their proof was missing or wrong. */
  public long refused() {
    return refused.get();
  }

  /** Signs every message {@code vertx} sends and checks every one it receives. */
  public void install(Vertx vertx) {
    vertx.eventBus().addOutboundInterceptor(this::sign);
    vertx.eventBus().addInboundInterceptor(this::check);
  }

  private <T> void sign(DeliveryContext<T> ctx) {
    Message<T> m = ctx.message();
    MultiMap h = m.headers();
    String ts = Long.toString(clock.millis());
    String nonce = noncePrefix + Long.toHexString(nonces.incrementAndGet());
    h.set(TS, ts);
    h.set(NONCE, nonce);
    h.set(PROOF, proof(m.address(), ts, nonce, ctx.send() ? null : ctx.body()));
    ctx.next();
  }

  private <T> void check(DeliveryContext<T> ctx) {
    Message<T> m = ctx.message();
    // the message's own body: a message from another member is decoded only when asked for
    String why = verify(m.address(), m.headers(), m.body(), ctx.send());
    if (why == null) {
      ctx.next();
      return;
    }
    long n = refused.incrementAndGet();
    if (n <= 10 || Long.bitCount(n) == 1) {
      LOG.warn("dropped a message to {}: {} ({} dropped so far)", m.address(), why, n);
    }
    if (m.replyAddress() != null) {
      m.fail(401, "UNAUTHORIZED: " + why);
    }
  }

  /**
   * Why a message with these headers and body fails the check, or null when it passes. Replays are
   * looked for in point-to-point messages ({@code pointToPoint}): a published message reaches every
   * local consumer of its address through this check, each with the same nonce.
   */
  String verify(String address, MultiMap headers, Object body, boolean pointToPoint) {
    String ts = headers.get(TS);
    String nonce = headers.get(NONCE);
    String proof = headers.get(PROOF);
    if (ts == null || nonce == null || proof == null) {
      return "it carries no cluster proof";
    }
    long at;
    try {
      at = Long.parseLong(ts);
    } catch (NumberFormatException e) {
      return "its timestamp is not a number";
    }
    long now = clock.millis();
    if (Math.abs(now - at) > MAX_AGE_MS) {
      return "its timestamp is " + (now - at) + " ms off this clock";
    }
    byte[] expected =
        proof(address, ts, nonce, pointToPoint ? null : body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII))) {
      return "its proof does not match (another secret, or an altered message)";
    }
    if (pointToPoint && !firstSight(nonce, now)) {
      return "it was seen before (a replay)";
    }
    return null;
  }

  private boolean firstSight(String nonce, long now) {
    if (now - generationStart > MAX_AGE_MS) {
      synchronized (this) {
        if (now - generationStart > MAX_AGE_MS) {
          seenBefore = seenNow;
          seenNow = ConcurrentHashMap.newKeySet();
          generationStart = now;
        }
      }
    }
    return !seenBefore.contains(nonce) && seenNow.add(nonce);
  }

  /**
   * The proof of a message: an HMAC over its address, timestamp and nonce, and for a published
   * message its body too. A point-to-point message is bound to its nonce, which its receiver
   * accepts once, so a proof seen on the wire cannot be reused with another body; a published
   * message reaches every consumer with one nonce, so its proof covers the body. (Covering every
   * body costs a JSON encoding per message on both sides: 40 µs of coordinator CPU per task in the
   * queue bench.)
   */
  String proof(String address, String ts, String nonce, Object body) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac(address + "\n" + ts + "\n" + nonce + "\n" + canonical(body)));
  }

  /** The bytes a proof covers for a body: its JSON text for the JSON bodies the grid sends. */
  private static String canonical(Object body) {
    if (body == null) {
      return "";
    } else if (body instanceof JsonObject o) {
      return o.encode();
    } else if (body instanceof JsonArray a) {
      return a.encode();
    } else if (body instanceof Buffer b) {
      return Base64.getEncoder().encodeToString(b.getBytes());
    } else if (body instanceof ReplyException r) {
      return "fail:" + r.failureCode() + ":" + r.getMessage();
    }
    return body.getClass().getSimpleName() + ":" + body;
  }

  private byte[] mac(String text) {
    return macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
