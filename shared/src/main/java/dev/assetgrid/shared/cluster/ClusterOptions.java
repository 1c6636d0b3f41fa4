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
