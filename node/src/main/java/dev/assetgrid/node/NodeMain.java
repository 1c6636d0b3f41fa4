package dev.assetgrid.node;

import dev.assetgrid.node.cli.ProcessCommand;
import dev.assetgrid.node.cli.ValidateCommand;
import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.cluster.ClusterOptions;
import dev.assetgrid.shared.cluster.ClusterSecret;
import dev.assetgrid.shared.cluster.ClusterTls;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.tls.PemFiles;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar assetgrid-node.jar --join HOST[:PORT]}: a worker node that joins the grid. */
@Command(
    name = "assetgrid-node",
    mixinStandardHelpOptions = true,
    versionProvider = NodeMain.Version.class,
    subcommands = {ProcessCommand.class, ValidateCommand.class},
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs an assetgrid worker node: joins the cluster of a coordinator over Hazelcast (TCP/IP, no multicast),",
      "leases tasks it can run, fetches inputs and uploads outputs over HTTP, and reports results.",
      "Stop it with Ctrl-C / SIGTERM: it stops leasing, lets running tasks finish (--drain-timeout), releases the rest."
    },
    footer = {
      "",
      "Example: java -jar node/target/assetgrid-node.jar --join 10.0.0.5:5701 --slots 8",
      "Local tools (no cluster): 'process IN OUT' optimizes meshes, 'validate PATH...' writes validation reports;",
      "see 'process --help' and 'validate --help'."
    })
