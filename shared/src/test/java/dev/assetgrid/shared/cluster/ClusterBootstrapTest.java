package dev.assetgrid.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The join a member's options make: TCP/IP to listed members, or Kubernetes DNS discovery. */
class ClusterBootstrapTest {
  static ClusterOptions options(List<String> members) {
    return new ClusterOptions("grid", "10.0.0.7", null, 5701, 0, members, true, null);
  }

  @Test
  void listedMembersAreJoinedOverTcpIp() {
    JoinConfig join =
        ClusterBootstrap.hazelcastConfig(options(List.of("10.0.0.2:5701")))
            .getNetworkConfig()
            .getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.2:5701");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
  }

  @Test
  void aHeadlessServiceIsFoundThroughKubernetesDns() {
    Config cfg =
        ClusterBootstrap.hazelcastConfig(
            options(List.of("k8s-dns:assetgrid-cluster.grid.svc.cluster.local")));
    JoinConfig join = cfg.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("assetgrid-cluster.grid.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(cfg.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.7");
  }

  @Test
  void aServiceStandsAlone() {
    assertThatThrownBy(() -> options(List.of("k8s-dns:svc", "10.0.0.2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stands alone");
    assertThatThrownBy(() -> options(List.of("k8s-dns:")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a service name");
  }
}
