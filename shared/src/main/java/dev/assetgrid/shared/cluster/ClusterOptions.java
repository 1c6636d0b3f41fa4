package dev.assetgrid.shared.cluster;

import java.util.List;

/**
 * How a process joins the assetgrid cluster (Hazelcast TCP-IP join; multicast and auto-detection
 * off).
 *
 * @param clusterName Hazelcast cluster name; processes with different names never meet
 * @param bindHost interface Hazelcast and the event bus bind to
 * @param publicHost address other members use to reach this one (defaults to {@code bindHost})
 * @param hazelcastPort Hazelcast member port; 0 = first free port from {@link
 *     #DEFAULT_HAZELCAST_PORT}
 * @param eventBusPort event-bus TCP port; 0 = random
 * @param members {@code host[:port]} of members to join; empty = start a new cluster
 * @param liteMember lite members hold no cluster data (nodes are lite; coordinators are not)
 * @param secret the grid's {@link ClusterSecret}: it derives the Hazelcast cluster name and signs
 *     and checks every event-bus message; null only for a process that must meet members without
 *     one (a coordinator fills it in from its data folder before it starts)
 * @param tls mutual TLS on the event bus; null = plain TCP (the HMAC proofs apply either way)
 */
public record ClusterOptions(
    String clusterName,
    String bindHost,
    String publicHost,
    int hazelcastPort,
    int eventBusPort,
    List<String> members,
    boolean liteMember,
    ClusterSecret secret,
    ClusterTls tls) {

  public static final String DEFAULT_CLUSTER_NAME = "assetgrid";
  public static final int DEFAULT_HAZELCAST_PORT = 5701;

  /**
   * A member given as {@code k8s-dns:<service>} (e.g. {@code
   * k8s-dns:assetgrid-cluster.grid.svc.cluster.local}) makes Hazelcast find the members through the
   * DNS records of that headless Kubernetes service (its Kubernetes discovery in DNS mode, which
   * needs no access to the Kubernetes API) instead of joining a list of addresses.
   */
  public static final String KUBERNETES_DNS = "k8s-dns:";

  /** The headless service of a {@link #KUBERNETES_DNS} member, if the members name one. */
  public java.util.Optional<String> kubernetesService() {
    for (String m : members) {
      if (m.startsWith(KUBERNETES_DNS)) {
        return java.util.Optional.of(m.substring(KUBERNETES_DNS.length()));
      }
    }
    return java.util.Optional.empty();
  }

  /** Cluster traffic stays on loopback unless told otherwise. */
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";

  public ClusterOptions {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName must not be blank");
    }
    bindHost = bindHost == null || bindHost.isBlank() ? DEFAULT_BIND_HOST : bindHost;
    publicHost = publicHost == null || publicHost.isBlank() ? bindHost : publicHost;
    if (hazelcastPort < 0 || hazelcastPort > 65535 || eventBusPort < 0 || eventBusPort > 65535) {
      throw new IllegalArgumentException("ports must be in 0..65535");
    }
    members = List.copyOf(members);
    long dns = members.stream().filter(m -> m.startsWith(KUBERNETES_DNS)).count();
    if (dns > 1 || (dns == 1 && members.size() > 1)) {
      throw new IllegalArgumentException(
          "--join: a " + KUBERNETES_DNS + "<service> stands alone, not beside other members");
    }
    if (dns == 1 && members.get(0).length() == KUBERNETES_DNS.length()) {
      throw new IllegalArgumentException("--join: " + KUBERNETES_DNS + " needs a service name");
    }
  }

  /** Options without event-bus TLS (see {@link #withTls}). */
  public ClusterOptions(
      String clusterName,
      String bindHost,
      String publicHost,
      int hazelcastPort,
      int eventBusPort,
      List<String> members,
      boolean liteMember,
      ClusterSecret secret) {
    this(
        clusterName,
        bindHost,
        publicHost,
        hazelcastPort,
        eventBusPort,
        members,
        liteMember,
        secret,
        null);
  }

  /** Options without a secret (see {@link #withSecret}). */
  public ClusterOptions(
      String clusterName,
      String bindHost,
      String publicHost,
      int hazelcastPort,
      int eventBusPort,
      List<String> members,
      boolean liteMember) {
    this(clusterName, bindHost, publicHost, hazelcastPort, eventBusPort, members, liteMember, null);
  }

  /** These options with {@code s} as the grid's secret. */
  public ClusterOptions withSecret(ClusterSecret s) {
    return new ClusterOptions(
        clusterName,
        bindHost,
        publicHost,
        hazelcastPort,
        eventBusPort,
        members,
        liteMember,
        s,
        tls);
  }

  /** These options with {@code t} as the event bus's TLS (null = none). */
  public ClusterOptions withTls(ClusterTls t) {
    return new ClusterOptions(
        clusterName,
        bindHost,
        publicHost,
        hazelcastPort,
        eventBusPort,
        members,
        liteMember,
        secret,
        t);
  }

  /** A fresh single-machine cluster on loopback. */
  public static ClusterOptions loopback(
      String clusterName, boolean liteMember, List<String> members) {
    return new ClusterOptions(clusterName, "127.0.0.1", "127.0.0.1", 0, 0, members, liteMember);
  }
}
