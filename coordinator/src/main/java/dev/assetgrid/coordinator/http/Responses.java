package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
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

  /** Streams blob {@code sha256} (from the local folder when it is one, else from the store). */
  static void sendBlob(
      RoutingContext ctx, BlobStore blobs, String sha256, String contentType, String downloadName) {
    HttpServerResponse resp =
        ctx.response()
            .putHeader("Content-Type", contentType)
            .putHeader("ETag", "\"" + sha256 + "\"");
    if (downloadName != null) {
      resp.putHeader(
          "Content-Disposition", "attachment; filename=\"" + downloadName.replace("\"", "") + "\"");
    }
    var local = blobs.localPath(sha256);
    if (local.isPresent()) {
      resp.sendFile(local.get().toString()).onFailure(e -> Problems.send(ctx, e));
      return;
    }
    blobs.open(sha256).compose(stream -> stream.pipeTo(resp)).onFailure(e -> Problems.send(ctx, e));
  }
}
