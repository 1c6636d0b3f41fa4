package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.PartUploads;
import dev.assetgrid.coordinator.blob.StagedBlob;
import dev.assetgrid.coordinator.ingest.FormatSniffer;
import dev.assetgrid.coordinator.ingest.UploadChecks;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.UploadStore;
import dev.assetgrid.coordinator.store.UploadStore.Upload;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Direct, resumable uploads. {@code POST /v1/uploads} {name, size, sha256?, pipeline?, tags?} → an
 * upload id and one URL per part; the client PUTs the parts there (S3: presigned UploadPart URLs;
 * the local store: {@code PUT /internal/uploads/{id}/parts/{n}?token=...} on the coordinator, so
 * clients have one code path, with no {@code Authorization} header either way); {@code GET
 * /v1/uploads/{id}} lists the parts received and the missing ones (to resume); {@code POST
 * /v1/uploads/{id}/complete} checks the parts, size, sha256 and format (reading the object once),
 * publishes the bytes under their content key and creates the asset and its job in one transaction;
 * {@code DELETE} aborts. The upload sweeper aborts uploads left past their expiry.
 */
final class UploadsResource implements HttpResource {
  /** Smallest part (S3 wants 5 MiB for every part but the last; we ask for more). */
  static final long MIN_PART_SIZE = 8L << 20;

  /** Most parts (S3's limit). */
  static final int MAX_PARTS = 10_000;

