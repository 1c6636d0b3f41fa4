package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
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
  static void sendBlob(
      RoutingContext ctx,
      BlobStore blobs,
      BlobKey key,
      long size,
      String contentType,
      String downloadName) {
    String etag = "\"" + key.sha256() + "\"";
    HttpServerResponse resp =
        ctx.response()
            .putHeader("Content-Type", contentType)
            .putHeader("ETag", etag)
            .putHeader("Accept-Ranges", "bytes");
    if (downloadName != null) {
      resp.putHeader(
          "Content-Disposition", "attachment; filename=\"" + downloadName.replace("\"", "") + "\"");
    }
    String inm = ctx.request().getHeader("If-None-Match");
    if (inm != null
        && (inm.trim().equals("*")
            || List.of(inm.split(",")).stream()
                .map(String::trim)
                .map(t -> t.startsWith("W/") ? t.substring(2) : t)
                .anyMatch(etag::equals))) {
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
