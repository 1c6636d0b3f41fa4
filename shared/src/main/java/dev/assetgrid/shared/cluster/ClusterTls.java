package dev.assetgrid.shared.cluster;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.file.Path;

/**
 * Mutual TLS on the clustered event bus: every member serves with this certificate, presents it
 * when it connects to another member, and accepts only peers whose certificate {@code trust}
 * vouches for (client auth required). One certificate shared by all members (trusting itself) is
 * enough; a CA and one certificate per member work too. Peer host names are not checked (Vert.x's
 * event-bus client does not; the peer addresses come from Hazelcast): holding a trusted certificate
 * is what makes a member.
 *
 * <p>This covers the event bus only (task leases, heartbeats, completions, job events). Hazelcast's
 * own member protocol (membership, the subscription and node-info maps) stays unencrypted: its TLS
 * is a Hazelcast Enterprise feature. Keep the Hazelcast port on a private network.
 *
 * @param cert PEM certificate (chain) of this member
 * @param key PEM private key of {@code cert}
 * @param trust PEM certificate(s) a peer's certificate must chain to
 */
public record ClusterTls(Path cert, Path key, Path trust) {
  public ClusterTls {
    if (cert == null || key == null || trust == null) {
      throw new IllegalArgumentException("cluster TLS needs a certificate, a key and a trust file");
    }
  }

  /**
   * From the three {@code --cluster-tls-*} flags: null when none is given.
   *
   * @throws AssetGridException INVALID_REQUEST when some but not all are given
   */
  public static ClusterTls fromFlags(Path cert, Path key, Path trust) {
    if (cert == null && key == null && trust == null) {
      return null;
    }
    if (cert == null || key == null || trust == null) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "event-bus TLS needs all three of --cluster-tls-cert, --cluster-tls-key and"
              + " --cluster-tls-trust");
    }
    return new ClusterTls(cert, key, trust);
  }
}
