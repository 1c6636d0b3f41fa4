package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CoordinatorMainTest {
  private static final Pattern ENV = Pattern.compile("\\$\\{env:(ASSETGRID_[A-Z_]+)(:-([^}]*))?}");

  @Test
  void everyFlagHasItsEnvironmentVariable() {
    int checked = 0;
    for (java.lang.reflect.Field f : CoordinatorMain.class.getDeclaredFields()) {
      CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
      if (o == null) {
        continue;
      }
      String dflt = o.defaultValue();
      assertThat(dflt).as(o.names()[0] + " reads an ASSETGRID_* variable").matches(ENV);
      Matcher m = ENV.matcher(dflt);
      assertThat(m.matches()).isTrue();
      assertThat(String.join(" ", o.description()))
          .as(o.names()[0] + " help names its variable")
          .contains("Env: " + m.group(1));
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
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

  /** The default a flag falls back to when its variable is unset, as written in its annotation. */
  private static String fallback(Class<?> command, String name) {
    String dflt =
        java.util.Arrays.stream(command.getDeclaredFields())
            .map(f -> f.getAnnotation(CommandLine.Option.class))
            .filter(o -> o != null && java.util.List.of(o.names()).contains(name))
            .findFirst()
            .orElseThrow()
            .defaultValue();
    Matcher m = ENV.matcher(dflt);
    assertThat(m.matches()).isTrue();
    return m.group(3);
  }
}
