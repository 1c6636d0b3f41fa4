package dev.assetgrid.coordinator.events;

import dev.assetgrid.coordinator.access.SecretBox;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.coordinator.schedule.duty.Duty;
import dev.assetgrid.coordinator.store.WebhookStore;
import dev.assetgrid.coordinator.store.WebhookStore.Attempt;
import dev.assetgrid.coordinator.store.WebhookStore.Due;
import dev.assetgrid.shared.error.AssetGridException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhook deliveries: leases due rows of the outbox ({@link WebhookStore#lease}, {@code SKIP
 * LOCKED}, so with several coordinators each row is sent by one of them at a time), signs each body
 * (Standard Webhooks), resolves the receiver's host and checks its addresses ({@link Egress})
 * before connecting to the checked address, and records every attempt. A 2xx answer is success;
 * anything else — another status, a redirect, a refused or timed-out connection — is retried with
 * exponential backoff and jitter for {@link NotifyOptions#retryFor()}.
 *
 * <p>At least once: a coordinator that dies mid-send leaves its lease to run out, and the row is
 * sent again; receivers dedupe on {@code webhook-id} (the event's id, the same on every attempt).
 */
public final class WebhookSender implements Duty {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  static final Duration POLL = Duration.ofMillis(500);
  static final String USER_AGENT = "assetgrid-webhooks/1";

  private final WebhookStore store;
  private final Egress egress;
  private final SecretBox secrets;
  private final NotifyOptions options;
  private final String owner;
  private Vertx vertx;
  private HttpClient http;
  private BusHints hints;
  private long timer = -1;
  private int inFlight;
  private boolean leasing;
  private boolean again;

  /**
   * @param owner who leases (this coordinator's cluster id), recorded with every attempt
   */
  public WebhookSender(
      WebhookStore store, Egress egress, SecretBox secrets, NotifyOptions options, String owner) {
    this.store = store;
    this.egress = egress;
    this.secrets = secrets;
    this.options = options;
    this.owner = owner;
  }

  private io.micrometer.core.instrument.MeterRegistry meters =
      dev.assetgrid.shared.metrics.GridMeters.none();

  /**
   * Counts into {@code registry}: {@code assetgrid_webhook_attempt_seconds{outcome}} (each POST,
   * outcome {@code succeeded} or {@code failed}) and {@code
   * assetgrid_webhook_deliveries_finished_total{state}} (deliveries that ended, {@code succeeded}
   * or {@code failed} for good). Call before starting.
   */
  public WebhookSender withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meters = registry;
    // every series exists from the start, so rate() over them is never empty
    for (String o : new String[] {"succeeded", "failed"}) {
      attempts(o);
      finished(o);
    }
    return this;
  }

  private io.micrometer.core.instrument.Timer attempts(String outcome) {
    return io.micrometer.core.instrument.Timer.builder("assetgrid.webhook.attempt")
        .description("Webhook POSTs, by whether the receiver took them")
        .tags("outcome", outcome)
        .register(meters);
  }

  private io.micrometer.core.instrument.Counter finished(String state) {
    return io.micrometer.core.instrument.Counter.builder("assetgrid.webhook.deliveries.finished")
        .description("Webhook deliveries that ended, by state")
        .tags("state", state)
        .register(meters);
  }

  @Override
  public void start(Vertx vertx) {
    this.vertx = vertx;
    http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()))
                .setKeepAlive(true)
                .setVerifyHost(true),
            new PoolOptions().setHttp1MaxSize(4));
    hints = new BusHints(vertx, this::tick);
    timer = vertx.setPeriodic(POLL.toMillis(), t -> tick());
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
      hints.close();
      http.close();
    }
  }

  /** Leases what is due, as many as free sending slots. */
  void tick() {
    int free = options.concurrency() - inFlight;
    if (free <= 0) {
      return;
    }
    if (leasing) {
      again = true;
      return;
    }
    leasing = true;
    again = false;
    store
        .lease(owner, free, leaseFor())
        .onComplete(
            ar -> {
              leasing = false;
              if (ar.failed()) {
                LOG.warn("webhook lease failed: {}", ar.cause().toString());
                return;
              }
              for (Due due : ar.result()) {
                inFlight++;
                send(due)
                    .onComplete(
                        done -> {
                          inFlight--;
                          if (done.failed()) {
                            LOG.warn(
                                "webhook delivery {} not recorded: {}",
                                due.deliveryId(),
                                done.cause().toString());
                          }
                          tick();
                        });
              }
              if (again || ar.result().size() == free) {
                vertx.runOnContext(v -> tick());
              }
            });
  }

  /** Long enough for the attempt and its record; after it another coordinator may send. */
  private Duration leaseFor() {
    return options.timeout().multipliedBy(2).plusSeconds(10);
  }

  private Future<Void> send(Due due) {
    OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
    long t0 = System.nanoTime();
    return attempt(due)
        .recover(e -> Future.succeededFuture(new Outcome(null, sentence(e), null)))
        .compose(
            o -> {
              int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - t0) / 1_000_000);
              Attempt a = new Attempt(started, latency, o.status(), o.error(), o.body(), owner);
              attempts(a.succeeded() ? "succeeded" : "failed")
                  .record(Duration.ofNanos(System.nanoTime() - t0));
              Duration next =
                  options.retryDelay(due.attempt(), ThreadLocalRandom.current().nextDouble());
              return store.finish(due, a, next, options.retryFor(), options.disableAfter());
            })
        .map(
            f -> {
              f.ifPresent(
                  fin -> {
                    if (!"pending".equals(fin.state())) {
                      finished("succeeded".equals(fin.state()) ? "succeeded" : "failed")
                          .increment();
                    }
                    if (fin.disabled()) {
                      LOG.warn(
                          "webhook {} disabled: every delivery failed for {}",
                          due.webhookId(),
                          options.disableAfter());
                    }
                  });
              return null;
            });
  }

  /** What the receiver answered: a status and the start of the body, or why nothing came. */
  private record Outcome(Integer status, String error, String body) {}

  private Future<Outcome> attempt(Due due) {
    String secret;
    try {
      secret = new String(secrets.open(due.sealedSecret()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          new Outcome(
              null,
              "the signing secret does not open with this grid's cluster secret (was the database"
                  + " restored into another grid?); rotate the webhook's secret",
              null));
    }
    Egress.Target target;
    try {
      target = egress.check(due.url());
    } catch (AssetGridException e) {
      return Future.succeededFuture(new Outcome(null, e.getMessage(), null));
    }
    Future<InetAddress> address = vertx.executeBlocking(() -> egress.resolve(target), false);
    return address.compose(ip -> post(due, secret, target, ip));
  }

  private Future<Outcome> post(Due due, String secret, Egress.Target target, InetAddress ip) {
    byte[] body = due.event().encode().getBytes(StandardCharsets.UTF_8);
    long timestamp = System.currentTimeMillis() / 1000;
    RequestOptions req =
        egress
            .request(target, ip, HttpMethod.POST, options.timeout())
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", USER_AGENT)
            .putHeader("webhook-id", due.eventId())
            .putHeader("webhook-timestamp", String.valueOf(timestamp))
            .putHeader(
                "webhook-signature", WebhookSignature.sign(secret, due.eventId(), timestamp, body));
    return http.request(req).compose(r -> r.send(Buffer.buffer(body))).compose(this::read);
  }

  /** Keeps the first {@link WebhookStore#MAX_SNIPPET} characters of the answer, drains the rest. */
  private Future<Outcome> read(HttpClientResponse resp) {
    Promise<Outcome> done = Promise.promise();
    Buffer head = Buffer.buffer();
    resp.handler(
        chunk -> {
          int room = WebhookStore.MAX_SNIPPET - head.length();
          if (room > 0) {
            head.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
          }
        });
    resp.exceptionHandler(e -> done.tryFail(e));
    resp.endHandler(
        v -> {
          int status = resp.statusCode();
          String text = sanitize(head);
          boolean ok = status >= 200 && status < 300;
          done.tryComplete(
              new Outcome(
                  status,
                  ok
                      ? null
                      : status >= 300 && status < 400
                          ? "the receiver answered " + status + " (redirects are not followed)"
                          : "the receiver answered " + status,
                  text));
        });
    return done.future();
  }

  private static String sanitize(Buffer head) {
    if (head.length() == 0) {
      return null;
    }
    String s = new String(head.getBytes(), StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c ->
                out.appendCodePoint(Character.isISOControl(c) && c != '\n' && c != '\t' ? '?' : c));
    return out.length() > WebhookStore.MAX_SNIPPET
        ? out.substring(0, WebhookStore.MAX_SNIPPET)
        : out.toString();
  }

  /** A sentence for an attempt that got no answer. */
  static String sentence(Throwable e) {
    if (e instanceof AssetGridException a) {
      return a.getMessage();
    }
    String name = e.getClass().getSimpleName();
    if (e instanceof java.util.concurrent.TimeoutException
        || name.contains("Timeout")
        || String.valueOf(e.getMessage()).contains("timeout")) {
      return "no answer within the timeout";
    }
    if (e instanceof java.net.ConnectException || name.contains("Connect")) {
      return "the connection was refused or could not be made";
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "the TLS handshake failed (is the receiver's certificate valid for its host?)";
    }
    return "the connection failed (" + name + ")";
  }
}
