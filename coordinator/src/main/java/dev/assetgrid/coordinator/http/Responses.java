package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What every resource answers with: JSON bodies, blobs, and the id path parameters it reads. */
final class Responses {
  private Responses() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encodePrettily());
  }

  /**
   * Answers {@code 200} with what {@code found} holds, {@code 404 NOT_FOUND} naming {@code what}
   * when it is empty, the problem when it failed.
   */
  static void found(
      RoutingContext ctx,
      io.vertx.core.Future<java.util.Optional<JsonObject>> found,
      java.util.function.Supplier<String> what) {
    found
        .onSuccess(
            o -> {
              if (o.isPresent()) {
                json(ctx, 200, o.get());
              } else {
                Problems.send(ctx, ErrorCode.NOT_FOUND, what.get());
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** The id in path parameter {@code param}; null, with a 404 sent, when it is not an id. */
  static UUID id(RoutingContext ctx, String param) {
    UUID id = Ids.parse(ctx.pathParam(param));
    if (id == null) {
      Problems.send(ctx, ErrorCode.NOT_FOUND, param + " " + ctx.pathParam(param) + " is not an id");
    }
    return id;
  }

  /**
   * Answers a GET of blob {@code key} ({@code size} bytes): {@code ETag} (the quoted sha256, a
   * strong validator: the bytes under a key never change), {@code Accept-Ranges}, {@code 304} for a
   * matching {@code If-None-Match}, {@code 206} with {@code Content-Range} for one satisfiable
   * {@code Range: bytes=...} (several ranges, or an {@code If-Range} that does not match, get the
   * whole blob), {@code 416 RANGE_NOT_SATISFIABLE} for a range past the end. Streams from the local
   * folder with {@code sendFile} when the store is one, else from the store.
   */
  /** How long a download redirect's presigned URL is valid. */
  static final Duration REDIRECT_TTL = Duration.ofMinutes(5);

  /**
   * Answers a GET of blob {@code key} with {@code 307} to a presigned URL of the store valid for
   * {@link #REDIRECT_TTL} (the client sends its {@code Range} there; the store answers with the
   * content type and download name given here), or {@code 304} for a matching {@code
   * If-None-Match}. False, with nothing sent, when the store has no such URLs.
   */
  static boolean redirectToStore(
      RoutingContext ctx, BlobStore blobs, BlobKey key, String contentType, String downloadName) {
    Optional<URI> url =
        blobs.presignGet(
            key, REDIRECT_TTL, contentType, downloadName == null ? null : attachment(downloadName));
    if (url.isEmpty()) {
      return false;
    }
    String etag = etag(key);
    HttpServerResponse resp = ctx.response().putHeader("ETag", etag);
    if (notModified(ctx, etag)) {
      resp.setStatusCode(304).end();
      return true;
    }
    resp.setStatusCode(307)
        .putHeader("Location", url.get().toString())
        .putHeader("Cache-Control", "private, no-store")
        .end();
    return true;
  }

  private static String etag(BlobKey key) {
    return "\"" + key.sha256() + "\"";
  }

  private static String attachment(String downloadName) {
    return "attachment; filename=\"" + downloadName.replace("\"", "") + "\"";
  }

  /** True for an {@code If-None-Match} naming {@code etag} (or {@code *}). */
  private static boolean notModified(RoutingContext ctx, String etag) {
    String inm = ctx.request().getHeader("If-None-Match");
    return inm != null
        && (inm.trim().equals("*")
            || List.of(inm.split(",")).stream()
                .map(String::trim)
                .map(t -> t.startsWith("W/") ? t.substring(2) : t)
                .anyMatch(etag::equals));
  }

  static void sendBlob(
      RoutingContext ctx,
      BlobStore blobs,
      BlobKey key,
      long size,
      String contentType,
      String downloadName) {
    String etag = etag(key);
    HttpServerResponse resp =
        ctx.response()
            .putHeader("Content-Type", contentType)
            .putHeader("ETag", etag)
            .putHeader("Accept-Ranges", "bytes");
    if (downloadName != null) {
      resp.putHeader("Content-Disposition", attachment(downloadName));
    }
    if (notModified(ctx, etag)) {
      resp.setStatusCode(304).end();
      return;
    }
    long offset = 0;
    long length = size;
    String range = ctx.request().getHeader("Range");
    String ifRange = ctx.request().getHeader("If-Range");
    if (range != null && (ifRange == null || ifRange.trim().equals(etag))) {
      long[] r = ByteRange.parse(range, size);
      if (r == ByteRange.UNSATISFIABLE) {
        resp.putHeader("Content-Range", "bytes */" + size);
        Problems.send(
            ctx, ErrorCode.RANGE_NOT_SATISFIABLE, range + " of a blob of " + size + " bytes");
        return;
      }
      if (r != null) {
        offset = r[0];
        length = r[1] - r[0] + 1;
        resp.setStatusCode(206)
            .putHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
      }
    }
    var local = blobs.localPath(key);
    if (local.isPresent()) {
      resp.sendFile(local.get().toString(), offset, length).onFailure(e -> Problems.send(ctx, e));
      return;
    }
    resp.putHeader("Content-Length", String.valueOf(length));
    blobs
        .open(key, offset, length)
        .compose(stream -> stream.pipeTo(resp))
        .onFailure(e -> Problems.send(ctx, e));
  }
}
