package dev.assetgrid.coordinator.blob;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault injector in front of a real S3 server: an HTTP proxy on {@code 127.0.0.1} that forwards
 * every request unchanged (the Host header too, so SigV4 signatures still verify), unless told to
 * answer some requests with an error status (S3's XML error body) or not to answer them at all, or
 * stopped (connection refused) and restarted on the same port. It records the method, URI and
 * headers of every request it sees.
 */
public final class S3FaultInjector {
  /** What the injector saw. */
  public record Seen(String method, String uri, MultiMap headers) {}

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect", "host");

  private final Vertx vertx;
  private final URI upstream;
  private final HttpClient client;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private volatile Predicate<HttpServerRequest> faulty = r -> false;
  private volatile int faultStatus;
  private volatile HttpServer server;
  private volatile int port;

  private S3FaultInjector(Vertx vertx, URI upstream) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  }

  /** Starts an injector forwarding to {@code upstream} ({@code http://host:port}). */
  public static Future<S3FaultInjector> start(Vertx vertx, URI upstream) {
    S3FaultInjector f = new S3FaultInjector(vertx, upstream);
    return f.listen(0).map(f);
  }

  /** {@code http://127.0.0.1:<port>}: give this to the store. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Answers every request with {@code status} until {@link #clear()}. */
  public void failAll(int status) {
    failWhen(r -> true, status);
  }

  /** Answers the requests {@code which} matches with {@code status}; forwards the rest. */
  public void failWhen(Predicate<HttpServerRequest> which, int status) {
    faultStatus = status;
    faulty = which;
  }

  /** Never answers the requests {@code which} matches (the client times out). */
  public void hangWhen(Predicate<HttpServerRequest> which) {
    failWhen(which, 0);
  }

  /**
   * Reads the requests {@code which} matches to the end and answers {@code 200} with no body,
   * forwarding nothing: a store that says it took bytes it did not keep.
   */
  public void dropWhen(Predicate<HttpServerRequest> which) {
    failWhen(which, DROP);
  }

  private static final int DROP = -1;

  /** Forwards everything again. */
  public void clear() {
    faulty = r -> false;
  }

  /** How many requests got an injected fault. */
  public int injected() {
    return injected.get();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public void forgetSeen() {
    seen.clear();
  }

  /** Closes the listening socket: connections are refused until {@link #restart()}. */
  public Future<Void> stop() {
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** Listens again on the same port. */
  public Future<Void> restart() {
    return listen(port).mapEmpty();
  }

  /** Stops listening and closes the forwarding client. */
  public Future<Void> close() {
    return stop().eventually(client::close);
  }

  private Future<HttpServer> listen(int onPort) {
    HttpServer s =
        vertx.createHttpServer(
            new HttpServerOptions().setHost("127.0.0.1").setPort(onPort).setReuseAddress(true));
    s.requestHandler(this::handle);
    return s.listen()
        .onSuccess(
            started -> {
              server = started;
              port = started.actualPort();
            });
  }

  private void handle(HttpServerRequest req) {
    seen.add(
        new Seen(
            req.method().name(),
            req.uri(),
            MultiMap.caseInsensitiveMultiMap().addAll(req.headers())));
    if (faulty.test(req)) {
      injected.incrementAndGet();
      if (faultStatus == 0) {
        req.pause(); // hang: read nothing, answer nothing
        return;
      }
      if (faultStatus == DROP) {
        req.handler(b -> {}).endHandler(v -> req.response().setStatusCode(200).end());
        return;
      }
      String body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
              + (faultStatus == 503 ? "ServiceUnavailable" : "InternalError")
              + "</Code><Message>injected fault</Message></Error>";
      req.response()
          .setStatusCode(faultStatus)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/xml")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(body);
      return;
    }
    req.pause();
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      req.response().writeContinue(); // only for forwarded requests: a fault answers at once
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(req.method())
            .setURI(req.uri())
            .setServer(SocketAddress.inetSocketAddress(upstream.getPort(), upstream.getHost()))
            .setHost(req.authority().host())
            .setPort(req.authority().port());
    client
        .request(options)
        .onFailure(t -> req.response().setStatusCode(502).end())
        .onSuccess(
            out -> {
              req.headers()
                  .forEach(
                      h -> {
                        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                          out.headers().add(h.getKey(), h.getValue());
                        }
                      });
              if (!req.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                out.setChunked(true);
              }
              out.send(req)
                  .onFailure(t -> req.response().setStatusCode(502).end())
                  .onSuccess(
                      in -> {
                        var resp = req.response().setStatusCode(in.statusCode());
                        in.headers()
                            .forEach(
                                h -> {
                                  if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                                    resp.headers().add(h.getKey(), h.getValue());
                                  }
                                });
                        if (!in.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                          resp.setChunked(true);
                        }
                        in.pipeTo(resp);
                      });
            });
  }
}