  /** How long an upload may stay incomplete before the sweeper aborts it. */
  static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);

  private final Access access;
  private final Vertx vertx;
  private final AssetStore assets;
  private final UploadStore uploads;
  private final PartUploads parts;
  private final long maxBytes;
  private final Duration expiry;
  private final Supplier<String> publicUrl;
  private final Runnable onQueued;
  private final byte[] partKey;

  UploadsResource(
      Access access,
      Vertx vertx,
      AssetStore assets,
      UploadStore uploads,
      PartUploads parts,
      long maxBytes,
      Duration expiry,
      Supplier<String> publicUrl,
      byte[] partKey,
      Runnable onQueued) {
    this.partKey = partKey.clone();
    this.access = access;
    this.vertx = vertx;
    this.assets = assets;
    this.uploads = uploads;
    this.parts = parts;
    this.maxBytes = maxBytes;
    this.expiry = expiry;
    this.publicUrl = publicUrl;
    this.onQueued = onQueued;
  }

  @Override
  public void register(Router r) {
    access
        .write(
            r.post("/v1/uploads").handler(BodyHandler.create().setBodyLimit(16 * 1024)),
            "upload.create",
            Role.WRITER)
        .handler(this::create);
    r.get("/v1/uploads/:id").handler(access.require(Role.WRITER)).handler(this::status);
    access
        .write(r.post("/v1/uploads/:id/complete"), "upload.complete", Role.WRITER)
        .handler(this::complete);
    access.write(r.delete("/v1/uploads/:id"), "upload.abort", Role.WRITER).handler(this::abort);
    r.put("/internal/uploads/:id/parts/:n").handler(this::putPart);
  }

  /** Part size for {@code size} bytes: at least 8 MiB, whole MiB, at most 10,000 parts. */
  static long partSize(long size) {
    long perPart = (size + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1L << 20;
    return Math.max(MIN_PART_SIZE, (perPart + mib - 1) / mib * mib);
  }

  static int partCount(long size, long partSize) {
    return (int) Math.max(1, (size + partSize - 1) / partSize);
  }

  /** The expected size of part {@code n} (1-based) of an upload. */
  static long expectedPartSize(Upload u, int n) {
    return n < u.partCount() ? u.partSize() : u.size() - (long) (u.partCount() - 1) * u.partSize();
  }

  // ------------------------------------------------------------------ create

  private void create(RoutingContext ctx) {
    JsonObject body;
    String name;
    long size;
    String sha;
    String pipelineText;
    List<String> tags;
    try {
      body = Bodies.object(ctx, "{\"name\", \"size\", \"sha256\"?, \"pipeline\"?, \"tags\"?}");
      for (String member : body.fieldNames()) {
        if (!List.of("name", "size", "sha256", "pipeline", "tags").contains(member)) {
          throw Bodies.invalid("/" + member, "unknown member " + member);
        }
      }
      name = Bodies.string(body, "name", 255);
      if (name == null) {
        throw Bodies.invalid("/name", "name is required (the file name, e.g. chair.glb)");
      }
      Object s = body.getValue("size");
      if (!(s instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() <= 0) {
        throw Bodies.invalid("/size", "size must be the file's length in bytes, > 0");
      }
      size = n.longValue();
      sha = Bodies.string(body, "sha256", 64);
      if (sha != null && !BlobInfo.isSha256(sha)) {
        throw Bodies.invalid("/sha256", "sha256 must be 64 lowercase hex characters");
      }
      pipelineText = Bodies.string(body, "pipeline", 1000);
      PipelineSpec.parse(pipelineText); // refused now, not after a gigabyte
      List<String> given = Bodies.tags(body);
      tags = given == null ? List.of() : given;
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    if (size > maxBytes) {
      Problems.send(
          ctx,
          new AssetGridException(
              ErrorCode.UPLOAD_TOO_LARGE,
              ErrorCode.UPLOAD_TOO_LARGE.format(maxBytes),
              Map.of("size", size, "limit", maxBytes),
              null));
      return;
    }
    UUID tenant = Access.tenant(ctx);
    UUID id = UUID.randomUUID();
    long partSize = partSize(size);
    int count = partCount(size, partSize);
    String token = partToken(id);
    Instant expires = Instant.now().plus(expiry);
    BlobSpace space = new BlobSpace(tenant, BlobKind.ORIGINAL);
    assets
        .precheckUpload(tenant, size)
        .compose(v -> parts.begin(space, id))
        .compose(
            handle -> {
              Upload u =
                  new Upload(
                      id,
                      tenant,
                      Access.principal(ctx).keyId(),
                      name,
                      size,
                      sha,
                      pipelineText,
                      tags,
                      partSize,
                      count,
                      handle,
                      "open",
                      null,
                      null,
                      null,
                      Instant.now(),
                      expires);
              return uploads
                  .insert(u)
                  .recover(e -> parts.abort(target(u)).transform(x -> Future.failedFuture(e)))
                  .map(v -> u);
            })
        .onSuccess(
            u -> {
              ctx.response().putHeader("Location", "/v1/uploads/" + id);
              json(ctx, 201, describe(u, List.of(), token));
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private static PartUploads.Target target(Upload u) {
    return new PartUploads.Target(new BlobSpace(u.tenant(), BlobKind.ORIGINAL), u.id(), u.handle());
  }

  /**
   * The upload as the API shows it; with {@code token} (the creator's answer, or a resume) the URL
   * of each part not received yet.
   */
  private JsonObject describe(Upload u, List<PartUploads.Part> received, String token) {
    Instant now = Instant.now();
    String state = u.expired(now) ? "expired" : u.state();
    JsonObject j =
        new JsonObject()
            .put("id", u.id().toString())
            .put("name", u.name())
            .put("size", u.size())
            .put("state", state)
            .put("partSize", u.partSize())
            .put("partCount", u.partCount())
            .put("createdAt", u.createdAt().toString())
            .put("expiresAt", u.expiresAt().toString());
    if (u.sha256() != null) {
      j.put("sha256", u.sha256());
    }
    if (u.error() != null) {
      j.put("lastError", u.error());
    }
    if (u.assetId() != null) {
      j.put("assetId", u.assetId().toString());
    }
    if (u.jobId() != null) {
      j.put("jobId", u.jobId().toString());
    }
    JsonArray got = new JsonArray();
    java.util.Set<Integer> have = new java.util.HashSet<>();
    for (PartUploads.Part p : received) {
      got.add(new JsonObject().put("number", p.number()).put("size", p.size()));
      have.add(p.number());
    }
    j.put("received", got);
    JsonArray todo = new JsonArray();
    boolean open = "open".equals(state);
    Duration ttl = Duration.between(now, u.expiresAt());
    for (int n = 1; n <= u.partCount(); n++) {
      if (have.contains(n)) {
        continue;
      }
      JsonObject part = new JsonObject().put("number", n).put("size", expectedPartSize(u, n));
      if (open && token != null && !ttl.isNegative()) {
        part.put("url", partUrl(u, n, ttl, token));
      }
      todo.add(part);
    }
    j.put("missing", todo);
    return j;
  }

  private String partUrl(Upload u, int n, Duration ttl, String token) {
    return parts
        .presignPart(target(u), n, ttl)
        .map(java.net.URI::toString)
        .orElseGet(
            () ->
                publicUrl.get()
                    + "/internal/uploads/"
                    + u.id()
                    + "/parts/"
                    + n
                    + "?token="
                    + token);
  }

  /** The tenant's upload {@code id}; {@code NOT_FOUND} when it has none of that id. */
  private Future<Upload> upload(UUID tenant, UUID id) {
    return uploads
        .get(tenant, id)
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(
                        new AssetGridException(ErrorCode.NOT_FOUND, "upload " + id)));
  }

  // ------------------------------------------------------------------ status

  private void status(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    upload(Access.tenant(ctx), id)
        .compose(
            u -> {
              boolean open = "open".equals(u.state()) && !u.expired(Instant.now());
              Future<List<PartUploads.Part>> got =
                  open ? parts.parts(target(u)) : Future.succeededFuture(List.of());
              // a resuming client gets fresh URLs for what is missing
              return got.map(list -> describe(u, list, open ? partToken(u.id()) : null));
            })
        .onSuccess(j -> json(ctx, 200, j))
        .onFailure(e -> Problems.send(ctx, e));
  }

  // ------------------------------------------------------------------ local parts

  private void putPart(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    int n;
    try {
      n = Integer.parseInt(ctx.pathParam("n"));
    } catch (NumberFormatException e) {
      n = -1;
    }
    String token = ctx.request().getParam("token");
    int number = n;
    ctx.request().pause();
    uploads
        .get(id)
        .compose(
            found -> {
              if (found.isEmpty()
                  || token == null
                  || !MessageDigest.isEqual(
                      token.getBytes(StandardCharsets.US_ASCII),
                      partToken(id).getBytes(StandardCharsets.US_ASCII))) {
                return Future.failedFuture(
                    new AssetGridException(
                        ErrorCode.UNAUTHORIZED, "this part URL is not valid (token)"));
              }
              Upload u = found.get();
              if (!"open".equals(u.state()) || u.expired(Instant.now())) {
                return Future.failedFuture(
                    new AssetGridException(
                        ErrorCode.UPLOAD_EXPIRED,
                        ErrorCode.UPLOAD_EXPIRED.format("upload " + id + " is " + u.state())));
              }
              if (number < 1 || number > u.partCount()) {
                return Future.failedFuture(
                    new AssetGridException(
                        ErrorCode.INVALID_REQUEST,
                        "part numbers of this upload go from 1 to " + u.partCount()));
              }
              return parts.putPart(target(u), number, ctx.request(), expectedPartSize(u, number));
            })
        .onSuccess(
            p ->
                ctx.response()
                    .putHeader("ETag", "\"part-" + p.number() + "\"")
                    .setStatusCode(200)
                    .end())
        .onFailure(
            e -> {
              // the body is not read: answer, then drop the connection (or the HTTP/2 stream)
              boolean h2 = ctx.request().version() == io.vertx.core.http.HttpVersion.HTTP_2;
              if (!h2) {
                ctx.response().putHeader("Connection", "close");
              }
              ctx.response()
                  .endHandler(
                      v -> {
                        if (h2) {
                          ctx.response().reset();
                        } else {
                          ctx.request().connection().close();
                        }
                      });
              Problems.send(ctx, e);
            });
  }

  // ------------------------------------------------------------------ complete

  private void complete(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    UUID tenant = Access.tenant(ctx);
    upload(tenant, id)
        .compose(
            u -> {
              if ("completed".equals(u.state())) {
                return finished(u); // a complete repeated after its answer was lost
              }
              return uploads
                  .beginComplete(tenant, id)
                  .compose(
                      won -> {
                        if (!won) {
                          return Future.failedFuture(notOpen(u));
                        }
                        return completeOpen(ctx, u)
                            .recover(
                                e -> afterFailure(u, e).transform(x -> Future.failedFuture(e)));
                      });
            })
        .onSuccess(
            created -> {
              onQueued.run();
              String assetId = created.getJsonObject("asset").getString("id");
              ctx.response().putHeader("Location", "/v1/assets/" + assetId);
              json(ctx, 202, created);
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private static AssetGridException notOpen(Upload u) {
    if ("completing".equals(u.state())) {
      return new AssetGridException(
          ErrorCode.CONFLICT, "upload " + u.id() + " is being completed by another request");
    }
    return new AssetGridException(
        ErrorCode.UPLOAD_EXPIRED,
        ErrorCode.UPLOAD_EXPIRED.format(
            "upload " + u.id() + " is " + (u.expired(Instant.now()) ? "expired" : u.state())));
  }

  /** {asset, job} of a completed upload. */
  private Future<JsonObject> finished(Upload u) {
    return assets
        .getAsset(u.tenant(), u.assetId())
        .compose(
            a ->
                u.jobId() == null
                    ? Future.succeededFuture(new JsonObject().put("asset", a.orElse(null)))
                    : assets
                        .getJob(u.tenant(), u.jobId())
                        .map(
                            j ->
                                new JsonObject()
                                    .put("asset", a.orElse(null))
                                    .put("job", j.orElse(null))));
  }

  /**
   * A failed complete: a part missing or of the wrong size leaves the upload open (the client sends
   * it and completes again); anything found in the bytes themselves ends it and drops them.
   */
  private Future<Void> afterFailure(Upload u, Throwable e) {
    ErrorCode code = AssetGridException.codeOf(e);
    JsonObject error =
        new JsonObject()
            .put("code", code.name())
            .put("message", e.getMessage() == null ? code.name() : e.getMessage());
    boolean keep =
        code == ErrorCode.UPLOAD_PART_MISSING
            || code.retryable()
            || (code == ErrorCode.CHECKSUM_MISMATCH && e.getMessage().startsWith("part "));
    if (keep) {
      return uploads.reopen(u.id(), error);
    }
    return parts
        .abort(target(u))
        .recover(x -> Future.succeededFuture())
        .compose(v -> uploads.end(u.id(), "aborted"))
        .mapEmpty();
  }

  private Future<JsonObject> completeOpen(RoutingContext ctx, Upload u) {
    PartUploads.Target t = target(u);
    return parts
        .parts(t)
        .compose(
            got -> {
              Map<Integer, Long> bySize = new java.util.HashMap<>();
              got.forEach(p -> bySize.put(p.number(), p.size()));
              List<PartUploads.Part> ordered = new ArrayList<>(u.partCount());
              for (int n = 1; n <= u.partCount(); n++) {
                Long size = bySize.get(n);
                if (size == null) {
                  return Future.failedFuture(
                      new AssetGridException(
                          ErrorCode.UPLOAD_PART_MISSING,
                          ErrorCode.UPLOAD_PART_MISSING.format(
                              "part " + n + " of " + u.partCount() + " has not been received"),
                          Map.of("part", n),
                          null));
                }
                long want = expectedPartSize(u, n);
                if (size != want) {
                  return Future.failedFuture(
                      new AssetGridException(
                          ErrorCode.CHECKSUM_MISMATCH,
                          "part " + n + " is " + size + " bytes; it must be " + want,
                          Map.of("part", n),
                          null));
                }
                ordered.add(new PartUploads.Part(n, size));
              }
              return parts.assemble(t, ordered, u.size());
            })
        .compose(staged -> check(u, staged))
        .compose(checked -> parts.publish(t, checked.staged()).map(info -> checked))
        .compose(
            checked ->
                assets.createAssetWithJob(
                    Access.actor(ctx),
                    new AssetStore.NewAsset(
                        u.name(),
                        checked.format(),
                        checked.staged().sha256(),
                        checked.staged().size(),
                        u.tags(),
                        List.of(
                            new AssetStore.NewFile(
                                "original",
                                "original",
                                checked.staged().sha256(),
                                checked.staged().size(),
                                checked.format().mediaType()))),
                    PipelineSpec.parse(u.pipeline()),
                    (conn, assetId, jobId) -> UploadStore.completedIn(conn, u.id(), assetId)))
        .compose(
            created ->
                uploads
                    .recordJob(
                        u.id(), UUID.fromString(created.getJsonObject("job").getString("id")))
                    .map(created));
  }

  private record Checked(StagedBlob staged, ModelFormat format) {}

  /** Size, sha256 and format of the joined bytes; the staged copy is dropped when they fail. */
  private Future<Checked> check(Upload u, StagedBlob staged) {
    Optional<AssetGridException> bad = Optional.empty();
    if (staged.size() != u.size()) {
      bad =
          Optional.of(
              new AssetGridException(
                  ErrorCode.CHECKSUM_MISMATCH,
                  "the parts hold " + staged.size() + " bytes, not the " + u.size() + " declared"));
    } else if (u.sha256() != null && !u.sha256().equals(staged.sha256())) {
      bad =
          Optional.of(
              new AssetGridException(
                  ErrorCode.CHECKSUM_MISMATCH,
                  "the bytes hash to "
                      + staged.sha256()
                      + ", not the declared "
                      + u.sha256()
                      + "; the upload is deleted",
                  Map.of("sha256", staged.sha256()),
                  null));
    }
    Optional<ModelFormat> format =
        FormatSniffer.sniff(staged.head(), staged.headLength(), staged.size());
    if (bad.isEmpty() && format.isEmpty()) {
      bad =
          Optional.of(
              AssetGridException.of(
                  ErrorCode.UNSUPPORTED_FORMAT,
                  u.name()
                      + " is not a recognised model format (a .zip of a model with side files"
                      + " goes to POST /v1/assets)"));
    }
    if (bad.isPresent()) {
      AssetGridException e = bad.get();
      return discard(staged).transform(x -> Future.failedFuture(e));
    }
    ModelFormat f = format.get();
    return vertx
        .executeBlocking(
            () -> {
              UploadChecks.check(f, staged.path(), staged.size());
              return new Checked(staged, f);
            },
            false)
        .recover(e -> discard(staged).transform(x -> Future.failedFuture(e)));
  }

  private Future<Void> discard(StagedBlob staged) {
    return vertx
        .executeBlocking(
            () -> {
              java.nio.file.Files.deleteIfExists(staged.path());
              return null;
            },
            false)
        .recover(x -> Future.succeededFuture())
        .mapEmpty();
  }

  // ------------------------------------------------------------------ abort

  private void abort(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    upload(Access.tenant(ctx), id)
        .compose(
            u -> {
              if ("completed".equals(u.state())) {
                return Future.failedFuture(
                    new AssetGridException(
                        ErrorCode.CONFLICT,
                        "upload " + id + " is completed; delete its asset instead"));
              }
              return uploads.end(id, "aborted").compose(v -> parts.abort(target(u)));
            })
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> Problems.send(ctx, e));
  }

  /**
   * The secret of upload {@code id}'s local part URLs: an HMAC of its id under a key derived from
   * the grid's secret, so every coordinator of the grid accepts it and a resume can show it again
   * without the database keeping it.
   */
  String partToken(UUID id) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(partKey, "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(id.toString().getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
