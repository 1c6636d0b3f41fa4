package dev.assetgrid.coordinator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A real answer with its body as text: one already read (a stream's first bytes, say), or another
 * one (a tampered answer the response check must refuse). Status, headers and the rest are the real
 * answer's.
 */
public record StringAnswer(HttpResponse<?> real, String body) implements HttpResponse<String> {
  @Override
  public int statusCode() {
    return real.statusCode();
  }

  @Override
  public HttpRequest request() {
    return real.request();
  }

  @Override
  public Optional<HttpResponse<String>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return real.headers();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return real.sslSession();
  }

  @Override
  public URI uri() {
    return real.uri();
  }

  @Override
  public HttpClient.Version version() {
    return real.version();
  }
}
