package dev.assetgrid.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeMainTest {
  /**
   * The variable an option's default reads, e.g. ASSETGRID_SLOTS in {@code
   * ${env:ASSETGRID_SLOTS:-0}}.
   */
  static final Pattern ENV = Pattern.compile("\\$\\{env:(ASSETGRID_[A-Z_]+)(:-[^}]*)?}");

  /**
   * Every flag of a process the README says can come from the environment names its variable in its
   * help.
   */
  static void everyFlagHasItsEnvironmentVariable(Object command) {
    int checked = 0;
    for (java.lang.reflect.Field f : command.getClass().getDeclaredFields()) {
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
    assertThat(checked).isGreaterThan(5);
  }

  @Test
  void everyNodeFlagHasItsEnvironmentVariable() {
    everyFlagHasItsEnvironmentVariable(new NodeMain());
  }
}