public final class NodeMain implements Callable<Integer> {
  @picocli.CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);

  @Option(
      names = "--join",
      split = ",",
      paramLabel = "HOST[:PORT]",
      description =
          "Cluster member(s) to join: a coordinator's cluster address (default port "
              + ClusterOptions.DEFAULT_HAZELCAST_PORT
              + "), or k8s-dns:<headless service> to find the members through Kubernetes DNS."
              + " Repeatable or comma-separated. "
              + "Env: ASSETGRID_JOIN.",
      defaultValue = "${env:ASSETGRID_JOIN:-" + ClusterOptions.DEFAULT_BIND_HOST + "}")
  List<String> join = new ArrayList<>();

  @Option(
      names = "--slots",
      paramLabel = "N",
      description = "Tasks run at once; 0 = one per core (the default). Env: ASSETGRID_SLOTS.",
      defaultValue = "${env:ASSETGRID_SLOTS:-0}")
  int slots;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description =
          "Cluster name; must equal the coordinator's. Default: ${DEFAULT-VALUE}. Env: ASSETGRID_CLUSTER_NAME.",
      defaultValue = "${env:ASSETGRID_CLUSTER_NAME:-" + ClusterOptions.DEFAULT_CLUSTER_NAME + "}")
  String clusterName;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description =
          "Local address for cluster traffic. Default: the address that routes to the first --join host. Env: ASSETGRID_BIND.",
      defaultValue = "${env:ASSETGRID_BIND}")
  String bind;

  @Option(
      names = "--public-host",
      paramLabel = "HOST",
      description =
          "Address other members use to reach this node (behind NAT/containers). Default: --bind. Env: ASSETGRID_PUBLIC_HOST.",
      defaultValue = "${env:ASSETGRID_PUBLIC_HOST}")
  String publicHost;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description =
          "Hazelcast member port; 0 = first free from "
              + ClusterOptions.DEFAULT_HAZELCAST_PORT
              + ". Default: ${DEFAULT-VALUE}. Env: ASSETGRID_CLUSTER_PORT.",
      defaultValue = "${env:ASSETGRID_CLUSTER_PORT:-0}")
  int clusterPort;

  @Option(
      names = "--eventbus-port",
      paramLabel = "PORT",
      description =
          "Event-bus port; 0 = random. Default: ${DEFAULT-VALUE}. "
              + "Env: ASSETGRID_EVENTBUS_PORT.",
      defaultValue = "${env:ASSETGRID_EVENTBUS_PORT:-0}")
  int eventBusPort;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Scratch space for task inputs and outputs. Default: <tmp>/assetgrid-work. Env: ASSETGRID_WORK_DIR.",
      defaultValue = "${env:ASSETGRID_WORK_DIR}")
  Path workDir;

  @Option(
      names = "--drain-timeout",
      paramLabel = "SECONDS",
      description =
          "On shutdown, how long running tasks may finish before they are released. Default: ${DEFAULT-VALUE}. "
              + "Env: ASSETGRID_DRAIN_TIMEOUT.",
      defaultValue =
          "${env:ASSETGRID_DRAIN_TIMEOUT:-" + WorkerOptions.DEFAULT_DRAIN_TIMEOUT_SECONDS + "}")
  long drainTimeoutSeconds;

  @Option(
      names = "--cluster-secret-file",
      paramLabel = "FILE",
      description =
          "The grid's cluster secret: the coordinator's <data-dir>/cluster.secret, copied here. A node without the "
              + "grid's secret cannot join it. Env: ASSETGRID_CLUSTER_SECRET_FILE.",
      defaultValue = "${env:ASSETGRID_CLUSTER_SECRET_FILE}")
  Path clusterSecretFile;

  @Option(
      names = "--cluster-secret",
      paramLabel = "SECRET",
      description =
          "The cluster secret itself (prefer the file or the variable: a flag shows in process lists). "
              + "Env: ASSETGRID_CLUSTER_SECRET.",
      defaultValue = "${env:ASSETGRID_CLUSTER_SECRET}")
  String clusterSecret;

  // ------------------------------------------------------------------ encryption in transit

  @Option(
      names = "--tls-trust",
      paramLabel = "FILE",
      description =
          "PEM certificate(s) to trust for an https:// coordinator: its CA, or its self-signed "
              + "<data-dir>/tls/cert.pem. Default: the JVM's trusted CAs. Env: ASSETGRID_TLS_TRUST.",
      defaultValue = "${env:ASSETGRID_TLS_TRUST}")
  Path tlsTrust;

  @Option(
      names = "--cluster-tls-cert",
      paramLabel = "FILE",
      description =
          "Event bus over mutual TLS: this member's PEM certificate (with --cluster-tls-key and "
              + "--cluster-tls-trust, as on the coordinator). Env: ASSETGRID_CLUSTER_TLS_CERT.",
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

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve GET /metrics (Prometheus text: slots, task times, bytes moved, native buffers,"
              + " JVM) on this port; -1 (the default) = off. Env: ASSETGRID_METRICS_PORT.",
      defaultValue = "${env:ASSETGRID_METRICS_PORT:--1}")
  int metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "HOST",
      description =
          "Interface of --metrics-port (default 127.0.0.1; it needs no key, so open it only to the"
              + " scraper). Env: ASSETGRID_METRICS_HOST.",
      defaultValue = "${env:ASSETGRID_METRICS_HOST:-127.0.0.1}")
  String metricsHost;

  @Option(
      names = "--isolate",
      paramLabel = "STAGES",
      description =
          "Stages run in worker processes of their own (a warm pool, one per slot at most), so a"
              + " crash of native code on an uploaded file ends one attempt (NATIVE_CRASH), not this"
              + " node: native (the default: convert, optimize-mesh, compress-texture, thumbnail),"
              + " none, or stage names separated by commas. Env: ASSETGRID_ISOLATE.",
      defaultValue = "${env:ASSETGRID_ISOLATE:-native}")
  String isolate;

  @Option(
      names = "--worker-heap",
      paramLabel = "SIZE",
      description =
          "Heap of each worker process (-Xmx), e.g. 512m or 2g; a stage that needs more ends its"
              + " attempt with RESOURCE_LIMIT (default 1g). Env: ASSETGRID_WORKER_HEAP.",
      defaultValue = "${env:ASSETGRID_WORKER_HEAP:-1g}")
  String workerHeap;

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
      spec.commandLine().getErr().println("assetgrid-node: " + bad.getMessage());
      return 2;
    }
  }

  private Integer run() throws Exception {
    if (clusterSecret == null && clusterSecretFile == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "a node needs the grid's cluster secret: --cluster-secret-file <the coordinator's data-dir>/"
              + ClusterSecret.FILE_NAME
              + " (or ASSETGRID_CLUSTER_SECRET)");
    }
    ClusterSecret secret;
    try {
      secret =
          clusterSecret != null
              ? ClusterSecret.of(clusterSecret)
              : ClusterSecret.read(clusterSecretFile);
    } catch (AssetGridException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    int n = slots > 0 ? slots : WorkerOptions.defaultSlots();
    List<String> members = join.stream().map(NodeMain::withDefaultPort).toList();
    String bindHost = bind != null && !bind.isBlank() ? bind : routeTo(members.get(0));
    ClusterTls clusterTls = ClusterTls.fromFlags(clusterTlsCert, clusterTlsKey, clusterTlsTrust);
    if (tlsTrust != null) {
      PemFiles.trust(tlsTrust, "--tls-trust"); // a bad file is an error now, not at the first task
    }
    ClusterOptions cluster =
        new ClusterOptions(
            clusterName,
            bindHost,
            publicHost,
            clusterPort,
            eventBusPort,
            members,
            true,
            secret,
            clusterTls);
    WorkerOptions wo =
        new WorkerOptions(
            n,
            workDir,
            WorkerOptions.DEFAULT_LEASE_WAIT_MS,
            drainTimeoutSeconds * 1000,
            WorkerOptions.DEFAULT_ANNOUNCE_MS,
            tlsTrust);
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--metrics-port must be -1 (off) or a port (0 = any free one)");
    }
    Node.MetricsEndpoint metrics =
        metricsPort < 0 ? null : new Node.MetricsEndpoint(metricsHost, metricsPort);
    dev.assetgrid.node.isolate.Isolation isolation;
    try {
      isolation = dev.assetgrid.node.isolate.Isolation.parse(isolate, workerHeap);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Node node = startWhenACoordinatorIsUp(cluster, wo, metrics, isolation);
    if (metrics != null) {
      LOG.info("metrics at http://{}:{}/metrics", metricsHost, node.metricsPort());
    }
    LOG.info(
        "node {} joined {} via {} with {} slot(s); capabilities {}",
        node.nodeId(),
        clusterName,
        members,
        n,
        node.worker().capabilities());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("draining node {}", node.nodeId());
                  try {
                    node.stop().get();
                  } catch (Exception e) {
                    LOG.warn("node stop failed: {}", e.toString());
                  }
                  stopped.countDown();
                },
                "assetgrid-node-shutdown"));
    stopped.await();
    return 0;
  }

  /** Longest wait between two tries to join a grid whose coordinator is not up. */
  static final long MAX_JOIN_BACKOFF_MS = 30_000;

  /**
   * Starts the node; while no coordinator answers (none up yet, or the members found belong to
   * another grid: a different cluster name or secret), says so in one line and tries again with a
   * backoff of 1, 2, 4 ... 30 s until one does or the process is stopped.
   */
  private Node startWhenACoordinatorIsUp(
      ClusterOptions cluster,
      WorkerOptions wo,
      Node.MetricsEndpoint metrics,
      dev.assetgrid.node.isolate.Isolation isolation)
      throws Exception {
    long backoff = 1_000;
    while (true) {
      try {
        return Node.start(cluster, wo, metrics, isolation)
            .toCompletionStage()
            .toCompletableFuture()
            .get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (!dev.assetgrid.shared.cluster.ClusterBootstrap.noDataMember(e)) {
          throw e;
        }
        LOG.warn(
            "no coordinator of cluster '{}' found through {} (not up yet, or another grid's: check"
                + " --cluster-name and the cluster secret); trying again in {} s",
            cluster.clusterName(),
            cluster.members(),
            backoff / 1000);
        Thread.sleep(backoff);
        backoff = Math.min(MAX_JOIN_BACKOFF_MS, backoff * 2);
      }
    }
  }

  static String withDefaultPort(String hostPort) {
    String h = hostPort.trim();
    if (h.startsWith(ClusterOptions.KUBERNETES_DNS)) {
      return h; // a headless service, found through DNS
    }
    if (h.startsWith("[") || h.chars().filter(c -> c == ':').count() > 1) {
      return h; // IPv6 literal: leave as given
    }
    return h.contains(":") ? h : h + ":" + ClusterOptions.DEFAULT_HAZELCAST_PORT;
  }

  /** The local address the OS would use to reach {@code hostPort} (no packet is sent). */
  static String routeTo(String hostPort) {
    if (hostPort.startsWith(ClusterOptions.KUBERNETES_DNS)) {
      hostPort = hostPort.substring(ClusterOptions.KUBERNETES_DNS.length());
    }
    String host =
        hostPort.contains(":") && !hostPort.startsWith("[")
            ? hostPort.substring(0, hostPort.lastIndexOf(':'))
            : hostPort;
    try (DatagramSocket s = new DatagramSocket()) {
      InetAddress target = InetAddress.getByName(host);
      if (target.isLoopbackAddress()) {
        return "127.0.0.1";
      }
      s.connect(new InetSocketAddress(target, 9));
      return s.getLocalAddress().getHostAddress();
    } catch (Exception e) {
      return "127.0.0.1";
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"assetgrid-node " + Node.version()};
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new NodeMain()).execute(args));
  }
}
