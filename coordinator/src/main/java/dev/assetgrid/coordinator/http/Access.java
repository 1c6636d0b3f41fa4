package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.KeyCache;
import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.RateLimiter;
import dev.assetgrid.coordinator.access.ReservingLimiter;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.access.StoredKey;
import dev.assetgrid.coordinator.store.AuditLog;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.log.LogFields;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what. {@link #authenticate} runs before every {@code /v1} route: it names the
 * request ({@code X-Request-Id}), turns the bearer key into a {@link Principal} (a lookup in {@link
 * KeyCache}) and applies the default rule, fail-safe for any route that declares nothing more: a
 * GET needs {@code reader}, anything else {@code writer}. Routes that need more, or that write,
 * declare it: {@link #require} (e.g. admin-only reads) or {@link #write} (the audited action, and
 * the role). A body handler goes before them (Vert.x runs body handlers before user handlers); the
 * gate has refused callers without a key by then, and the default role too. Refusals are
 * problem+json: {@code 401 UNAUTHORIZED} with {@code WWW-Authenticate: Bearer}, {@code 403
 * FORBIDDEN}.
 */
final class Access {
  private static final Logger LOG = LoggerFactory.getLogger(Access.class);
  private static final String PRINCIPAL = "ag.principal";
  private static final String ACTION = "ag.action";
  private static final String REQUEST_ID = "ag.requestId";
  private static final String AUDITED = "ag.audited";
  static final String ERROR_CODE = "ag.errorCode";
  static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final Pattern REQUEST_ID_SHAPE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final KeyCache keys;
  private final AuditLog audit;
  private final Limits limits;

  /**
   * The per-key rate limits: requests per second (bursts of twice that) and upload bytes per second
   * (bursts of twice that, and never less than one largest upload, so any upload the coordinator
   * accepts can pass).
   *
   * @param requestsPerSecond the default; null = none (a key's own limit still applies)
   * @param uploadBytesPerSecond the default; null = none
   */
  record Limits(
      ReservingLimiter limiter,
      Double requestsPerSecond,
      Double uploadBytesPerSecond,
      long maxUpload) {}

  /**
   * @param keys the keys to check; null = authentication off (every request is the default tenant's
   *     admin, and no rate limit applies)
   */
  Access(KeyCache keys, AuditLog audit, Limits limits) {
    this.keys = keys;
    this.audit = audit;
    this.limits = limits;
  }

  /** Names every request: the caller's {@code X-Request-Id} when sane, else a new one. */
  static void nameRequest(RoutingContext ctx) {
    String given = ctx.request().getHeader(REQUEST_ID_HEADER);
    String id =
        given != null && REQUEST_ID_SHAPE.matcher(given).matches()
            ? given
            : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    LogFields.put(LogFields.REQUEST, id);
    ctx.next();
  }

  /** Names the job of a {@code /v1/jobs/:id...} route in the request's log fields. */
  static void nameJob(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id != null && id.length() <= 64) {
      LogFields.put(LogFields.JOB, id);
    }
    ctx.next();
  }

  /** The {@code /v1} gate (see the class comment). */
  void authenticate(RoutingContext ctx) {
    if (keys == null) {
      admit(ctx, Principal.unauthenticated());
      return;
    }
    Future<Principal> p = keys.authenticate(ctx.request().getHeader("Authorization"));
    if (p.isComplete()) {
      settle(ctx, p);
    } else {
      // a key this coordinator has not seen yet: keep the body for the route while we look
      ctx.request().pause();
      p.onComplete(x -> settle(ctx, p));
    }
  }

  private void settle(RoutingContext ctx, Future<Principal> p) {
    if (p.failed()) {
      String given = ctx.request().getHeader("Authorization");
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              given == null
                  ? "Bearer realm=\"assetgrid\""
                  : "Bearer realm=\"assetgrid\", error=\"invalid_token\"");
      Problems.send(ctx, p.cause());
      return;
    }
    admit(ctx, p.result());
  }

  private void admit(RoutingContext ctx, Principal principal) {
    ctx.put(PRINCIPAL, principal);
    LogFields.put(LogFields.TENANT, principal.tenantName());
    LogFields.put(LogFields.KEY, principal.keyId());
    HttpMethod m = ctx.request().method();
    Role needed = m == HttpMethod.GET || m == HttpMethod.HEAD ? Role.READER : Role.WRITER;
    if (!principal.role().covers(needed)) {
      ctx.put(ACTION, actionOf(m, ctx.request().path()));
      deny(ctx, principal, needed, List.of(ctx.request().path()));
      return;
    }
    RateLimiter.Limit limit = requestLimit(principal);
    if (limit == null) {
      ctx.next();
      return;
    }
    // a paused request keeps its body for the route while the bucket answers
    ctx.request().pause();
    limits
        .limiter()
        .tryAcquire(principal.keyId(), RateLimiter.Bucket.REQUESTS, limit, 1)
        .onComplete(
            d -> {
              if (d.failed()) {
                LOG.warn("rate limiter unavailable, request let through: {}", d.cause().toString());
                ctx.next();
                return;
              }
              d.result().headers().forEach((k, v) -> ctx.response().putHeader(k, v));
              if (!d.result().allowed()) {
                Problems.send(
                    ctx,
                    new AssetGridException(
                        ErrorCode.RATE_LIMITED,
                        "key "
                            + principal.keyId()
                            + " may make "
                            + rate(limit)
                            + " requests per second (bursts of "
                            + limit.burst()
                            + "); retry after "
                            + d.result().retryAfterSeconds()
                            + " s"));
                return;
              }
              ctx.next();
            });
  }

  /** The request limit of the caller's key, or null for none (or with authentication off). */
  private RateLimiter.Limit requestLimit(Principal p) {
    if (keys == null || limits.limiter() == null) {
      return null;
    }
    StoredKey k = keys.get(p.keyId());
    Double rate =
        k != null && k.requestsPerSecond() != null
            ? k.requestsPerSecond()
            : limits.requestsPerSecond();
    return rate == null
        ? null
        : new RateLimiter.Limit(rate, Math.max(1, (long) Math.ceil(2 * rate)));
  }

  /**
   * Takes an upload of {@code bytes} (null: not declared, so not charged) from the caller's upload
   * bucket; fails with {@code RATE_LIMITED} (and the {@code RateLimit-*} and {@code Retry-After}
   * headers set) when it holds too few bytes now.
   */
  Future<Void> chargeUpload(RoutingContext ctx, Long bytes) {
    if (keys == null || limits.limiter() == null || bytes == null || bytes <= 0) {
      return Future.succeededFuture();
    }
    Principal p = principal(ctx);
    StoredKey k = keys.get(p.keyId());
    Double rate =
        k != null && k.uploadBytesPerSecond() != null
            ? k.uploadBytesPerSecond()
            : limits.uploadBytesPerSecond();
    if (rate == null) {
      return Future.succeededFuture();
    }
    long burst =
        Math.max(
            limits.maxUpload(), (long) Math.min(RateLimiter.Limit.MAX_BURST, Math.ceil(2 * rate)));
    RateLimiter.Limit limit = new RateLimiter.Limit(rate, burst);
    return limits
        .limiter()
        .tryAcquire(p.keyId(), RateLimiter.Bucket.UPLOAD_BYTES, limit, bytes)
        .compose(
            d -> {
              if (d.allowed()) {
                return Future.<Void>succeededFuture();
              }
              d.headers().forEach((h, v) -> ctx.response().putHeader(h, v));
              return Future.failedFuture(
                  new AssetGridException(
                      ErrorCode.RATE_LIMITED,
                      "key "
                          + p.keyId()
                          + " may upload "
                          + rate(limit)
                          + " bytes per second; this upload of "
                          + bytes
                          + " bytes can start in "
                          + d.retryAfterSeconds()
                          + " s"));
            });
  }

  private static String rate(RateLimiter.Limit l) {
    double r = l.ratePerSecond();
    return r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r);
  }

  /** A route that needs {@code role} (beyond the default of its method). */
  Handler<RoutingContext> require(Role role) {
    return ctx -> {
      Principal p = principal(ctx);
      if (!p.role().covers(role)) {
        deny(ctx, p, role, List.of());
        return;
      }
      ctx.next();
    };
  }

  /** A write route's method, path pattern and audited action (for refusals at the gate). */
  private record WriteRoute(HttpMethod method, Pattern path, String action) {}

  private final List<WriteRoute> writes = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Makes {@code route} a write: its audited {@code action} (e.g. {@code job.cancel}) and the role
   * it needs. A success is audited by the store in the write's transaction; a refusal or failure is
   * audited here once answered, with the status and code. Returns the route for its own handlers.
   */
  Route write(Route route, String action, Role role) {
    String regex =
        java.util.Arrays.stream(route.getPath().split("/", -1))
            .map(seg -> seg.startsWith(":") ? "[^/]+" : Pattern.quote(seg))
            .collect(java.util.stream.Collectors.joining("/"));
    for (HttpMethod m : route.methods()) {
      writes.add(new WriteRoute(m, Pattern.compile(regex), action));
    }
    return route.handler(
        ctx -> {
          ctx.put(ACTION, action);
          Principal p = principal(ctx);
          ctx.addEndHandler(
              v -> {
                int status = ctx.response().getStatusCode();
                if (status >= 400 && !Boolean.TRUE.equals(ctx.get(AUDITED))) {
                  String code = ctx.get(ERROR_CODE);
                  recordFailure(
                      ctx,
                      p,
                      status == 403 && "FORBIDDEN".equals(code),
                      status,
                      code,
                      targets(ctx));
                }
              });
          if (!p.role().covers(role)) {
            deny(ctx, p, role, targets(ctx));
            return;
          }
          ctx.next();
        });
  }

  /** The action of the write route that {@code method path} would reach, if any. */
  private String actionOf(HttpMethod method, String path) {
    for (WriteRoute w : writes) {
      if (w.method().equals(method) && w.path().matcher(path).matches()) {
        return w.action();
      }
    }
    return "http." + method.name().toLowerCase(java.util.Locale.ROOT);
  }

  private void deny(RoutingContext ctx, Principal p, Role needed, List<String> targets) {
    recordFailure(ctx, p, true, 403, ErrorCode.FORBIDDEN.name(), targets);
    ctx.put(AUDITED, true);
    Problems.send(
        ctx,
        new AssetGridException(
            ErrorCode.FORBIDDEN,
            "this needs a key with role "
                + needed.wire()
                + "; key "
                + p.keyId()
                + " has role "
                + p.role().wire()));
  }

  private void recordFailure(
      RoutingContext ctx,
      Principal p,
      boolean denied,
      int status,
      String code,
      List<String> targets) {
    if (audit == null || ctx.get(ACTION) == null) {
      return;
    }
    audit
        .recordFailure(actor(ctx, p), targets, denied, status, code)
        .onFailure(e -> LOG.warn("cannot audit {}: {}", ctx.get(ACTION), e.toString()));
  }

  private static List<String> targets(RoutingContext ctx) {
    return List.copyOf(ctx.pathParams().values());
  }

  static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("route " + ctx.request().path() + " is outside the gate");
    }
    return p;
  }

  static UUID tenant(RoutingContext ctx) {
    return principal(ctx).tenantId();
  }

  /** The caller as the store sees it: principal, request id and the route's audited action. */
  static Actor actor(RoutingContext ctx) {
    return actor(ctx, principal(ctx));
  }

  private static Actor actor(RoutingContext ctx, Principal p) {
    return new Actor(p, ctx.get(REQUEST_ID), ctx.get(ACTION));
  }
}
