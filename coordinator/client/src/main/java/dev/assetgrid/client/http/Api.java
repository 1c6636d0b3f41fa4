package dev.assetgrid.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.config.ClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The client's one HTTP client over the coordinator's API: JSON requests carrying the key, raw-body
 * uploads, part PUTs, the tenant's event stream and file downloads. Every failure comes out as a
 * {@link ServerProblem} (the server's problem document) or an {@link Unreachable} (no answer), each
 * one sentence.
 *
 * <p>HTTP/1.1 only: an SSE stream and a long upload each hold a connection of their own, and the
 * coordinator serves HTTP/2 only over TLS anyway. Redirects are never followed on their own: the
 * one the API sends (a file's {@code 307} to a presigned store URL) is followed by {@link
 * #download} without the key, which must not leave for another host.
 */
public final class Api {
  /** How long connecting may take. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a JSON request may wait for its answer. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Redirects a download follows at most. */
  static final int MAX_REDIRECTS = 3;

  private static final String USER_AGENT =
      "assetgrid-client/"
          + (Api.class.getPackage().getImplementationVersion() == null
              ? "dev"
              : Api.class.getPackage().getImplementationVersion());

  private final ClientConfig config;
  private final HttpClient http;

  public Api(ClientConfig config) {
    this.config = config;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (config.tlsTrust() != null) {
      b.sslContext(TrustedCertificates.context(config.tlsTrust()));
    }
    this.http = b.build();
  }

  public ClientConfig config() {
    return config;
  }

  /** The absolute URI of an API path ({@code /v1/jobs?state=failed}). */
  public URI uri(String pathAndQuery) {
    return URI.create(config.url() + pathAndQuery);
  }

  public JsonNode get(String path) {
    return json(request(path).timeout(REQUEST_TIMEOUT).GET());
  }

  /** A POST of {@code body} (null: an empty body); the answer's JSON, null when it has none. */
  public JsonNode post(String path, JsonNode body) {
    return json(withJson(request(path).timeout(REQUEST_TIMEOUT), "POST", body));
  }

  public JsonNode patch(String path, JsonNode body) {
    return json(withJson(request(path).timeout(REQUEST_TIMEOUT), "PATCH", body));
  }

  /** A DELETE; the answer's JSON, null for a {@code 204}. */
  public JsonNode delete(String path) {
    return json(request(path).timeout(REQUEST_TIMEOUT).DELETE());
  }

  /**
   * A raw-body POST of a whole file ({@code POST /v1/assets?filename=...}).
   *
   * @param sent told the bytes sent so far
   */
  public JsonNode postFile(String pathAndQuery, Path file, LongConsumer sent) {
    long size = size(file);
    return json(
        request(pathAndQuery)
            .header("Content-Type", "application/octet-stream")
            .POST(slice(file, 0, size, sent)));
  }

  /**
   * A PUT of {@code length} bytes of {@code file} from {@code offset} to a part URL the upload API
   * handed out. Such a URL carries its own authorisation (a token or a presigned signature), so no
   * key is sent: it may point at an object store.
   */
  public void putPart(URI url, Path file, long offset, long length, LongConsumer sent) {
    HttpRequest req =
        HttpRequest.newBuilder(url)
            .header("User-Agent", USER_AGENT)
            .PUT(slice(file, offset, length, sent))
            .build();
    HttpResponse<String> r = send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new ServerProblem(Problem.of(r.statusCode(), r.body()));
    }
  }

  /**
   * Opens a server-sent event stream ({@code GET /v1/events}, see {@link EventStream}); the caller
   * reads and closes it.
   *
   * @param lastEventId the id of the last event seen (resuming), or null
   */
  public InputStream events(String path, String lastEventId) {
    HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new ServerProblem(Problem.of(r.statusCode(), drain(r.body())));
    }
    return r.body();
  }

  /**
   * Downloads {@code path} into {@code out}, streaming (through a temporary file beside it, moved
   * into place once whole). A {@code 307} to the store is followed with no key.
   *
   * @return the bytes written
   */
  public long download(String path, Path out) {
    HttpRequest req = request(path).GET().build();
    for (int hop = 0; ; hop++) {
      HttpResponse<InputStream> r = send(req, HttpResponse.BodyHandlers.ofInputStream());
      int status = r.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        drain(r.body());
        String location = r.headers().firstValue("Location").orElse(null);
        if (location == null || hop >= MAX_REDIRECTS) {
          throw new ClientException(
              ExitCode.UNAVAILABLE, "the download of " + path + " was redirected too often");
        }
        // the store's presigned URL carries its own signature; the key stays with the coordinator
        req =
            HttpRequest.newBuilder(req.uri().resolve(location))
                .header("User-Agent", USER_AGENT)
                .GET()
                .build();
        continue;
      }
      if (status != 200) {
        throw new ServerProblem(Problem.of(status, drain(r.body())));
      }
      return save(r.body(), out, req.uri());
    }
  }

  private static long save(InputStream body, Path out, URI from) {
    Path dir = out.toAbsolutePath().getParent();
    Path tmp = null;
    try (InputStream in = body) {
      tmp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
      long n = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return n;
    } catch (java.nio.file.AccessDeniedException | java.nio.file.NoSuchFileException e) {
      throw ClientException.usage("cannot write " + out + " (no such folder, or not allowed)");
    } catch (IOException e) {
      throw Unreachable.of(from, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover .part file, named as such
      }
    }
  }

  // ------------------------------------------------------------------ plumbing

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(pathAndQuery)).header("User-Agent", USER_AGENT);
    if (config.key() != null) {
      b.header("Authorization", "Bearer " + config.key());
    }
    return b;
  }

  private static HttpRequest.Builder withJson(HttpRequest.Builder b, String method, JsonNode body) {
    if (body == null) {
      return b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(Json.compact(body)));
  }

  private JsonNode json(HttpRequest.Builder b) {
    HttpResponse<String> r = send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new ServerProblem(Problem.of(r.statusCode(), r.body()));
    }
    return Json.parseOrNull(r.body());
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (IOException e) {
      throw Unreachable.of(req.uri(), e);
    } catch (UncheckedIOException e) {
      throw Unreachable.of(req.uri(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(
          ExitCode.UNAVAILABLE, "interrupted while waiting for " + req.uri().getAuthority());
    }
  }

  private static HttpRequest.BodyPublisher slice(
      Path file, long offset, long length, LongConsumer sent) {
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return SliceStream.open(file, offset, length, sent);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }),
        length);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw ClientException.usage("cannot read " + file);
    }
  }

  /** The rest of an error answer's body, as text (at most 64 KiB are kept). */
  private static String drain(InputStream in) {
    try (InputStream body = in) {
      return new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
