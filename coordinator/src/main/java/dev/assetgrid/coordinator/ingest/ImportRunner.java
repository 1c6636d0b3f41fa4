package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.access.SecretBox;
import dev.assetgrid.coordinator.blob.BlobKind;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.S3Options;
import dev.assetgrid.coordinator.blob.StagedBlob;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.coordinator.schedule.duty.Duty;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.ImportStore;
import dev.assetgrid.coordinator.store.ImportStore.DueItem;
import dev.assetgrid.coordinator.store.ImportStore.Listing;
import dev.assetgrid.coordinator.store.ImportStore.Outcome;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batch imports on every coordinator: lists the source of one new import at a time (leased, so
 * one coordinator lists it; a lister that died leaves a lease that runs out) and writes its items
 * in one transaction; then imports items, at most {@link ImportOptions#inflight()} at once per
 * coordinator, each as an upload would make it (staged, checked, committed, asset and job in one
 * transaction with the item marked imported). An object whose bytes the tenant already holds is a
 * {@code duplicate} (or, with {@code reprocess}, a new job on the stored asset).
 */
public final class ImportRunner implements Duty {
  private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);
  static final Duration POLL = Duration.ofMillis(500);

  private final ImportStore imports;
  private final AssetStore assets;
  private final BlobStore blobs;
  private final Egress egress;
  private final SecretBox secrets;
  private final ImportOptions options;
  private final long maxBytes;
  private final String owner;
  private final Runnable onQueued;
  private Vertx vertx;
  private HttpClient http;
  private long timer = -1;
  private long renewal = -1;
  private boolean listing;
  private boolean leasing;
  private int inFlight;

  /**
   * @param maxBytes largest object imported (the upload limit)
   * @param owner this coordinator's cluster id, the leases' owner
   * @param onQueued wakes idle nodes when a job was queued
   */
  public ImportRunner(
      ImportStore imports,
      AssetStore assets,
      BlobStore blobs,
      Egress egress,
      SecretBox secrets,
      ImportOptions options,
      long maxBytes,
      String owner,
      Runnable onQueued) {
    this.imports = imports;
    this.assets = assets;
    this.blobs = blobs;
    this.egress = egress;
    this.secrets = secrets;
    this.options = options;
    this.maxBytes = maxBytes;
    this.owner = owner;
    this.onQueued = onQueued;
  }

  private io.micrometer.core.instrument.MeterRegistry meters =
      dev.assetgrid.shared.metrics.GridMeters.none();

  /**
   * Counts the items this runner ended into {@code registry}: {@code
   * assetgrid_import_items_total{state}}, state {@code imported}, {@code duplicate}, {@code failed}
   * or {@code cancelled}. Call before starting.
   */
  public ImportRunner withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meters = registry;
    for (String state : new String[] {"imported", "duplicate", "failed", "cancelled"}) {
      items(state); // every series exists from the start
    }
    return this;
  }

  private io.micrometer.core.instrument.Counter items(String state) {
    return io.micrometer.core.instrument.Counter.builder("assetgrid.import.items")
        .description("Import items ended by this coordinator, by state")
        .tags("state", state)
        .register(meters);
  }

  private void ended(String state) {
    items(
            switch (state) {
              case "imported", "duplicate", "cancelled" -> state;
              default -> "failed";
            })
        .increment();
  }

  @Override
  public void start(Vertx vertx) {
    this.vertx = vertx;
    http = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true).setKeepAlive(true));
    timer = vertx.setPeriodic(POLL.toMillis(), t -> tick());
    renewal =
        vertx.setPeriodic(
            LEASE.toMillis() / 3,
            t -> {
              if (inFlight > 0 || listing) {
                imports
                    .renew(owner, LEASE)
                    .onFailure(e -> LOG.warn("import lease renewal failed: {}", e.toString()));
              }
            });
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(renewal);
      http.close();
    }
  }

  /** How long a lease lasts unless renewed; a coordinator that died frees its items after it. */
  static final Duration LEASE = Duration.ofSeconds(30);

  private Duration lease() {
    return LEASE;
  }

  void tick() {
    if (!listing) {
      listing = true;
      imports
          .leaseListing(owner, lease())
          .compose(l -> l.map(this::list).orElse(Future.succeededFuture()))
          .onComplete(
              ar -> {
                listing = false;
                if (ar.failed()) {
                  LOG.warn("import listing failed: {}", ar.cause().toString());
                }
              });
    }
    items();
  }

  /** Leases items for the free slots. */
  private void items() {
    int free = options.inflight() - inFlight;
    if (free > 0 && !leasing) {
      leasing = true;
      imports
          .leaseItems(owner, free, lease())
          .onComplete(
              ar -> {
                leasing = false;
                if (ar.failed()) {
                  LOG.warn("import item lease failed: {}", ar.cause().toString());
                  return;
                }
                for (DueItem item : ar.result()) {
                  inFlight++;
                  run(item)
                      .onComplete(
                          done -> {
                            inFlight--;
                            if (done.failed()) {
                              LOG.warn(
                                  "import {} item {} not recorded: {}",
                                  item.importId(),
                                  item.n(),
                                  done.cause().toString());
                            }
                            items(); // a slot is free: the next item now, not at the next poll
                          });
                }
                if (ar.result().size() == free) {
                  vertx.runOnContext(v -> items());
                }
              });
    }
  }

  // ------------------------------------------------------------------ listing

  private Future<Void> list(Listing l) {
    return vertx
        .executeBlocking(
            () -> {
              try (ImportSource src = source(l.kind(), l.source(), l.sealedSecret())) {
                List<ImportSource.Entry> entries = src.list(options.maxFiles());
                if (l.kind().equals("urls")) {
                  List<ImportStore.Item> items = new ArrayList<>();
                  for (ImportSource.Entry e : entries) {
                    items.add(
                        new ImportStore.Item(
                            e.name(),
                            new JsonArray()
                                .add(new JsonObject().put("name", e.name()).put("ref", e.ref())),
                            null,
                            null,
                            null));
                  }
                  return items;
                }
                ImportGrouper.Groups g = ImportGrouper.group(entries, src::head);
                List<ImportStore.Item> all = new ArrayList<>(g.items());
                all.addAll(g.reported());
                return all;
              }
            },
            false)
        .compose(items -> imports.listed(l, owner, items).mapEmpty())
        .recover(
            e -> {
              Outcome o = ImportStore.failure(e);
              LOG.info("import {}: the listing failed: {}", l.id(), o.message());
              return imports.listingFailed(l, owner, o.code(), o.message()).map(x -> null);
            })
        .mapEmpty();
  }

  /** The source an import reads (blocking to build: call on a worker). */
  private ImportSource source(String kind, JsonObject src, byte[] sealed) {
    return switch (kind) {
      case "directory" ->
          DirectorySource.of(
              DirectorySource.confine(src.getString("directory"), options.roots()), blobs);
      case "s3" -> {
        JsonObject s3 = src.getJsonObject("s3");
        S3Options o =
            S3Options.of(s3.getString("bucket"))
                .withPrefix(s3.getString("prefix", ""))
                .withRegion(s3.getString("region"))
                .withPathStyle(s3.getBoolean("pathStyle", false));
        if (s3.getString("endpoint") != null) {
          Egress.Target t = egress.check(s3.getString("endpoint"));
          egress.resolve(t); // the endpoint is checked like any URL (the SDK connects by name)
          o = o.withEndpoint(URI.create(s3.getString("endpoint")));
        }
        S3Source.Credentials creds = null;
        if (sealed != null) {
          JsonObject c = new JsonObject(new String(secrets.open(sealed), StandardCharsets.UTF_8));
          creds =
              new S3Source.Credentials(
                  c.getString("accessKeyId"),
                  c.getString("secretAccessKey"),
                  c.getString("sessionToken"));
        }
        yield new S3Source(o, creds, blobs);
      }
      case "urls" ->
          new UrlSource(
              vertx,
              http,
              egress,
              src.getJsonArray("urls").stream().map(Object::toString).toList(),
              options.timeout(),
              blobs);
      default -> throw new IllegalStateException("import kind " + kind);
    };
  }

  // ------------------------------------------------------------------ items

  /** Stages, checks and makes one item's asset, and records how it ended. */
  private Future<Void> run(DueItem item) {
    Future<ImportSource> src =
        vertx.executeBlocking(() -> source(item.kind(), item.source(), item.sealedSecret()), false);
    return src.compose(
            s ->
                importItem(s, item)
                    .onComplete(
                        x ->
                            vertx.executeBlocking(
                                () -> {
                                  s.close();
                                  return null;
                                },
                                false)))
        .recover(e -> Future.succeededFuture(outcomeOf(e)))
        .compose(
            o -> {
              if (o == null) {
                // recorded with its asset, or the lease was lost (the new lessee records it)
                return Future.succeededFuture();
              }
              return imports.finish(item, owner, o).onSuccess(v -> ended(o.state()));
            });
  }

  private Outcome outcomeOf(Throwable e) {
    if (e instanceof ImportStore.NotImported n) {
      return switch (n.state) {
        case "duplicate" ->
            new Outcome(
                "duplicate",
                n.existing,
                null,
                null,
                "the tenant holds these bytes already",
                null,
                null);
        case "cancelled" -> new Outcome("cancelled", null, null, null, null, null, null);
        default -> null;
      };
    }
    if (!(e instanceof AssetGridException)) {
      LOG.warn("import item failed: {}", e.toString());
    }
    return ImportStore.failure(e);
  }

  private Future<Outcome> importItem(ImportSource src, DueItem item) {
    JsonArray files = item.files();
    JsonObject model = files.getJsonObject(0);
    Long declared = model.getLong("size");
    if (declared != null && declared > maxBytes) {
      return Future.failedFuture(AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, maxBytes));
    }
    UUID tenant = item.actor().tenant();
    return src.stage(model.getString("ref"), maxBytes)
        .compose(staged -> unzipped(staged, item))
        .compose(
            parts ->
                checked(parts.model(), item.name())
                    .map(c -> new Parts(c, parts.sides()))
                    .recover(
                        e ->
                            discard(
                                    parts.sides().stream()
                                        .map(ZipUnpacker.Unpacked::staged)
                                        .toList())
                                .transform(x -> Future.failedFuture(e))))
        .compose(
            parts ->
                imports
                    .assetBySha(tenant, parts.model().staged().sha256())
                    .compose(
                        existing -> {
                          if (existing.isPresent()) {
                            return discardAll(parts)
                                .compose(
                                    v -> duplicate(item, existing.get(), parts.model().staged()));
                          }
                          return create(src, item, parts);
                        }));
  }

  /** A zip item's model and side files as staged from the archive; other items as they are. */
  private record Unzipped(StagedBlob model, List<ZipUnpacker.Unpacked> sides) {}

  /** An item's checked model and the side files of its zip (none for other items). */
  private record Parts(Checked model, List<ZipUnpacker.Unpacked> sides) {}

  private Future<Unzipped> unzipped(StagedBlob staged, DueItem item) {
    if (!ImportGrouper.extension(item.name()).equals("zip")) {
      return Future.succeededFuture(new Unzipped(staged, List.of()));
    }
    return new ZipUnpacker(vertx, blobs, new UploadLimits(maxBytes, UploadLimits.DEFAULT_MAX_FILES))
        .unpack(staged.path())
        .transform(
            ar ->
                blobs
                    .discard(staged) // the archive itself is not kept: its files are
                    .transform(
                        x ->
                            ar.succeeded()
                                ? Future.succeededFuture(ar.result())
                                : Future.<List<ZipUnpacker.Unpacked>>failedFuture(ar.cause())))
        .compose(
            files -> {
              List<ZipUnpacker.Unpacked> models =
                  files.stream().filter(ZipUnpacker.Unpacked::isModel).toList();
              if (models.size() != 1) {
                AssetGridException e =
                    AssetGridException.of(
                        models.isEmpty() ? ErrorCode.UNSUPPORTED_FORMAT : ErrorCode.INVALID_REQUEST,
                        item.name()
                            + (models.isEmpty()
                                ? " holds no model file"
                                : " holds "
                                    + models.size()
                                    + " models; a zip is one model with its files"));
                return discard(files.stream().map(ZipUnpacker.Unpacked::staged).toList())
                    .transform(x -> Future.failedFuture(e));
              }
              List<ZipUnpacker.Unpacked> sides = files.stream().filter(u -> !u.isModel()).toList();
              return Future.succeededFuture(new Unzipped(models.get(0).staged(), sides));
            });
  }

  private Future<Void> discard(List<StagedBlob> staged) {
    Future<Void> chain = Future.succeededFuture();
    for (StagedBlob s : staged) {
      chain = chain.compose(v -> blobs.discard(s).recover(x -> Future.succeededFuture()));
    }
    return chain;
  }

  private Future<Void> discardAll(Parts parts) {
    List<StagedBlob> all = new ArrayList<>();
    all.add(parts.model().staged());
    parts.sides().forEach(u -> all.add(u.staged()));
    return discard(all);
  }

  /** A duplicate: reported, or with {@code reprocess} a new job on the stored asset. */
  private Future<Outcome> duplicate(DueItem item, UUID existing, StagedBlob staged) {
    if (!item.reprocess()) {
      return Future.succeededFuture(
          new Outcome(
              "duplicate",
              existing,
              null,
              null,
              "the tenant holds these bytes already (asset " + existing + ")",
              staged.size(),
              staged.sha256()));
    }
    return assets
        .createJob(item.actor(), existing, PipelineSpec.parse(item.pipeline()))
        .map(
            job -> {
              onQueued.run();
              return new Outcome(
                  "duplicate",
                  existing,
                  job.orElse(null),
                  null,
                  "the tenant holds these bytes already; reprocessed",
                  staged.size(),
                  staged.sha256());
            });
  }

  private record Checked(StagedBlob staged, ModelFormat format) {}

  private Future<Checked> checked(StagedBlob staged, String name) {
    var format = FormatSniffer.sniff(staged.head(), staged.headLength(), staged.size());
    if (format.isEmpty()) {
      return blobs
          .discard(staged)
          .transform(
              x ->
                  Future.failedFuture(
                      AssetGridException.of(
                          ErrorCode.UNSUPPORTED_FORMAT,
                          name + " is not a model format the grid reads")));
    }
    return vertx
        .executeBlocking(
            () -> {
              UploadChecks.check(format.get(), staged.path(), staged.size());
              return new Checked(staged, format.get());
            },
            false)
        .recover(e -> blobs.discard(staged).transform(x -> Future.failedFuture(e)));
  }

  /** Stages and commits the side files and the model, then makes the asset and its job. */
  private Future<Outcome> create(ImportSource src, DueItem item, Parts parts) {
    Checked primary = parts.model();
    UUID tenant = item.actor().tenant();
    BlobSpace space = new BlobSpace(tenant, BlobKind.ORIGINAL);
    List<AssetStore.NewFile> files = new ArrayList<>();
    files.add(
        new AssetStore.NewFile(
            "original",
            "original",
            primary.staged().sha256(),
            primary.staged().size(),
            primary.format().mediaType()));
    Future<Void> chain = blobs.commit(primary.staged(), space).mapEmpty();
    for (ZipUnpacker.Unpacked u : parts.sides()) {
      // a zip's files, named by their path in the archive
      chain =
          chain.compose(
              v -> {
                files.add(
                    new AssetStore.NewFile(
                        u.name(),
                        "side",
                        u.staged().sha256(),
                        u.staged().size(),
                        ZipUnpacker.contentTypeOf(u.name())));
                return blobs.commit(u.staged(), space).mapEmpty();
              });
    }
    for (int i = 1; i < item.files().size(); i++) {
      JsonObject f = item.files().getJsonObject(i);
      chain =
          chain.compose(
              v ->
                  src.stage(f.getString("ref"), maxBytes)
                      .compose(
                          staged -> {
                            files.add(
                                new AssetStore.NewFile(
                                    f.getString("name"),
                                    "side",
                                    staged.sha256(),
                                    staged.size(),
                                    contentType(f.getString("name"))));
                            return blobs.commit(staged, space).mapEmpty();
                          }));
    }
    String name = item.name().substring(item.name().lastIndexOf('/') + 1);
    return chain
        .compose(
            v ->
                assets.createAssetWithJob(
                    item.actor(),
                    new AssetStore.NewAsset(
                        name,
                        primary.format(),
                        primary.staged().sha256(),
                        primary.staged().size(),
                        item.tags(),
                        files),
                    PipelineSpec.parse(item.pipeline()),
                    (conn, assetId, jobId) ->
                        ImportStore.importedIn(
                            conn,
                            item,
                            owner,
                            assetId,
                            jobId,
                            primary.staged().sha256(),
                            primary.staged().size())))
        .map(
            created -> {
              onQueued.run();
              ended("imported");
              return null; // recorded with the asset, in its transaction
            });
  }

  private static String contentType(String name) {
    String t = java.net.URLConnection.guessContentTypeFromName(name);
    return t == null ? "application/octet-stream" : t;
  }
}
