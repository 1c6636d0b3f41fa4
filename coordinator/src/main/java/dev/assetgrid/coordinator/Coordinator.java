package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.access.KeyCache;
import dev.assetgrid.coordinator.access.RateLimiter;
import dev.assetgrid.coordinator.access.SecretBox;
import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.LegacyLayout;
import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.coordinator.blob.PartUploads;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.events.NodeRegistry;
import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.events.TenantEvents;
import dev.assetgrid.coordinator.events.WebhookSender;
import dev.assetgrid.coordinator.http.ApiVerticle;
import dev.assetgrid.coordinator.ingest.ImportOptions;
import dev.assetgrid.coordinator.ingest.ImportRunner;
import dev.assetgrid.coordinator.ingest.UploadLimits;
import dev.assetgrid.coordinator.metrics.GridGauges;
import dev.assetgrid.coordinator.metrics.QueueMeters;
import dev.assetgrid.coordinator.net.Egress;
import dev.assetgrid.coordinator.schedule.LeaseBroker;
import dev.assetgrid.coordinator.schedule.RetryPolicy;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.schedule.StoredOutputs;
import dev.assetgrid.coordinator.schedule.duty.BlobPurge;
import dev.assetgrid.coordinator.schedule.duty.BlobScrub;
import dev.assetgrid.coordinator.schedule.duty.DerivativeDrop;
import dev.assetgrid.coordinator.schedule.duty.Duties;
import dev.assetgrid.coordinator.schedule.duty.Duty;
import dev.assetgrid.coordinator.schedule.duty.LeaseReclaimer;
import dev.assetgrid.coordinator.schedule.duty.NodeLossRequeuer;
import dev.assetgrid.coordinator.schedule.duty.OrphanSweeper;
import dev.assetgrid.coordinator.schedule.duty.RetryTicker;
import dev.assetgrid.coordinator.schedule.duty.RowRetention;
import dev.assetgrid.coordinator.schedule.duty.ScrubReport;
import dev.assetgrid.coordinator.schedule.duty.UploadSweeper;
import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.coordinator.store.AuditLog;
import dev.assetgrid.coordinator.store.BlobIntegrity;
import dev.assetgrid.coordinator.store.BlobRefs;
import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.coordinator.store.DerivativeRetention;
import dev.assetgrid.coordinator.store.EventPublisher;
import dev.assetgrid.coordinator.store.EventStore;
import dev.assetgrid.coordinator.store.GridCensus;
import dev.assetgrid.coordinator.store.ImportStore;
import dev.assetgrid.coordinator.store.KeyStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.coordinator.store.QueueStore;
import dev.assetgrid.coordinator.store.UploadStore;
import dev.assetgrid.coordinator.store.WebhookStore;
import dev.assetgrid.node.Node;
import dev.assetgrid.node.isolate.Isolation;
import dev.assetgrid.node.isolate.StagePool;
import dev.assetgrid.node.natives.NativeProbe;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.node.worker.WorkerVerticle;
import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterSecret;
import dev.assetgrid.shared.metrics.GridMeters;
import dev.assetgrid.shared.pipeline.JobPlanner;
import dev.assetgrid.shared.tls.PemFiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: database (embedded or external), clustered Vert.x, blob store, scheduler,
 * lease broker and its duties, HTTP API and, unless {@code workers == 0}, in-process worker slots.
 */
