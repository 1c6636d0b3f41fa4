package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.ingest.ImportOptions;
import dev.assetgrid.node.LogFormatOption;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterSecret;
import dev.assetgrid.shared.cluster.ClusterTls;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar assetgrid-coordinator.jar}: with no options, a complete single-machine grid
 * (embedded PostgreSQL under ./data/pg, blobs under ./data/blobs, in-process worker slots, HTTP on
 * 8080). Every option can also come from an environment variable ({@code ASSETGRID_*}); a flag
 * wins. {@code backup} and {@code restore} are subcommands ({@link BackupCommands}).
 */
@Command(
    name = "assetgrid-coordinator",
    mixinStandardHelpOptions = true,
    versionProvider = CoordinatorMain.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    subcommands = {BackupCommands.BackupCommand.class, BackupCommands.RestoreCommand.class},
    description = {
      "Runs an assetgrid coordinator: the HTTP API, the task queue in PostgreSQL and the blob store.",
      "With no options it is a complete grid on this machine: embedded PostgreSQL (data in ./data/pg),",
      "local blobs (./data/blobs) and one in-process worker slot per core. Nodes on other machines join",
      "with: java -jar node/target/assetgrid-node.jar --join THIS_HOST:5701",
      "Subcommands back the grid up (backup --out DIR) and bring a backup back (restore --from DIR)."
    })
