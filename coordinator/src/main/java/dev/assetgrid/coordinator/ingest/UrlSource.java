package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.StagedBlob;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * External sources: one asset per URL, fetched with GET under the {@link Egress} rules (https only
 * unless allowed, no internal address, checked again before each connection and each redirect,
 * which goes to the checked address), at most {@value #MAX_REDIRECTS} redirects, a time-out per
 * request and the import's size cap.
 */
public final class UrlSource implements ImportSource {
  static final int MAX_REDIRECTS = 3;

  private final Vertx vertx;
  private final HttpClient http;
  private final Egress egress;
  private final List<String> urls;
  private final Duration timeout;
  private final BlobStore blobs;

  public UrlSource(
      Vertx vertx,
      HttpClient http,
      Egress egress,
      List<String> urls,
      Duration timeout,
      BlobStore blobs) {
    this.vertx = vertx;
    this.http = http;
    this.egress = egress;
    this.urls = urls;
    this.timeout = timeout;
    this.blobs = blobs;
  }

  @Override
  public List<Entry> list(int max) {
    List<Entry> out = new ArrayList<>();
    for (String u : urls) {
      String path = URI.create(u).getPath();
      String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
      out.add(new Entry(u, last.isEmpty() ? "download" : decode(last), -1));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(
          s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  @Override
  public byte[] head(Entry e, int maxBytes) {
    return new byte[0]; // a URL is one asset by itself: nothing to group
  }

  @Override
  public Future<StagedBlob> stage(String ref, long maxBytes) {
    return fetch(ref, maxBytes, 0);
  }

  private Future<StagedBlob> fetch(String url, long maxBytes, int redirects) {
    Egress.Target target;
    try {
      target = egress.check(url);
    } catch (AssetGridException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .executeBlocking(() -> egress.resolve(target), false)
        .compose(ip -> get(target, ip))
        .compose(
            resp -> {
              int status = resp.statusCode();
              if (status >= 300 && status < 400 && resp.getHeader("Location") != null) {
                resp.request().reset();
                if (redirects == MAX_REDIRECTS) {
                  return Future.failedFuture(
                      new AssetGridException(
                          ErrorCode.TRANSFER_FAILED,
                          url + " redirects more than " + MAX_REDIRECTS + " times"));
                }
                String next = target.uri().resolve(resp.getHeader("Location")).toString();
                return fetch(next, maxBytes, redirects + 1);
              }
              if (status != 200) {
                resp.request().reset();
                return Future.failedFuture(
                    new AssetGridException(
                        status == 404 || status == 410
                            ? ErrorCode.NOT_FOUND
                            : ErrorCode.TRANSFER_FAILED,
                        url + " answered " + status));
              }
              String length = resp.getHeader("Content-Length");
              if (length != null && parse(length) > maxBytes) {
                resp.request().reset();
                return Future.failedFuture(
                    AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, maxBytes));
              }
              return blobs.stage(resp, maxBytes);
            });
  }

  private static long parse(String n) {
    try {
      return Long.parseLong(n.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Future<HttpClientResponse> get(Egress.Target target, InetAddress ip) {
    RequestOptions req =
        egress
            .request(target, ip, HttpMethod.GET, timeout)
            .putHeader("User-Agent", "assetgrid-import/1");
    return http.request(req)
        .compose(r -> r.send())
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof AssetGridException
                        ? e
                        : new AssetGridException(
                            ErrorCode.TRANSFER_FAILED,
                            target.uri()
                                + " could not be fetched: no answer within the time-out or"
                                + " the connection failed")));
  }
}
