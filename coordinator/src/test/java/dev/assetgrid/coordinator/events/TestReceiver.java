package dev.assetgrid.coordinator.events;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver on 127.0.0.1 (the JDK's HTTP server): records every request, verifies its
 * Standard Webhooks signature with the secret given for its path, and answers each path with the
 * statuses it was scripted to give (then 200).
 */
final class TestReceiver implements AutoCloseable {
  /** One request as received. */
  record Hit(
      String path, String id, long timestamp, String signature, byte[] body, boolean verified) {
    JsonObject event() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  private final HttpServer server;
  final List<Hit> hits = new CopyOnWriteArrayList<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, List<Integer>> script = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  private volatile int always = 0;

  TestReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          String path = ex.getRequestURI().getPath();
          String id = ex.getRequestHeaders().getFirst("webhook-id");
          String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
          String sig = ex.getRequestHeaders().getFirst("webhook-signature");
          String secret = secrets.get(path);
          long t = ts == null ? -1 : Long.parseLong(ts);
          boolean ok =
              secret != null && id != null && WebhookSignature.verify(secret, id, t, body, sig);
          hits.add(new Hit(path, id, t, sig, body, ok));
          int n = seen.computeIfAbsent(path, k -> new AtomicInteger()).getAndIncrement();
          List<Integer> s = script.getOrDefault(path, List.of());
          int status = always != 0 ? always : n < s.size() ? s.get(n) : 200;
          byte[] answer = ("answer " + status).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, answer.length);
          ex.getResponseBody().write(answer);
          ex.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Verify requests to {@code path} with {@code secret}; answer them {@code statuses} first. */
  void expect(String path, String secret, Integer... statuses) {
    secrets.put(path, secret);
    script.put(path, List.of(statuses));
  }

  /** Answer everything with {@code status} (0: back to the scripts). */
  void answerAll(int status) {
    always = status;
  }

  List<Hit> hits(String path) {
    return hits.stream().filter(h -> h.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
