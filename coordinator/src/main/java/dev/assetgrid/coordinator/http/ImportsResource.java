package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Paging.limit;
import static dev.assetgrid.coordinator.http.Paging.param;
import static dev.assetgrid.coordinator.http.Responses.id;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.access.SecretBox;
import dev.assetgrid.coordinator.ingest.DirectorySource;
import dev.assetgrid.coordinator.ingest.ImportOptions;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.coordinator.store.ImportStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/imports}: batch imports from an S3 prefix, a folder under an {@code --import-root}
 * (admins only) or a list of URLs. The request is checked here (the source's form, the folder's
 * confinement, each URL's address rules) and answered {@code 202}; the coordinators list and import
 * it in the background ({@code ingest.ImportRunner}).
 */
final class ImportsResource implements HttpResource {
  private static final Set<String> MEMBERS =
      Set.of("s3", "directory", "urls", "pipeline", "tags", "reprocess");
  private static final Set<String> S3_MEMBERS =
      Set.of("bucket", "prefix", "endpoint", "region", "pathStyle", "credentials");
  private static final Set<String> ITEM_STATES =
      Set.of("pending", "importing", "imported", "duplicate", "failed", "skipped", "cancelled");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Most URLs in one import. */
  static final int MAX_URLS = 10_000;

  private final Access access;
  private final Vertx vertx;
  private final ImportStore imports;
  private final Egress egress;
  private final SecretBox secrets;
  private final ImportOptions options;

  ImportsResource(
      Access access,
      Vertx vertx,
      ImportStore imports,
      Egress egress,
      SecretBox secrets,
      ImportOptions options) {
    this.access = access;
    this.vertx = vertx;
    this.imports = imports;
    this.egress = egress;
    this.secrets = secrets;
    this.options = options;
  }

  @Override
  public void register(Router r) {
    access
        .write(
            r.post("/v1/imports").handler(BodyHandler.create().setBodyLimit(4 << 20)),
            "import.create",
            Role.WRITER)
        .handler(this::create);
    r.get("/v1/imports").handler(this::list);
    r.get("/v1/imports/:id").handler(this::get);
    r.get("/v1/imports/:id/items").handler(this::items);
    access
        .write(r.post("/v1/imports/:id/cancel"), "import.cancel", Role.WRITER)
        .handler(this::cancel);
  }

  private void create(RoutingContext ctx) {
    ImportStore.NewImport n;
    try {
      n = request(ctx);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
      return;
    }
    vertx
        .executeBlocking(() -> checkAddresses(n), false)
        .compose(v -> imports.create(Access.actor(ctx), n))
        .onSuccess(
            view -> {
              ctx.response().putHeader("Location", "/v1/imports/" + view.getString("id"));
              json(ctx, 202, view);
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  /** A folder is confined (real paths, no link out); URL and endpoint hosts are resolved. */
  private Void checkAddresses(ImportStore.NewImport n) {
    switch (n.kind()) {
      case "directory" ->
          DirectorySource.confine(n.source().getString("directory"), options.roots());
      case "urls" -> {
        // the form of every URL was checked; resolving thousands here would stall the request
      }
      default -> {
        String endpoint = n.source().getJsonObject("s3").getString("endpoint");
        if (endpoint != null) {
          egress.resolve(egress.check(endpoint));
        }
      }
    }
    return null;
  }

  private ImportStore.NewImport request(RoutingContext ctx) {
    JsonObject body =
        Bodies.object(
            ctx,
            "{\"s3\": {\"bucket\", \"prefix\"}} or {\"directory\": \"/path\"} or {\"urls\": [...]},"
                + " with optional pipeline, tags, reprocess");
    for (String k : body.fieldNames()) {
      if (!MEMBERS.contains(k)) {
        throw Bodies.invalid("/" + k, "unknown member " + k + "; expected one of " + MEMBERS);
      }
    }
    List<String> sources = new ArrayList<>();
    for (String k : List.of("s3", "directory", "urls")) {
      if (body.containsKey(k)) {
        sources.add(k);
      }
    }
    if (sources.size() != 1) {
      throw Bodies.invalid("/", "give exactly one source: s3, directory or urls");
    }
    String kind = sources.get(0);
    String pipeline =
        body.getValue("pipeline") == null ? "inspect" : body.getValue("pipeline").toString();
    try {
      PipelineSpec.parse(pipeline);
    } catch (AssetGridException e) {
      throw new AssetGridException(e.code(), e.getMessage(), Map.of("pointer", "/pipeline"), null);
    }
    List<String> tags = Bodies.tags(body);
    Object reprocess = body.getValue("reprocess");
    if (reprocess != null && !(reprocess instanceof Boolean)) {
      throw Bodies.invalid("/reprocess", "reprocess must be true or false");
    }
    JsonObject source;
    byte[] sealed = null;
    switch (kind) {
      case "directory" -> {
        if (!Access.principal(ctx).role().covers(Role.ADMIN)) {
          throw new AssetGridException(ErrorCode.FORBIDDEN, "folder imports need an admin key");
        }
        if (!(body.getValue("directory") instanceof String d) || d.isBlank()) {
          throw Bodies.invalid("/directory", "directory must be an absolute path");
        }
        source = new JsonObject().put("directory", d);
      }
      case "urls" -> {
        if (!(body.getValue("urls") instanceof JsonArray urls)
            || urls.isEmpty()
            || urls.size() > MAX_URLS) {
          throw Bodies.invalid("/urls", "urls must be an array of 1 to " + MAX_URLS + " URLs");
        }
        for (int i = 0; i < urls.size(); i++) {
          Object u = urls.getValue(i);
          try {
            if (!(u instanceof String s)) {
              throw new AssetGridException(ErrorCode.URL_NOT_ALLOWED, "a URL is a string");
            }
            egress.check(s);
          } catch (AssetGridException e) {
            throw new AssetGridException(
                ErrorCode.URL_NOT_ALLOWED, e.getMessage(), Map.of("pointer", "/urls/" + i), null);
          }
        }
        source = new JsonObject().put("urls", urls);
      }
      default -> {
        if (!(body.getValue("s3") instanceof JsonObject s3)) {
          throw Bodies.invalid("/s3", "s3 must be {\"bucket\": ..., \"prefix\": ...}");
        }
        for (String k : s3.fieldNames()) {
          if (!S3_MEMBERS.contains(k)) {
            throw Bodies.invalid(
                "/s3/" + k, "unknown member " + k + "; expected one of " + S3_MEMBERS);
          }
        }
        if (!(s3.getValue("bucket") instanceof String b) || !BUCKET.matcher(b).matches()) {
          throw Bodies.invalid("/s3/bucket", "bucket must be an S3 bucket name");
        }
        JsonObject kept = new JsonObject().put("bucket", b);
        for (String k : List.of("prefix", "region", "endpoint")) {
          Object v = s3.getValue(k);
          if (v != null && !(v instanceof String)) {
            throw Bodies.invalid("/s3/" + k, k + " must be a string");
          }
          if (v != null) {
            kept.put(k, v);
          }
        }
        if (s3.getValue("pathStyle") != null) {
          if (!(s3.getValue("pathStyle") instanceof Boolean p)) {
            throw Bodies.invalid("/s3/pathStyle", "pathStyle must be true or false");
          }
          kept.put("pathStyle", p);
        }
        if (kept.getString("endpoint") != null) {
          try {
            egress.check(kept.getString("endpoint"));
          } catch (AssetGridException e) {
            throw new AssetGridException(
                ErrorCode.URL_NOT_ALLOWED, e.getMessage(), Map.of("pointer", "/s3/endpoint"), null);
          }
        }
        Object c = s3.getValue("credentials");
        if (c != null) {
          if (!(c instanceof JsonObject creds)
              || !(creds.getValue("accessKeyId") instanceof String)
              || !(creds.getValue("secretAccessKey") instanceof String)) {
            throw Bodies.invalid(
                "/s3/credentials",
                "credentials must be {\"accessKeyId\", \"secretAccessKey\", \"sessionToken\"?}");
          }
          // kept sealed, never shown, dropped when the import ends
          sealed = secrets.seal(creds.encode().getBytes(StandardCharsets.UTF_8));
        }
        source = new JsonObject().put("s3", kept);
      }
    }
    return new ImportStore.NewImport(
        kind,
        source,
        sealed,
        pipeline,
        tags == null ? List.of() : tags,
        Boolean.TRUE.equals(reprocess));
  }

  private void list(RoutingContext ctx) {
    try {
      imports
          .list(Access.tenant(ctx), Paging.afterId(ctx, "an import"), limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void get(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id != null) {
      Responses.found(ctx, imports.get(Access.tenant(ctx), id), () -> "import " + id);
    }
  }

  private void items(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    try {
      String state = param(ctx, "state");
      if (state != null && !ITEM_STATES.contains(state)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST, "state must be one of " + ITEM_STATES);
      }
      String after = param(ctx, "after");
      Integer afterN;
      try {
        afterN = after == null ? null : Integer.valueOf(after);
      } catch (NumberFormatException e) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "after must be an item number");
      }
      Responses.found(
          ctx,
          imports.items(Access.tenant(ctx), id, state, afterN, limit(ctx)),
          () -> "import " + id);
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }

  private void cancel(RoutingContext ctx) {
    UUID id = id(ctx, "id");
    if (id == null) {
      return;
    }
    imports
        .cancel(Access.actor(ctx), id)
        .compose(
            o -> {
              if (o.isEmpty()) {
                return io.vertx.core.Future.failedFuture(
                    new AssetGridException(ErrorCode.NOT_FOUND, "import " + id));
              }
              return imports.get(Access.tenant(ctx), id).map(v -> v.orElseThrow());
            })
        .onSuccess(view -> json(ctx, 200, view))
        .onFailure(e -> Problems.send(ctx, e));
  }
}
