package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.EnvFlags;
import org.junit.jupiter.api.Test;

class CoordinatorMainTest {
  @Test
  void everyFlagHasItsEnvironmentVariable() {
    EnvFlags.everyFlagHasItsVariable(CoordinatorMain.class, 11);
  }

  @Test
  void flagDefaultsAreTheConfigDefaults() {
    CoordinatorConfig d = CoordinatorConfig.defaults();
    Class<?> spec = CoordinatorMain.class;
    assertThat(fallback(spec, "--port")).isEqualTo(String.valueOf(d.httpPort()));
    assertThat(fallback(spec, "--host")).isEqualTo(d.httpHost());
    assertThat(fallback(spec, "--data-dir")).isEqualTo(d.dataDir().toString());
    assertThat(fallback(spec, "--workers")).isEqualTo(String.valueOf(d.workers()));
    assertThat(fallback(spec, "--max-upload")).isEqualTo(String.valueOf(d.maxUploadBytes()));
    assertThat(fallback(spec, "--lease-seconds")).isEqualTo(String.valueOf(d.lease().toSeconds()));
    assertThat(fallback(spec, "--max-attempts")).isEqualTo(String.valueOf(d.maxAttempts()));
    assertThat(fallback(spec, "--cluster-host")).isEqualTo(d.cluster().bindHost());
    assertThat(fallback(spec, "--cluster-name")).isEqualTo(d.cluster().clusterName());
  }

  private static String fallback(Class<?> command, String name) {
    return EnvFlags.fallback(command, name);
  }
}
