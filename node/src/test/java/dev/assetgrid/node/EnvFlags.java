package dev.assetgrid.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Checks of a picocli command's flags against the README's promise that every flag can come from an
 * {@code ASSETGRID_*} variable; used by the node's and the coordinator's tests (test jar).
 */
public final class EnvFlags {
  /**
   * An option default that reads a variable: {@code ${env:ASSETGRID_X}} or {@code
   * ${env:ASSETGRID_X:-fallback}}.
   */
  private static final Pattern ENV =
      Pattern.compile("\\$\\{env:(ASSETGRID_[A-Z0-9_]+)(:-([^}]*))?}");

  private EnvFlags() {}

  /**
   * Every flag of {@code command} reads its variable and names it in its help; fails when fewer
   * than {@code atLeast} flags were checked.
   */
  public static void everyFlagHasItsVariable(Class<?> command, int atLeast) {
    int checked = 0;
    for (Field f : command.getDeclaredFields()) {
      CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
      if (o == null) {
        continue;
      }
      Matcher m = ENV.matcher(o.defaultValue());
      assertThat(m.matches()).as(o.names()[0] + " reads an ASSETGRID_* variable").isTrue();
      assertThat(String.join(" ", o.description()))
          .as(o.names()[0] + " help names its variable")
          .contains("Env: " + m.group(1));
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(atLeast);
  }

  /** The default flag {@code name} of {@code command} falls back to when its variable is unset. */
  public static String fallback(Class<?> command, String name) {
    String dflt =
        Arrays.stream(command.getDeclaredFields())
            .map(f -> f.getAnnotation(CommandLine.Option.class))
            .filter(o -> o != null && List.of(o.names()).contains(name))
            .findFirst()
            .orElseThrow()
            .defaultValue();
    Matcher m = ENV.matcher(dflt);
    assertThat(m.matches()).as(name + " reads an ASSETGRID_* variable").isTrue();
    return m.group(3);
  }
}