public final class CoordinatorMain implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP port. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_PORT.",
      defaultValue = "${env:ASSETGRID_PORT:-" + CoordinatorConfig.DEFAULT_HTTP_PORT + "}")
  int port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "HTTP bind address. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_HOST.",
      defaultValue = "${env:ASSETGRID_HOST:-" + CoordinatorConfig.DEFAULT_HTTP_HOST + "}")
  String host;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "Base URL nodes use to download inputs and upload outputs (e.g. http://10.0.0.5:8080). "
              + "Default: http://<cluster address>:<port>. Env: ASSETGRID_PUBLIC_URL.",
      defaultValue = "${env:ASSETGRID_PUBLIC_URL}")
  String publicUrl;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Embedded database and local blobs. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_DATA_DIR.",
      defaultValue = "${env:ASSETGRID_DATA_DIR:-" + CoordinatorConfig.DEFAULT_DATA_DIR_NAME + "}")
  Path dataDir;

  @Option(
      names = "--db-url",
      paramLabel = "URL",
      description =
          "External PostgreSQL, e.g. postgresql://user:secret@db:5432/assetgrid. Default: embedded PostgreSQL in <data-dir>/pg. Env: ASSETGRID_DB_URL.",
      defaultValue = "${env:ASSETGRID_DB_URL}")
  String dbUrl;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "In-process worker slots; 0 = none (only remote nodes work), -1 = one per core. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_WORKERS.",
      defaultValue = "${env:ASSETGRID_WORKERS:-" + CoordinatorConfig.DEFAULT_WORKERS + "}")
  int workers;

  @Option(
      names = "--max-upload",
      paramLabel = "BYTES",
      description =
          "Largest accepted upload in bytes. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_MAX_UPLOAD.",
      defaultValue =
          "${env:ASSETGRID_MAX_UPLOAD:-" + CoordinatorConfig.DEFAULT_MAX_UPLOAD_BYTES + "}")
  long maxUpload;

  @Option(
      names = "--lease-seconds",
      paramLabel = "S",
      description =
          "Lease length without a heartbeat. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_LEASE_SECONDS.",
      defaultValue =
          "${env:ASSETGRID_LEASE_SECONDS:-" + CoordinatorConfig.DEFAULT_LEASE_SECONDS + "}")
  long leaseSeconds;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description =
          "Attempts before a retryable failure is final (dead). Default: ${DEFAULT-VALUE}. "
              + "Env: ASSETGRID_MAX_ATTEMPTS.",
      defaultValue =
          "${env:ASSETGRID_MAX_ATTEMPTS:-" + CoordinatorConfig.DEFAULT_MAX_ATTEMPTS + "}")
  int maxAttempts;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description =
          "Hazelcast cluster name. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_CLUSTER_NAME.",
      defaultValue = "${env:ASSETGRID_CLUSTER_NAME:-" + ClusterOptions.DEFAULT_CLUSTER_NAME + "}")
  String clusterName;

  @Option(
      names = "--cluster-host",
      paramLabel = "ADDRESS",
      description =
          "Address for cluster traffic; nodes on other machines must reach it. Default: ${DEFAULT-VALUE}. "
              + "Env: ASSETGRID_CLUSTER_HOST.",
      defaultValue = "${env:ASSETGRID_CLUSTER_HOST:-" + ClusterOptions.DEFAULT_BIND_HOST + "}")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description =
          "Hazelcast port; 0 = first free from "
              + ClusterOptions.DEFAULT_HAZELCAST_PORT
              + ". Default: ${DEFAULT-VALUE}. Env: ASSETGRID_CLUSTER_PORT.",
      defaultValue = "${env:ASSETGRID_CLUSTER_PORT:-0}")
  int clusterPort;

  @Option(
      names = "--join",
      split = ",",
      paramLabel = "HOST[:PORT]",
      description =
          "Other coordinators to join (for more than one coordinator), or k8s-dns:<headless service>"
              + " to find the members through Kubernetes DNS. Default: none. Env: ASSETGRID_JOIN.",
      defaultValue = "${env:ASSETGRID_JOIN}")
  List<String> join = new ArrayList<>();

  @Option(
      names = "--cluster-secret-file",
      paramLabel = "FILE",
      description =
          "The grid's cluster secret; made (mode 0600) when the file does not exist. Nodes need a copy. "
              + "Default: <data-dir>/cluster.secret. Env: ASSETGRID_CLUSTER_SECRET_FILE.",
      defaultValue = "${env:ASSETGRID_CLUSTER_SECRET_FILE}")
  Path clusterSecretFile;

  @Option(
      names = "--cluster-secret",
      paramLabel = "SECRET",
      description =
          "The cluster secret itself, e.g. for a second coordinator (prefer the file or the variable: a flag "
              + "shows in process lists). Env: ASSETGRID_CLUSTER_SECRET.",
      defaultValue = "${env:ASSETGRID_CLUSTER_SECRET}")
  String clusterSecret;

  @Option(
      names = "--auth",
      paramLabel = "on|off",
      description =
          "Whether API requests need a key (Authorization: Bearer <key>). off = anyone who reaches the"
              + " API is the admin of tenant default: for local experiments only. Default: ${DEFAULT-VALUE}."
              + " Env: ASSETGRID_AUTH.",
      defaultValue = "${env:ASSETGRID_AUTH:-on}")
  String auth;

  @Option(
      names = "--quota-bytes",
      paramLabel = "BYTES",
      description =
          "Default quota of bytes uploaded per tenant (a tenant's own quota wins). Default: none."
              + " Env: ASSETGRID_QUOTA_BYTES.",
      defaultValue = "${env:ASSETGRID_QUOTA_BYTES}")
  Long quotaBytes;

  @Option(
      names = "--quota-assets",
      paramLabel = "N",
      description =
          "Default quota of assets per tenant. Default: none. Env: ASSETGRID_QUOTA_ASSETS.",
      defaultValue = "${env:ASSETGRID_QUOTA_ASSETS}")
  Long quotaAssets;

  @Option(
      names = "--quota-jobs",
      paramLabel = "N",
      description =
          "Default quota of jobs queued or running per tenant. Default: none. Env: ASSETGRID_QUOTA_JOBS.",
      defaultValue = "${env:ASSETGRID_QUOTA_JOBS}")
  Long quotaJobs;

  @Option(
      names = "--rate-limit",
      paramLabel = "PER_SECOND",
      description =
          "Requests per second per key (bursts of twice that); 0 = none. Default: ${DEFAULT-VALUE}."
              + " Env: ASSETGRID_RATE_LIMIT.",
      defaultValue =
          "${env:ASSETGRID_RATE_LIMIT:-" + AccessOptions.DEFAULT_REQUESTS_PER_SECOND + "}")
  double rateLimit;

  @Option(
      names = "--upload-rate-limit",
      paramLabel = "BYTES_PER_SECOND",
      description =
          "Upload bytes per second per key (bursts of twice that, at least one largest upload); 0 ="
              + " none. Default: none. Env: ASSETGRID_UPLOAD_RATE_LIMIT.",
      defaultValue = "${env:ASSETGRID_UPLOAD_RATE_LIMIT:-0}")
  double uploadRateLimit;

  @Option(
      names = "--audit-retention-days",
      paramLabel = "DAYS",
      description =
          "How long audit rows are kept. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_AUDIT_RETENTION_DAYS.",
      defaultValue = "${env:ASSETGRID_AUDIT_RETENTION_DAYS:-365}")
  int auditRetentionDays;

  /** The access options of the flags; a bad value is a one-sentence error. */
  AccessOptions accessOptions() {
    boolean on =
        switch (auth.toLowerCase(java.util.Locale.ROOT)) {
          case "on", "true" -> true;
          case "off", "false" -> false;
          default ->
              throw new CommandLine.ParameterException(
                  new CommandLine(this), "--auth must be on or off, not " + auth);
        };
    return new AccessOptions(
        on,
        new dev.assetgrid.coordinator.access.Quotas(quotaBytes, quotaAssets, quotaJobs),
        rateLimit > 0 ? rateLimit : null,
        uploadRateLimit > 0 ? uploadRateLimit : null,
        Duration.ofDays(auditRetentionDays));
  }

  @Option(
      names = "--purge-after",
      paramLabel = "DURATION",
      description =
          "How long a blob no asset references any more (after DELETE /v1/assets/{id}) is kept before"
              + " it is deleted: 90s, 30m, 24h, 7d. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_PURGE_AFTER.",
      defaultValue = "${env:ASSETGRID_PURGE_AFTER:-24h}")
  String purgeAfter;

  // ------------------------------------------------------------------ S3 blob store

  /** {@code --s3-*}, shared with {@code backup} and {@code restore}. */
  @CommandLine.Mixin S3Flags s3 = new S3Flags();

  @Option(
      names = "--files-via",
      paramLabel = "redirect|stream",
      description =
          "With S3, GET /v1/assets/{id}/files/{name} answers 307 to a short-lived presigned URL"
              + " (redirect) or streams through the coordinator (stream). Default: ${DEFAULT-VALUE}."
              + " Env: ASSETGRID_FILES_VIA.",
      defaultValue = "${env:ASSETGRID_FILES_VIA:-redirect}")
  String filesVia;

  @Option(
      names = "--upload-expiry",
      paramLabel = "DURATION",
      description =
          "How long a direct upload (POST /v1/uploads) may stay incomplete before its parts are"
              + " dropped: 90s, 30m, 24h, 7d. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_UPLOAD_EXPIRY.",
      defaultValue = "${env:ASSETGRID_UPLOAD_EXPIRY:-24h}")
  String uploadExpiry;

  @Option(
      names = "--storage-price-per-gb-month",
      paramLabel = "PRICE",
      description =
          "What the blob store charges per GB (10^9 bytes) and month, e.g. 0.023; /v1/stats then"
              + " shows each tenant's monthly storage cost estimate. 0 = no estimate. Default:"
              + " ${DEFAULT-VALUE}. Env: ASSETGRID_STORAGE_PRICE_PER_GB_MONTH.",
      defaultValue = "${env:ASSETGRID_STORAGE_PRICE_PER_GB_MONTH:-0}")
  String storagePrice;

  @Option(
      names = "--drop-derivatives-after",
      paramLabel = "DURATION|off",
      description =
          "Retention rule: drop the derived files (not originals) of ready assets none of whose"
              + " files was downloaded or made for this long (90s, 30m, 24h, 7d); a download of a"
              + " dropped one answers 503 with Retry-After and makes it again. Default:"
              + " ${DEFAULT-VALUE}. Env: ASSETGRID_DROP_DERIVATIVES_AFTER.",
      defaultValue = "${env:ASSETGRID_DROP_DERIVATIVES_AFTER:-off}")
  String dropDerivativesAfter;

  /** The storage options of the flags; a bad value is a one-sentence error. */
  StorageOptions storageOptions() {
    String drop = dropDerivativesAfter == null ? "" : dropDerivativesAfter.trim();
    return s3.storageOptions()
        .withPurgeAfter(StorageOptions.parseDuration("--purge-after", purgeAfter))
        .withFilesVia(StorageOptions.FilesVia.parse("--files-via", filesVia))
        .withUploadExpiry(
            positive(
                "--upload-expiry", StorageOptions.parseDuration("--upload-expiry", uploadExpiry)))
        .withScrubBytesPerSecond(
            StorageOptions.parseMegabytesPerSecond("--scrub-mb-per-s", scrubMbPerS))
        .withPricePerGbMonth(
            StorageOptions.parsePrice("--storage-price-per-gb-month", storagePrice))
        .withDropDerivativesAfter(
            drop.isEmpty() || drop.equalsIgnoreCase("off")
                ? null
                : positive(
                    "--drop-derivatives-after",
                    StorageOptions.parseDuration("--drop-derivatives-after", drop)));
  }

  @Option(
      names = "--event-retention",
      paramLabel = "DURATION",
      description =
          "How long a tenant's events (GET /v1/events) and their webhook deliveries are kept: 24h,"
              + " 7d. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_EVENT_RETENTION.",
      defaultValue = "${env:ASSETGRID_EVENT_RETENTION:-7d}")
  String eventRetention;

  @Option(
      names = "--allow-http-webhooks",
      description =
          "Accept webhook URLs over plain http (https only otherwise). Env:"
              + " ASSETGRID_ALLOW_HTTP_WEBHOOKS.",
      defaultValue = "${env:ASSETGRID_ALLOW_HTTP_WEBHOOKS:-false}")
  boolean allowHttpWebhooks;

  @Option(
      names = "--webhook-allow-cidr",
      paramLabel = "CIDR",
      split = ",",
      description =
          "Internal address ranges (loopback, private, link-local) webhook receivers may"
              + " nevertheless use, e.g. 10.1.0.0/16; refused by default. Env:"
              + " ASSETGRID_WEBHOOK_ALLOW_CIDR (comma-separated).",
      defaultValue = "${env:ASSETGRID_WEBHOOK_ALLOW_CIDR:-}")
  List<String> webhookAllowCidrs;

  @Option(
      names = "--webhook-timeout",
      paramLabel = "DURATION",
      description =
          "How long one delivery attempt may take. Default: ${DEFAULT-VALUE}. Env:"
              + " ASSETGRID_WEBHOOK_TIMEOUT.",
      defaultValue = "${env:ASSETGRID_WEBHOOK_TIMEOUT:-10s}")
  String webhookTimeout;

  @Option(
      names = "--webhook-retry-base",
      paramLabel = "DURATION",
      description =
          "The first retry delay of a failed delivery, doubled each attempt (at most 1h, with"
              + " jitter). Default: ${DEFAULT-VALUE}. Env: ASSETGRID_WEBHOOK_RETRY_BASE.",
      defaultValue = "${env:ASSETGRID_WEBHOOK_RETRY_BASE:-5s}")
  String webhookRetryBase;

  @Option(
      names = "--webhook-retry-for",
      paramLabel = "DURATION",
      description =
          "How long a delivery is retried before it is marked failed. Default: ${DEFAULT-VALUE}."
              + " Env: ASSETGRID_WEBHOOK_RETRY_FOR.",
      defaultValue = "${env:ASSETGRID_WEBHOOK_RETRY_FOR:-24h}")
  String webhookRetryFor;

  @Option(
      names = "--webhook-disable-after",
      paramLabel = "DURATION",
      description =
          "Disable a webhook whose every delivery failed for this long (a webhook.disabled event"
              + " says so). Default: ${DEFAULT-VALUE}. Env: ASSETGRID_WEBHOOK_DISABLE_AFTER.",
      defaultValue = "${env:ASSETGRID_WEBHOOK_DISABLE_AFTER:-5d}")
  String webhookDisableAfter;

  @Option(
      names = "--webhook-concurrency",
      paramLabel = "N",
      description =
          "Webhook deliveries this coordinator sends at once. Default: ${DEFAULT-VALUE}. Env:"
              + " ASSETGRID_WEBHOOK_CONCURRENCY.",
      defaultValue = "${env:ASSETGRID_WEBHOOK_CONCURRENCY:-16}")
  int webhookConcurrency;

  @Option(
      names = "--import-root",
      paramLabel = "FOLDER",
      split = ",",
      description =
          "Folders whose subfolders admins may import (POST /v1/imports {\"directory\": ...});"
              + " none by default (folder imports off). Env: ASSETGRID_IMPORT_ROOT (comma-separated).",
      defaultValue = "${env:ASSETGRID_IMPORT_ROOT:-}")
  List<String> importRoots;

  @Option(
      names = "--import-inflight",
      paramLabel = "N",
      description =
          "Import items this coordinator works on at once (uploads keep their latency)."
              + " Default: ${DEFAULT-VALUE}. Env: ASSETGRID_IMPORT_INFLIGHT.",
      defaultValue = "${env:ASSETGRID_IMPORT_INFLIGHT:-1}")
  int importInflight;

  @Option(
      names = "--import-max-files",
      paramLabel = "N",
      description =
          "Most files (objects) one import may list. Default: ${DEFAULT-VALUE}. Env:"
              + " ASSETGRID_IMPORT_MAX_FILES.",
      defaultValue = "${env:ASSETGRID_IMPORT_MAX_FILES:-100000}")
  int importMaxFiles;

  @Option(
      names = "--import-timeout",
      paramLabel = "DURATION",
      description =
          "How long a URL being imported may stay silent. Default: ${DEFAULT-VALUE}. Env:"
              + " ASSETGRID_IMPORT_TIMEOUT.",
      defaultValue = "${env:ASSETGRID_IMPORT_TIMEOUT:-60s}")
  String importTimeout;

  @Option(
      names = "--allow-http-imports",
      description =
          "Accept plain http URLs (and S3 endpoints) in imports (https only otherwise). Env:"
              + " ASSETGRID_ALLOW_HTTP_IMPORTS.",
      defaultValue = "${env:ASSETGRID_ALLOW_HTTP_IMPORTS:-false}")
  boolean allowHttpImports;

  @Option(
      names = "--import-allow-cidr",
      paramLabel = "CIDR",
      split = ",",
      description =
          "Internal address ranges imported URLs and S3 endpoints may nevertheless use; refused by"
              + " default. Env: ASSETGRID_IMPORT_ALLOW_CIDR (comma-separated).",
      defaultValue = "${env:ASSETGRID_IMPORT_ALLOW_CIDR:-}")
  List<String> importAllowCidrs;

  /** The import options of the flags; a bad value is a one-sentence error. */
  ImportOptions importOptions() {
    try {
      return new ImportOptions(
              List.of(),
              importInflight,
              importMaxFiles,
              positive("--import-timeout", duration("--import-timeout", importTimeout)),
              allowHttpImports,
              cidrs("--import-allow-cidr", importAllowCidrs))
          .withRoots(
              (importRoots == null ? List.<String>of() : importRoots)
                  .stream().filter(r -> !r.isBlank()).map(java.nio.file.Path::of).toList());
    } catch (IllegalArgumentException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
  }

  private static List<dev.assetgrid.coordinator.net.Cidr> cidrs(String flag, List<String> texts) {
    List<dev.assetgrid.coordinator.net.Cidr> out = new java.util.ArrayList<>();
    for (String c : texts == null ? List.<String>of() : texts) {
      if (c.isBlank()) {
        continue;
      }
      try {
        out.add(dev.assetgrid.coordinator.net.Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, flag + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** The event and webhook options of the flags; a bad value is a one-sentence error. */
  NotifyOptions notifyOptions() {
    List<dev.assetgrid.coordinator.net.Cidr> allowed =
        cidrs("--webhook-allow-cidr", webhookAllowCidrs);
    try {
      return new NotifyOptions(
          positive("--event-retention", duration("--event-retention", eventRetention)),
          allowHttpWebhooks,
          allowed,
          positive("--webhook-timeout", duration("--webhook-timeout", webhookTimeout)),
          positive("--webhook-retry-base", duration("--webhook-retry-base", webhookRetryBase)),
          positive("--webhook-retry-for", duration("--webhook-retry-for", webhookRetryFor)),
          positive(
              "--webhook-disable-after", duration("--webhook-disable-after", webhookDisableAfter)),
          webhookConcurrency);
    } catch (IllegalArgumentException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, e.getMessage());
    }
  }

  private static Duration duration(String flag, String text) {
    return StorageOptions.parseDuration(flag, text);
  }

  private static Duration positive(String flag, Duration d) {
    if (d.isZero()) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, flag + " must be longer than 0 (or off), not 0");
    }
    return d;
  }

  @Option(
      names = "--scrub-mb-per-s",
      paramLabel = "MB",
      description =
          "How fast the integrity scrub re-reads and re-hashes stored blobs, in MB (10^6 bytes) per"
              + " second; 0 turns the background scrub off (POST /v1/admin/scrub still runs one)."
              + " Default: ${DEFAULT-VALUE}. Env: ASSETGRID_SCRUB_MB_PER_S.",
      defaultValue = "${env:ASSETGRID_SCRUB_MB_PER_S:-8}")
  String scrubMbPerS;

  // ------------------------------------------------------------------ encryption in transit

  @Option(
      names = "--tls",
      paramLabel = "self-signed",
      description =
          "HTTPS with a development certificate made on first start in <data-dir>/tls (cert.pem, key.pem; "
              + "nodes trust it with --tls-trust). Default: plain HTTP unless --tls-cert is given. "
              + "Env: ASSETGRID_TLS.",
      defaultValue = "${env:ASSETGRID_TLS}")
  String tls;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "HTTPS with this PEM certificate (chain) and --tls-key. Env: ASSETGRID_TLS_CERT.",
      defaultValue = "${env:ASSETGRID_TLS_CERT}")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description =
          "PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC). Env: ASSETGRID_TLS_KEY.",
      defaultValue = "${env:ASSETGRID_TLS_KEY}")
  Path tlsKey;

  @Option(
      names = "--cluster-tls-cert",
      paramLabel = "FILE",
      description =
          "Event bus over mutual TLS: this member's PEM certificate (with --cluster-tls-key and "
              + "--cluster-tls-trust; every member needs them). Env: ASSETGRID_CLUSTER_TLS_CERT.",
      defaultValue = "${env:ASSETGRID_CLUSTER_TLS_CERT}")
  Path clusterTlsCert;

  @Option(
      names = "--cluster-tls-key",
      paramLabel = "FILE",
      description = "PEM private key of --cluster-tls-cert. Env: ASSETGRID_CLUSTER_TLS_KEY.",
      defaultValue = "${env:ASSETGRID_CLUSTER_TLS_KEY}")
  Path clusterTlsKey;

  @Option(
      names = "--cluster-tls-trust",
      paramLabel = "FILE",
      description =
          "PEM certificate(s) other members' certificates must chain to. Env: ASSETGRID_CLUSTER_TLS_TRUST.",
      defaultValue = "${env:ASSETGRID_CLUSTER_TLS_TRUST}")
  Path clusterTlsTrust;

  @CommandLine.Mixin LogFormatOption logFormat = new LogFormatOption();

  @Override
  public Integer call() throws Exception {
    logFormat.apply(spec);
    try {
      return run();
    } catch (Exception e) {
      AssetGridException bad = AssetGridException.badSetting(e);
      if (bad == null) {
        throw e;
      }
      spec.commandLine().getErr().println("assetgrid-coordinator: " + bad.getMessage());
      return 2;
    }
  }

  private Integer run() throws Exception {
    CoordinatorConfig c =
        new CoordinatorConfig(
            host,
            port,
            publicUrl,
            dataDir,
            dbUrl,
            workers,
            maxUpload,
            Duration.ofSeconds(leaseSeconds),
            CoordinatorConfig.DEFAULT_MAX_RUNTIME,
            maxAttempts,
            CoordinatorConfig.DEFAULT_RETRY_BASE,
            CoordinatorConfig.DEFAULT_RETRY_MAX,
            new ClusterOptions(
                clusterName,
                clusterHost,
                null,
                clusterPort,
                0,
                join == null ? List.of() : join,
                false,
                clusterSecret != null
                    ? ClusterSecret.of(clusterSecret)
                    : ClusterSecret.readOrCreate(
                        clusterSecretFile != null
                            ? clusterSecretFile
                            : dataDir.resolve(ClusterSecret.FILE_NAME)),
                ClusterTls.fromFlags(clusterTlsCert, clusterTlsKey, clusterTlsTrust)),
            accessOptions(),
            TlsOptions.fromFlags(tls, tlsCert, tlsKey),
            storageOptions(),
            notifyOptions(),
            importOptions());
    Coordinator coordinator = Coordinator.start(c);
    // Ctrl-C: the hook below drains the in-process workers, then stops the embedded PostgreSQL
    coordinator.database().closedByOwnerAtExit();
    System.out.printf(
        "assetgrid coordinator listening on %s  (nodes join with --join %s)%n",
        coordinator.baseUrl(), coordinator.clusterAddress());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping coordinator");
                  coordinator.close();
                  stopped.countDown();
                },
                "assetgrid-coordinator-shutdown"));
    stopped.await();
    return 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "assetgrid-coordinator " + dev.assetgrid.node.Node.version(),
        "default worker slots: " + WorkerOptions.defaultSlots()
      };
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CoordinatorMain()).execute(args));
  }
}
