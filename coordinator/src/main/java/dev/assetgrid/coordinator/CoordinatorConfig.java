package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.ingest.ImportOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a coordinator process needs, validated once. Defaults live here ({@code DEFAULT_*});
 * {@link CoordinatorMain} maps CLI flags and environment variables onto it.
 *
 * @param httpHost interface the HTTP API binds to
 * @param httpPort HTTP port; 0 = any free port (tests)
 * @param publicUrl base URL nodes use to reach this coordinator's blob endpoints; null = derived
 *     from host and port
 * @param dataDir where the embedded database ({@code pg/}) and the local blob store ({@code
 *     blobs/}) live
 * @param dbUrl external PostgreSQL ({@code postgresql://user:pass@host:port/db}); null = embedded
 *     PostgreSQL under dataDir
 * @param workers in-process worker slots; 0 = none (nodes only), negative = one per core
 * @param maxUploadBytes largest accepted upload, bytes
 * @param lease how long a lease lasts without a heartbeat
 * @param maxRuntime how long one attempt may run in total, heartbeats or not
 * @param maxAttempts attempts before a retryable failure makes a task dead
 * @param retryBase first retry delay (doubled each attempt, with jitter)
 * @param retryMax cap of the retry delay
 * @param cluster how this coordinator joins the Hazelcast cluster
 * @param access authentication, quotas, rate limits and audit retention
 * @param tls HTTPS on the API; null = {@link TlsOptions#off()} (plain HTTP)
 * @param storage blob lifecycle (purge grace, scrub rate)
 * @param notifications the event stream and webhooks
 * @param imports batch imports (roots, throttle, limits)
 */
public record CoordinatorConfig(
    String httpHost,
    int httpPort,
    String publicUrl,
    Path dataDir,
    String dbUrl,
    int workers,
    long maxUploadBytes,
    Duration lease,
    Duration maxRuntime,
    int maxAttempts,
    Duration retryBase,
    Duration retryMax,
    ClusterOptions cluster,
    AccessOptions access,
    TlsOptions tls,
    StorageOptions storage,
    NotifyOptions notifications,
    ImportOptions imports) {

  public static final int DEFAULT_HTTP_PORT = 8080;

  /**
   * The API listens on loopback unless told otherwise ({@code --host 0.0.0.0} for every interface).
   */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";

  /** {@link #DEFAULT_DATA_DIR} as text, for flag defaults. */
  public static final String DEFAULT_DATA_DIR_NAME = "data";

  public static final Path DEFAULT_DATA_DIR = Path.of(DEFAULT_DATA_DIR_NAME);

  /** In-process worker slots: -1 = one per core. */
  public static final int DEFAULT_WORKERS = -1;

  public static final long DEFAULT_MAX_UPLOAD_BYTES = 512L << 20;
  public static final long DEFAULT_LEASE_SECONDS = 30;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(DEFAULT_LEASE_SECONDS);
  public static final Duration DEFAULT_MAX_RUNTIME = Duration.ofHours(1);
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(2);

  public CoordinatorConfig {
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort must be in 0..65535");
    }
    if (maxUploadBytes <= 0) {
      throw new IllegalArgumentException("maxUploadBytes must be positive");
    }
    if (lease.toMillis() < 500) {
      throw new IllegalArgumentException("lease must be at least 500 ms");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (maxRuntime.compareTo(lease) < 0) {
      throw new IllegalArgumentException("maxRuntime must not be shorter than the lease");
    }
    dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
    access = access == null ? AccessOptions.defaults() : access;
    tls = tls == null ? TlsOptions.off() : tls;
    storage = storage == null ? StorageOptions.defaults() : storage;
    notifications = notifications == null ? NotifyOptions.defaults() : notifications;
    imports = imports == null ? ImportOptions.defaults() : imports;
  }

  /** The embedded single-machine defaults. */
  public static CoordinatorConfig defaults() {
    return new CoordinatorConfig(
        DEFAULT_HTTP_HOST,
        DEFAULT_HTTP_PORT,
        null,
        DEFAULT_DATA_DIR,
        null,
        DEFAULT_WORKERS,
        DEFAULT_MAX_UPLOAD_BYTES,
        DEFAULT_LEASE,
        DEFAULT_MAX_RUNTIME,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_RETRY_BASE,
        DEFAULT_RETRY_MAX,
        new ClusterOptions(
            ClusterOptions.DEFAULT_CLUSTER_NAME,
            ClusterOptions.DEFAULT_BIND_HOST,
            null,
            0,
            0,
            List.of(),
            false),
        AccessOptions.defaults(),
        TlsOptions.off(),
        StorageOptions.defaults(),
        NotifyOptions.defaults(),
        ImportOptions.defaults());
  }

  public CoordinatorConfig withHttpPort(int port) {
    return edit(d -> d.httpPort = port);
  }

  public CoordinatorConfig withDataDir(Path dir) {
    return edit(d -> d.dataDir = dir);
  }

  public CoordinatorConfig withWorkers(int n) {
    return edit(d -> d.workers = n);
  }

  public CoordinatorConfig withLease(Duration l) {
    return edit(d -> d.lease = l);
  }

  public CoordinatorConfig withRetry(int attempts, Duration base, Duration max) {
    return edit(
        d -> {
          d.maxAttempts = attempts;
          d.retryBase = base;
          d.retryMax = max;
        });
  }

  public CoordinatorConfig withMaxUploadBytes(long n) {
    return edit(d -> d.maxUploadBytes = n);
  }

  public CoordinatorConfig withCluster(ClusterOptions c) {
    return edit(d -> d.cluster = c);
  }

  public CoordinatorConfig withDbUrl(String url) {
    return edit(d -> d.dbUrl = url);
  }

  public CoordinatorConfig withPublicUrl(String url) {
    return edit(d -> d.publicUrl = url);
  }

  public CoordinatorConfig withAccess(AccessOptions a) {
    return edit(d -> d.access = a);
  }

  public CoordinatorConfig withTls(TlsOptions t) {
    return edit(d -> d.tls = t);
  }

  public CoordinatorConfig withStorage(StorageOptions st) {
    return edit(d -> d.storage = st);
  }

  public CoordinatorConfig withNotifications(NotifyOptions n) {
    return edit(d -> d.notifications = n);
  }

  public CoordinatorConfig withImports(ImportOptions i) {
    return edit(d -> d.imports = i);
  }

  /** A copy with the changes {@code change} makes to a draft of this config, validated again. */
  private CoordinatorConfig edit(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The components of a config, to change one or a few of them. */
  private static final class Draft {
    String httpHost;
    int httpPort;
    String publicUrl;
    Path dataDir;
    String dbUrl;
    int workers;
    long maxUploadBytes;
    Duration lease;
    Duration maxRuntime;
    int maxAttempts;
    Duration retryBase;
    Duration retryMax;
    ClusterOptions cluster;
    AccessOptions access;
    TlsOptions tls;
    StorageOptions storage;
    NotifyOptions notifications;
    ImportOptions imports;

    Draft(CoordinatorConfig c) {
      httpHost = c.httpHost;
      httpPort = c.httpPort;
      publicUrl = c.publicUrl;
      dataDir = c.dataDir;
      dbUrl = c.dbUrl;
      workers = c.workers;
      maxUploadBytes = c.maxUploadBytes;
      lease = c.lease;
      maxRuntime = c.maxRuntime;
      maxAttempts = c.maxAttempts;
      retryBase = c.retryBase;
      retryMax = c.retryMax;
      cluster = c.cluster;
      access = c.access;
      tls = c.tls;
      storage = c.storage;
      notifications = c.notifications;
      imports = c.imports;
    }

    CoordinatorConfig build() {
      return new CoordinatorConfig(
          httpHost,
          httpPort,
          publicUrl,
          dataDir,
          dbUrl,
          workers,
          maxUploadBytes,
          lease,
          maxRuntime,
          maxAttempts,
          retryBase,
          retryMax,
          cluster,
          access,
          tls,
          storage,
          notifications,
          imports);
    }
  }
}