public final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final CoordinatorConfig config;
  private final Database db;
  private final Vertx vertx;
  private final Pool pool;
  private final ApiVerticle api;
  private final WorkerVerticle worker;
  private final String workerDeployment;

  /** The worker processes of the in-process slots' native stages; null without slots. */
  private StagePool stages;

  private Coordinator(
      CoordinatorConfig config,
      Database db,
      Vertx vertx,
      Pool pool,
      ApiVerticle api,
      WorkerVerticle worker,
      String workerDeployment) {
    this.config = config;
    this.db = db;
    this.vertx = vertx;
    this.pool = pool;
    this.api = api;
    this.worker = worker;
    this.workerDeployment = workerDeployment;
  }

  /** Starts everything; blocks the calling thread (never call it on an event loop). */
  public static Coordinator start(CoordinatorConfig config) throws Exception {
    long t0 = System.nanoTime();
    // HTTPS: the operator's files checked, or the development certificate made in the data folder
    TlsOptions tls = config.tls().prepare(config.dataDir(), certificateHosts(config));
    PemKeyCertOptions keyCert = tls.enabled() ? tls.keyCert() : null;
    if (tls.enabled()) {
      LOG.info(
          "HTTPS with {} (SHA-256 fingerprint {})",
          tls.cert(),
          PemFiles.fingerprint(tls.certificate()));
    } else if (!isLoopback(config.httpHost())) {
      LOG.warn(
          "the API listens on {} over plain HTTP: API keys and assets cross the network"
              + " unencrypted; give it --tls-cert/--tls-key (or put a TLS proxy in front)",
          config.httpHost());
    }
    Database db =
        config.dbUrl() == null
            ? Database.embedded(config.dataDir().resolve("pg"))
            : Database.external(config.dbUrl());
    Vertx vertx = null;
    try {
      db.migrate();
      // the grid's secret: given, or generated into the data folder on first start (mode 0600)
      ClusterOptions clusterOptions =
          config.cluster().secret() != null
              ? config.cluster()
              : config
                  .cluster()
                  .withSecret(
                      ClusterSecret.readOrCreate(
                          config.dataDir().resolve(ClusterSecret.FILE_NAME)));
      // one registry for Vert.x's metrics and the grid's, served at /metrics
      PrometheusMeterRegistry meters = GridMeters.newRegistry();
      vertx =
          await(
              ClusterBootstrap.start(
                  clusterOptions,
                  GridMeters.vertxOptions(new VertxOptions()),
                  GridMeters.vertxFactory(meters)));
      dev.assetgrid.shared.log.LogFields.process(
          dev.assetgrid.shared.log.LogFields.NODE, ClusterBootstrap.nodeId(vertx));
      Pool pool = db.pool(vertx, 16);
      Pool queuePool = db.queuePool(vertx, 8);
      BlobStore blobs = openBlobStore(vertx, pool, config);
      // with a store that presigns, nodes move task bytes to and from it themselves
      boolean direct = config.storage().s3() != null;
      Duration inputUrlTtl = config.lease().plus(INPUT_URL_SLACK);
      AtomicBoolean ready = new AtomicBoolean();
      String[] publicUrl = new String[1];
      Scheduler.Urls urls =
          new Scheduler.Urls() {
            @Override
            public String input(UUID taskId, BlobKey key) {
              return publicUrl[0] + "/internal/tasks/" + taskId + "/inputs/" + key.sha256();
            }

            @Override
            public String outputs(UUID taskId) {
              return publicUrl[0] + "/internal/tasks/" + taskId + "/outputs";
            }

            @Override
            public Optional<String> presignedInput(UUID taskId, BlobKey key) {
              return blobs.presignGet(key, inputUrlTtl).map(URI::toString);
            }

            @Override
            public boolean presignedOutputs() {
              return direct;
            }
          };
      LeaseBroker[] broker = new LeaseBroker[1];
      Runnable wake =
          () -> {
            if (broker[0] != null) {
              broker[0].wake();
            }
          };
      EventPublisher events = new QueueMeters(meters).observing(JobEvents.publisher(vertx));
      Scheduler scheduler =
          new Scheduler(
              new QueueStore(queuePool, events),
              new Scheduler.Settings(
                  config.lease(),
                  config.maxRuntime(),
                  new RetryPolicy(config.maxAttempts(), config.retryBase(), config.retryMax())),
              urls,
              wake);
      LeaseTokens leaseTokens = new LeaseTokens(pool);
      if (direct) {
        scheduler.withOutputCheck(new StoredOutputs(leaseTokens, blobs));
      }
      AssetStore assets =
          new AssetStore(
                  pool, config.maxAttempts(), JobPlanner::plan, events, config.access().quotas())
              .verifyingBlobsIn(blobs);
      KeyStore keyStore = new KeyStore(pool);
      AuditLog audit = new AuditLog(pool);
      AdminKey.bootstrap(keyStore, config.dataDir());
      KeyCache keyCache = null;
      if (config.access().auth()) {
        keyCache = new KeyCache(vertx, keyStore, Clock.systemUTC());
        await(keyCache.start());
      } else {
        LOG.warn(
            "authentication is OFF (--auth off): anyone who reaches the API acts as the admin of"
                + " tenant default; use this for local experiments only");
      }
      NodeRegistry nodes = new NodeRegistry(vertx, true);
      nodes.bindTo(meters);
      ApiVerticle api =
          new ApiVerticle(
              config.httpHost(),
              config.httpPort(),
              assets,
              scheduler,
              leaseTokens,
              blobs,
              nodes,
              new UploadLimits(config.maxUploadBytes(), UploadLimits.DEFAULT_MAX_FILES),
              ready::get,
              wake,
              new ApiVerticle.Security(
                  keyCache,
                  keyStore,
                  audit,
                  config.access().quotas(),
                  RateLimiter.of(vertx),
                  config.access().requestsPerSecond(),
                  config.access().uploadBytesPerSecond()));
      PartUploads partUploads = blobs.partUploads(config.dataDir().resolve("uploads"));
      UploadStore uploadStore = new UploadStore(pool);
      api.withUploads(
          new ApiVerticle.DirectUploads(
              uploadStore,
              partUploads,
              direct
                  ? Math.min(config.maxUploadBytes(), S3BlobStore.MAX_DIRECT_UPLOAD_BYTES)
                  : config.maxUploadBytes(),
              config.storage().uploadExpiry(),
              () -> publicUrl[0],
              clusterOptions.secret().derive("assetgrid upload part URLs")));
      api.withMetrics(meters, new GridGauges(new GridCensus(pool), meters));
      api.withTls(keyCert)
          .withFileRedirects(
              direct && config.storage().filesVia() == StorageOptions.FilesVia.REDIRECT)
          .withStoragePrice(config.storage().pricePerGbMonth());
      BlobScrub scrub =
          new BlobScrub(
              vertx,
              new BlobIntegrity(pool),
              blobs,
              config.storage().scrubPace(),
              config.storage().scrubInBackground());
      api.withScrub(scrub::scrubNow);
      NotifyOptions notify = config.notifications();
      EventStore eventStore = new EventStore(pool);
      WebhookStore webhookStore = new WebhookStore(pool);
      Egress egress = new Egress(notify.allowHttpWebhooks(), notify.allowCidrs());
      SecretBox webhookSecrets =
          new SecretBox(
              clusterOptions.secret().derive("assetgrid webhook signing secrets"),
              "webhook signing secret");
      ImportOptions importOptions = config.imports();
      ImportStore importStore = new ImportStore(pool);
      Egress importEgress = new Egress(importOptions.allowHttp(), importOptions.allowCidrs());
      SecretBox importSecrets =
          new SecretBox(
              clusterOptions.secret().derive("assetgrid import credentials"), "import credentials");
      api.withImports(
          new ApiVerticle.Imports(importStore, importEgress, importSecrets, importOptions));
      api.withNotify(
          new ApiVerticle.Notify(
              eventStore,
              new TenantEvents(vertx, eventStore, TenantEvents.POLL),
              webhookStore,
              egress,
              webhookSecrets));
      await(vertx.deployVerticle(api));
      publicUrl[0] =
          config.publicUrl() != null
              ? stripSlash(config.publicUrl())
              : (tls.enabled() ? "https://" : "http://")
                  + (config.httpHost().equals("0.0.0.0")
                      ? config.cluster().publicHost()
                      : config.httpHost())
                  + ":"
                  + api.actualPort();
      broker[0] = new LeaseBroker(scheduler);
      await(vertx.deployVerticle(broker[0]));
      Vertx cluster = vertx;
      // the database's wall clock: leases and retries are timed by the server's now()
      Clock clock = Clock.systemUTC();
      UploadSweeper sweeper = new UploadSweeper(uploadStore, partUploads);
      BlobPurge purge = new BlobPurge(new BlobRefs(pool), blobs, config.storage().purgeAfter());
      Duration dropAfter = config.storage().dropDerivativesAfter();
      DerivativeDrop drop =
          dropAfter == null
              ? null
              : new DerivativeDrop(new DerivativeRetention(pool), dropAfter, clock);
      List<Duty> duties =
          new ArrayList<>(
              List.of(
                  new RetryTicker(scheduler, clock, broker[0]::hasParked, broker[0]::retryParked),
                  new LeaseReclaimer(scheduler, clock),
                  new NodeLossRequeuer(scheduler),
                  new RowRetention(
                      "audit", config.access().auditRetention(), audit::purgeOlderThan),
                  new RowRetention("event", notify.eventRetention(), eventStore::purgeOlderThan),
                  new ImportRunner(
                          importStore,
                          assets,
                          blobs,
                          importEgress,
                          importSecrets,
                          importOptions,
                          config.maxUploadBytes(),
                          ClusterBootstrap.nodeId(vertx),
                          wake)
                      .withMeters(meters),
                  new WebhookSender(
                          webhookStore,
                          egress,
                          webhookSecrets,
                          notify,
                          ClusterBootstrap.nodeId(vertx))
                      .withMeters(meters),
                  purge,
                  sweeper,
                  scrub,
                  new OrphanSweeper(
                      scheduler, clock, () -> new HashSet<>(ClusterBootstrap.members(cluster)))));
      if (drop != null) {
        duties.add(drop);
      }
      await(vertx.deployVerticle(new Duties(duties)));
      WorkerVerticle worker = null;
      String workerDeployment = null;
      int slots = config.workers() < 0 ? WorkerOptions.defaultSlots() : config.workers();
      StagePool stages = null;
      if (slots > 0) {
        // native code on uploaded bytes never runs in the control plane's JVM
        Isolation isolation = new Isolation(Isolation.NATIVE, Isolation.DEFAULT_HEAP);
        stages = isolation.pool(config.dataDir().resolve("work"));
        worker =
            Node.deployWorker(
                    vertx,
                    ClusterBootstrap.nodeId(vertx),
                    config.cluster().publicHost(),
                    new WorkerOptions(
                        slots,
                        config.dataDir().resolve("work"),
                        WorkerOptions.DEFAULT_LEASE_WAIT_MS,
                        WorkerOptions.DEFAULT_DRAIN_TIMEOUT_MS,
                        WorkerOptions.DEFAULT_ANNOUNCE_MS,
                        tls.cert()), // the in-process slots trust this coordinator's certificate
                    NativeProbe.probe(),
                    isolation,
                    stages)
                .withMeters(meters);
        workerDeployment = await(vertx.deployVerticle(worker));
      }
      ready.set(true);
      LOG.info(
          "coordinator ready in {} ms: http {} (public {}), database {}, cluster {} at {}, {} in-process slot(s)",
          (System.nanoTime() - t0) / 1_000_000,
          api.actualPort(),
          publicUrl[0],
          db.describe(),
          config.cluster().clusterName(),
          ClusterBootstrap.joinAddress(vertx),
          slots);
      Coordinator c =
          new Coordinator(
              config.withCluster(clusterOptions).withTls(tls),
              db,
              vertx,
              pool,
              api,
              worker,
              workerDeployment);
      c.stages = stages;
      c.purge = purge;
      c.drop = drop;
      c.store = blobs;
      c.sweeper = sweeper;
      c.scrub = scrub;
      return c;
    } catch (Exception | Error e) {
      if (vertx != null) {
        try {
          await(vertx.close());
        } catch (Exception ignored) {
          // already failing
        }
      }
      db.close();
      throw e;
    }
  }

  /**
   * The store of {@code --s3-bucket}, checked (credentials found, bucket answers), or the local
   * folder {@code <data-dir>/blobs} with an old flat layout moved to the per-tenant one.
   */
  private static BlobStore openBlobStore(Vertx vertx, Pool pool, CoordinatorConfig config)
      throws Exception {
    if (config.storage().s3() != null) {
      S3BlobStore s3 =
          new S3BlobStore(vertx, config.storage().s3(), config.dataDir().resolve("s3-staging"));
      await(s3.start());
      return s3;
    }
    LocalBlobStore local = new LocalBlobStore(vertx, config.dataDir().resolve("blobs"));
    await(local.start());
    if (LegacyLayout.present(local.root())) {
      LegacyLayout.migrate(local.root(), await(new BlobRefs(pool).keysBySha()));
    }
    return local;
  }

  /** The API's routes as {@code "METHOD /path"} (see {@link ApiVerticle#routes}). */
  public List<String> routes() {
    return api.routes();
  }

  public int httpPort() {
    return api.actualPort();
  }

  private volatile BlobPurge purge;
  private volatile DerivativeDrop drop;
  private volatile BlobStore store;
  private volatile UploadSweeper sweeper;

  /**
   * Runs the upload sweeper now (it also runs every minute): aborts direct uploads past their
   * expiry; the number aborted.
   */
  public Future<Integer> sweepUploadsNow() {
    return sweeper.runOnce();
  }

  /** A presigned input URL outlives the lease by this much (the node fetches inputs at once). */
  static final Duration INPUT_URL_SLACK = Duration.ofMinutes(5);

  /** The blob store (the local folder or the S3 bucket). */
  public BlobStore blobStore() {
    return store;
  }

  /** The body bytes the API moved since start, by kind of route. */
  public dev.assetgrid.coordinator.http.Transfers transfers() {
    return api.transfers();
  }

  /**
   * Runs the blob purge now (it also runs every 30 s): deletes the blobs unreferenced for longer
   * than {@code --purge-after}; the number deleted.
   */
  public Future<Integer> purgeBlobsNow() {
    return purge.runOnce();
  }

  private volatile BlobScrub scrub;

  /**
   * Runs one full integrity scrub now (as {@code POST /v1/admin/scrub}): re-reads every blob at
   * {@code --scrub-mb-per-s}; what it found.
   */
  public Future<ScrubReport> scrubBlobsNow() {
    return scrub.scrubNow();
  }

  /**
   * Runs the retention rule now as if the clock said {@code asOf} (it also runs every 10 minutes):
   * drops the derivatives of assets untouched for {@code --drop-derivatives-after} before then.
   *
   * @throws IllegalStateException when the rule is off
   */
  public Future<DerivativeRetention.Dropped> dropColdDerivativesNow(Instant asOf) {
    if (drop == null) {
      throw new IllegalStateException("--drop-derivatives-after is off");
    }
    return drop.runAsOf(asOf);
  }

  /** The API on loopback: {@code http://} or, with TLS on, {@code https://}. */
  public String baseUrl() {
    return (config.tls().enabled() ? "https" : "http") + "://127.0.0.1:" + api.actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public Database database() {
    return db;
  }

  /** The configuration it runs with; its cluster options carry the grid's secret. */
  public CoordinatorConfig config() {
    return config;
  }

  /** Hazelcast address nodes can {@code --join}. */
  public String clusterAddress() {
    return ClusterBootstrap.joinAddress(vertx);
  }

  /**
   * Drains the in-process workers, stops serving, leaves the cluster and stops the embedded
   * database.
   */
  public void close() {
    try {
      if (workerDeployment != null) {
        await(vertx.undeploy(workerDeployment));
      }
      if (stages != null) {
        stages.close();
      }
      if (store != null) {
        await(store.close());
      }
      await(vertx.close());
    } catch (Exception e) {
      LOG.warn("coordinator stop: {}", e.toString());
    } finally {
      db.close();
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  /**
   * Names a development certificate is made for: loopback, the API's address and the addresses
   * nodes use (the cluster's public host, the public URL's host).
   */
  static List<String> certificateHosts(CoordinatorConfig config) {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    if (!Set.of("0.0.0.0", "::", "[::]").contains(config.httpHost())) {
      hosts.add(config.httpHost());
    }
    hosts.add(config.cluster().publicHost());
    if (config.publicUrl() != null) {
      try {
        String host = URI.create(config.publicUrl()).getHost();
        if (host != null) {
          hosts.add(host);
        }
      } catch (IllegalArgumentException e) {
        // not a URL: nodes will say so when they use it
      }
    }
    return List.copyOf(hosts);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
