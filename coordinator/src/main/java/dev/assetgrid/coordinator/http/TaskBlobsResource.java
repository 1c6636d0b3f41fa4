package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The blob endpoints nodes use, authorised by the lease token: {@code GET
 * /internal/tasks/{taskId}/inputs/{sha256}} (a blob the leased task may read) and {@code PUT
 * /internal/tasks/{taskId}/outputs/{name}} (an output, streamed into the blob store).
 */
final class TaskBlobsResource implements HttpResource {
  /** Header that carries a lease token on the internal blob endpoints. */
  static final String LEASE_TOKEN_HEADER = "X-Lease-Token";

  /**
   * Optional header on an output PUT: the sha256 the node computed; the upload is refused if it
   * differs.
   */
  static final String SHA256_HEADER = "X-Content-SHA256";

  /** Largest output a task may upload. */
  static final long MAX_OUTPUT_BYTES = 4L << 30;

  private final LeaseTokens leases;
  private final BlobStore blobs;

  TaskBlobsResource(LeaseTokens leases, BlobStore blobs) {
    this.leases = leases;
    this.blobs = blobs;
  }

  @Override
  public void register(Router r) {
    r.get("/internal/tasks/:taskId/inputs/:sha256").handler(this::downloadInput);
    r.put("/internal/tasks/:taskId/outputs/:name").handler(this::uploadOutput);
  }

  private void downloadInput(RoutingContext ctx) {
    UUID taskId = id(ctx, "taskId");
    if (taskId == null) {
      return;
    }
    String sha = ctx.pathParam("sha256");
    String token = ctx.request().getHeader(LEASE_TOKEN_HEADER);
    if (token == null) {
      Problems.send(ctx, ErrorCode.UNAUTHORIZED, "lease token required");
      return;
    }
    leases
        .mayRead(taskId, token, sha)
        .onSuccess(
            key -> {
              if (key.isEmpty()) {
                Problems.send(
                    ctx,
                    ErrorCode.LEASE_INVALID,
                    "task " + taskId + " holds no lease on blob " + sha);
              } else {
                Responses.sendBlob(
                    ctx, blobs, key.get().key(), key.get().size(), key.get().contentType(), null);
              }
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private void uploadOutput(RoutingContext ctx) {
    UUID taskId = id(ctx, "taskId");
    if (taskId == null) {
      return;
    }
    String name = ctx.pathParam("name");
    String token = ctx.request().getHeader(LEASE_TOKEN_HEADER);
    if (token == null) {
      Problems.send(ctx, ErrorCode.UNAUTHORIZED, "lease token required");
      return;
    }
    if (name.isBlank()
        || name.length() > 200
        || name.contains("/")
        || name.contains("\\")
        || name.startsWith(".")) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "bad output name");
      return;
    }
    ctx.request().pause();
    leases
        .mayWrite(taskId, token)
        .compose(
            space -> {
              if (space.isEmpty()) {
                return Future.failedFuture(
                    new AssetGridException(ErrorCode.LEASE_INVALID, "task " + taskId));
              }
              return blobs.put(
                  ctx.request(),
                  MAX_OUTPUT_BYTES,
                  ctx.request().getHeader(SHA256_HEADER),
                  space.get());
            })
        .onSuccess(
            info ->
                json(
                    ctx,
                    201,
                    new JsonObject()
                        .put("name", name)
                        .put("sha256", info.sha256())
                        .put("size", info.size())))
        .onFailure(e -> Problems.send(ctx, e));
  }
}
