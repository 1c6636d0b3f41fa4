package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The blob endpoints nodes use, authorised by the lease token: {@code GET
 * /internal/tasks/{taskId}/inputs/{sha256}} (a blob the leased task may read) and {@code PUT
 * /internal/tasks/{taskId}/outputs/{name}} (an output, streamed into the blob store), and, with a
 * store that takes bytes directly (S3), {@code POST
 * /internal/tasks/{taskId}/outputs/{name}/presign?sha256=&size=}: a PUT URL of the store for
 * exactly that blob, or word that those bytes are stored already.
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
    r.post("/internal/tasks/:taskId/outputs/:name/presign").handler(this::presignOutput);
  }

  /** How long an output PUT URL is valid: the node uses it at once. */
  static final Duration PRESIGN_TTL = Duration.ofMinutes(15);

  private void presignOutput(RoutingContext ctx) {
    OutputRequest o = outputRequest(ctx);
    if (o == null) {
      return;
    }
    String name = o.name();
    String sha = ctx.request().getParam("sha256");
    long size;
    try {
      size = Long.parseLong(ctx.request().getParam("size", ""));
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (!BlobInfo.isSha256(sha) || size < 0) {
      Problems.send(
          ctx, ErrorCode.INVALID_REQUEST, "presign takes sha256 (64 hex) and size (bytes)");
      return;
    }
    if (size > MAX_OUTPUT_BYTES) {
      Problems.send(
          ctx,
          ErrorCode.UPLOAD_TOO_LARGE,
          "output " + name + " of " + size + " bytes (at most " + MAX_OUTPUT_BYTES + ")");
      return;
    }
    long bytes = size;
    writableSpace(o)
        .compose(
            space -> {
              BlobKey key = space.key(sha);
              return blobs
                  .stat(key)
                  .map(
                      stored -> {
                        JsonObject reply =
                            new JsonObject()
                                .put("name", name)
                                .put("sha256", sha)
                                .put("size", bytes);
                        if (stored.isPresent() && stored.get().size() == bytes) {
                          return reply.put("stored", true);
                        }
                        Optional<URI> url = blobs.presignPut(key, bytes, PRESIGN_TTL);
                        if (url.isEmpty()) {
                          throw new AssetGridException(
                              ErrorCode.INVALID_REQUEST,
                              "this grid's blob store takes outputs at PUT "
                                  + ctx.request().path().replaceAll("/presign$", ""));
                        }
                        JsonObject headers = new JsonObject();
                        blobs.presignPutHeaders(key).forEach(headers::put);
                        return reply
                            .put("stored", false)
                            .put("url", url.get().toString())
                            .put("headers", headers);
                      });
            })
        .onSuccess(reply -> json(ctx, 200, reply))
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** The task, output name and lease token of an output request. */
  private record OutputRequest(UUID taskId, String name, String token) {}

  /** The output request of {@code ctx}; null, with the problem answered, when it is malformed. */
  private static OutputRequest outputRequest(RoutingContext ctx) {
    UUID taskId = id(ctx, "taskId");
    if (taskId == null) {
      return null;
    }
    String name = ctx.pathParam("name");
    String token = ctx.request().getHeader(LEASE_TOKEN_HEADER);
    if (token == null) {
      Problems.send(ctx, ErrorCode.UNAUTHORIZED, "lease token required");
      return null;
    }
    if (!goodName(name)) {
      Problems.send(ctx, ErrorCode.INVALID_REQUEST, "bad output name");
      return null;
    }
    return new OutputRequest(taskId, name, token);
  }

  /** Where the leased task's outputs go; {@code LEASE_INVALID} when its lease is not held. */
  private Future<BlobSpace> writableSpace(OutputRequest o) {
    return leases
        .mayWrite(o.taskId(), o.token())
        .compose(
            space ->
                space.isPresent()
                    ? Future.succeededFuture(space.get())
                    : Future.failedFuture(
                        new AssetGridException(ErrorCode.LEASE_INVALID, "task " + o.taskId())));
  }

  private static boolean goodName(String name) {
    return !(name.isBlank()
        || name.length() > 200
        || name.contains("/")
        || name.contains("\\")
        || name.startsWith("."));
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
    OutputRequest o = outputRequest(ctx);
    if (o == null) {
      return;
    }
    String name = o.name();
    ctx.request().pause();
    writableSpace(o)
        .compose(
            space -> {
              return blobs.put(
                  ctx.request(), MAX_OUTPUT_BYTES, ctx.request().getHeader(SHA256_HEADER), space);
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
