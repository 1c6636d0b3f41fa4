package dev.assetgrid.shared.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.tls.PemFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;

/**
 * Builds a clustered Vert.x from {@link ClusterOptions}. The one place where Hazelcast is
 * configured: TCP-IP join only, bound to the configured interface only, phone-home off, the cluster
 * name derived from the grid's {@link ClusterSecret}, whose proofs every message then carries, and,
 * with {@link ClusterTls}, the event bus over mutual TLS. Hazelcast's own member traffic is not
 * encrypted (its TLS is Hazelcast Enterprise only), so it is not configured here.
 */
public final class ClusterBootstrap {
  private ClusterBootstrap() {}

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ClusterBootstrap.class);

  /** The attribute on each Hazelcast member that names its Vert.x node id. */
  public static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  public static Future<Vertx> start(ClusterOptions o, VertxOptions base) {
    return start(o, base, null);
  }

  /**
   * Starts a clustered Vert.x; with {@code metrics}, Vert.x reports its HTTP, event bus and pool
   * metrics through it (see {@code GridMeters}).
   */
  public static Future<Vertx> start(
      ClusterOptions o, VertxOptions base, io.vertx.core.spi.VertxMetricsFactory metrics) {
    EventBusOptions bus =
        new EventBusOptions(base.getEventBusOptions())
            .setHost(o.bindHost())
            .setPort(o.eventBusPort())
            .setClusterPublicHost(o.publicHost());
    if (o.tls() != null) {
      try {
        bus.setSsl(true)
            .setKeyCertOptions(
                PemFiles.keyCert(
                    o.tls().cert(), "--cluster-tls-cert", o.tls().key(), "--cluster-tls-key"))
            .setTrustOptions(PemFiles.trust(o.tls().trust(), "--cluster-tls-trust"))
            // a member without a trusted certificate cannot connect, nor be connected to
            .setClientAuth(ClientAuth.REQUIRED);
      } catch (AssetGridException e) {
        return Future.failedFuture(e);
      }
    }
    Config cfg = hazelcastConfig(o);
    HazelcastClusterManager mgr = new GridClusterManager(cfg);
    // the copy constructor turns MicrometerMetricsOptions into plain MetricsOptions (its labels
    // and JVM metrics lost): hand the original on
    VertxOptions vo =
        new VertxOptions(base).setEventBusOptions(bus).setMetricsOptions(base.getMetricsOptions());
    io.vertx.core.VertxBuilder builder = Vertx.builder().with(vo).withClusterManager(mgr);
    if (metrics != null) {
      builder.withMetrics(metrics);
    }
    return builder
        .buildClustered()
        .onSuccess(
            vertx -> {
              if (o.secret() != null) {
                o.secret().install(vertx);
              }
            });
  }

  /**
   * The Hazelcast configuration of a member with these options: the grid's cluster name (derived
   * from its secret), this interface only, fast failure detection, and the join — TCP/IP to the
   * given members, or Kubernetes DNS discovery for a {@code k8s-dns:} member.
   */
  static Config hazelcastConfig(ClusterOptions o) {
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName(
        o.secret() == null ? o.clusterName() : o.secret().clusterName(o.clusterName()));
    cfg.setLiteMember(o.liteMember());
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    // listen on the configured interface only (Hazelcast binds every interface unless told not to)
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    // members that vanish without a goodbye are noticed within a few seconds, not a minute
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    // a node cut off from its coordinator (restart, network split) finds it again within seconds
    cfg.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    cfg.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
    NetworkConfig net = cfg.getNetworkConfig();
    if (o.hazelcastPort() == 0) {
      net.setPort(ClusterOptions.DEFAULT_HAZELCAST_PORT)
          .setPortAutoIncrement(true)
          .setPortCount(200);
    } else {
      net.setPort(o.hazelcastPort()).setPortAutoIncrement(false);
    }
    net.setPublicAddress(o.publicHost());
    net.getInterfaces().setEnabled(true).addInterface(o.bindHost());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    java.util.Optional<String> service = o.kubernetesService();
    if (service.isPresent()) {
      // Kubernetes discovery in DNS mode: the members are the headless service's addresses
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", service.get())
          .setProperty("service-port", Integer.toString(net.getPort()));
    } else {
      join.getTcpIpConfig()
          .setEnabled(true)
          .setMembers(o.members().isEmpty() ? java.util.List.of(o.publicHost()) : o.members());
    }
    return cfg;
  }

  /**
   * Calls {@code onLeft} with the Vert.x node id of every member that leaves the cluster
   * (gracefully or not). Uses a Hazelcast membership listener so Vert.x's own HA node listener
   * stays in place.
   */
  public static void onMemberLeft(Vertx vertx, Consumer<String> onLeft) {
    HazelcastClusterManager mgr = clusterManager(vertx);
    mgr.getHazelcastInstance()
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {}

              @Override
              public void memberRemoved(MembershipEvent e) {
                String id = e.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
                if (id != null) {
                  onLeft.accept(id);
                }
              }
            });
  }

  /**
   * Makes a lite member (a node) heal when the grid's data members (coordinators) come back after
   * all of them were gone: when a data member joins a cluster that had none, the event bus's view
   * is repaired ({@link #repair}) and {@code onHealed} runs (on a worker thread).
   *
   * @param addresses the addresses this member sends to, whose handlers are looked up again
   */
  public static void healWhenDataMembersReturn(
      Vertx vertx, java.util.List<String> addresses, Runnable onHealed) {
    HazelcastClusterManager mgr = clusterManager(vertx);
    com.hazelcast.cluster.Cluster cluster = mgr.getHazelcastInstance().getCluster();
    java.util.concurrent.atomic.AtomicBoolean orphaned =
        new java.util.concurrent.atomic.AtomicBoolean();
    cluster.addMembershipListener(
        new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent e) {
            if (!e.getMember().isLiteMember() && orphaned.compareAndSet(true, false)) {
              vertx
                  .executeBlocking(
                      () -> {
                        repair(vertx, addresses);
                        return null;
                      },
                      false)
                  .onSuccess(v -> onHealed.run());
            }
          }

          @Override
          public void memberRemoved(MembershipEvent e) {
            if (e.getMembers().stream().allMatch(com.hazelcast.cluster.Member::isLiteMember)
                && orphaned.compareAndSet(false, true)) {
              LOG.warn(
                  "no coordinator left in the cluster: waiting for one to come back (running tasks"
                      + " go on until their leases lapse)");
            }
          }
        });
  }

  /**
   * Repairs this member's event-bus view of the cluster (see {@link GridClusterManager}): the
   * registrations of members that are gone are dropped, this member's own are published again, and
   * the handlers of {@code addresses} are looked up afresh. Blocks: call it off the event loop.
   */
  public static void repair(Vertx vertx, java.util.List<String> addresses) {
    if (clusterManager(vertx) instanceof GridClusterManager g) {
      g.repair(addresses);
    }
  }

  /**
   * Makes the next sends to {@code addresses} look their handlers up in the cluster again, instead
   * of trusting what this member cached (a request to a handler that did not answer).
   */
  public static void forget(Vertx vertx, java.util.List<String> addresses) {
    if (clusterManager(vertx) instanceof GridClusterManager g) {
      g.forget(addresses);
    }
  }

  /**
   * Whether {@code e} (or one of its causes) says the cluster has no data member: what Hazelcast
   * throws at a lite member while no coordinator is in its cluster.
   */
  public static boolean noDataMember(Throwable e) {
    for (int depth = 0; e != null && depth < 10; depth++, e = e.getCause()) {
      if (e instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  /** Whether a data member (a coordinator) is in this member's view of the cluster. */
  public static boolean hasDataMember(Vertx vertx) {
    return clusterManager(vertx).getHazelcastInstance().getCluster().getMembers().stream()
        .anyMatch(m -> !m.isLiteMember());
  }

  /** The Vert.x node id of this process. */
  public static String nodeId(Vertx vertx) {
    return clusterManager(vertx).getNodeId();
  }

  /** Vert.x node ids of the current members. */
  public static java.util.List<String> members(Vertx vertx) {
    return clusterManager(vertx).getNodes();
  }

  /** Hazelcast address ({@code host:port}) of this member, for {@code --join}. */
  public static String joinAddress(Vertx vertx) {
    var a = clusterManager(vertx).getHazelcastInstance().getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }

  /**
   * The Hazelcast member under a clustered Vert.x, for state the coordinators share outside the
   * event bus (e.g. rate-limit buckets).
   *
   * @throws IllegalStateException if {@code vertx} is not clustered
   */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    if (!vertx.isClustered()) {
      throw new IllegalStateException("Vert.x is not clustered: there is no Hazelcast member");
    }
    return clusterManager(vertx).getHazelcastInstance();
  }

  /**
   * Whether the cluster is safe: every partition's replicas in sync, so this member may leave
   * without losing data (what a rolling restart waits for). May take a moment: call it off the
   * event loop.
   */
  public static boolean clusterSafe(Vertx vertx) {
    return clusterManager(vertx).getHazelcastInstance().getPartitionService().isClusterSafe();
  }

  private static HazelcastClusterManager clusterManager(Vertx vertx) {
    return (HazelcastClusterManager)
        ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
  }
}
