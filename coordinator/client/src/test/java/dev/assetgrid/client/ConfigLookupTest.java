package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.client.config.ClientConfig;
import dev.assetgrid.client.config.ConfigLookup;
import dev.assetgrid.coordinator.TestGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the URL and key come from: a flag, else the environment, else the config file, else the
 * default; a config file others may read is refused, saying how to fix it.
 */
class ConfigLookupTest {
  @TempDir Path home;

  Path configFile(String text, String mode) throws Exception {
    Path f = home.resolve(".config/assetgrid/config");
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  ClientConfig resolve(Map<String, String> env, String urlFlag, String keyFlag) {
    return new ConfigLookup(env, home)
        .resolve(new ConfigLookup.Flags(urlFlag, keyFlag, null, null));
  }

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
    configFile("# mine\nurl=http://file:1\nkey=from-file\n", "rw-------");
    Map<String, String> env = new HashMap<>();
    assertThat(resolve(env, null, null).url().toString()).isEqualTo("http://file:1");
    assertThat(resolve(env, null, null).key()).isEqualTo("from-file");
    env.put("ASSETGRID_URL", "http://env:2/");
    env.put("ASSETGRID_KEY", "from-env");
    assertThat(resolve(env, null, null).url().toString()).isEqualTo("http://env:2");
    assertThat(resolve(env, null, null).key()).isEqualTo("from-env");
    ClientConfig flags = resolve(env, "https://flag:3", "from-flag");
    assertThat(flags.url().toString()).isEqualTo("https://flag:3");
    assertThat(flags.key()).isEqualTo("from-flag");
  }

  @Test
  void withNothingGivenTheUrlIsLocalhostAndNoKeyIsSent() {
    ClientConfig c = resolve(Map.of(), null, null);
    assertThat(c.url().toString()).isEqualTo("http://localhost:8080");
    assertThat(c.key()).isNull();
  }

  @Test
  void xdgConfigHomeAndConfigFlagPickTheFile() throws Exception {
    Path xdg = Files.createDirectories(home.resolve("xdg/assetgrid"));
    Files.writeString(xdg.resolve("config"), "url=http://xdg:4\n");
    Files.setPosixFilePermissions(
        xdg.resolve("config"), PosixFilePermissions.fromString("rw-------"));
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString());
    assertThat(resolve(env, null, null).url().toString()).isEqualTo("http://xdg:4");

    Path other = Files.writeString(home.resolve("other.conf"), "url=http://other:5\n");
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
    ClientConfig c =
        new ConfigLookup(env, home).resolve(new ConfigLookup.Flags(null, null, other, null));
    assertThat(c.url().toString()).isEqualTo("http://other:5");
  }

  @Test
  void aConfigFileOthersMayReadIsRefusedWithTheFix() throws Exception {
    Path f = configFile("key=secret\n", "rw-r--r--");
    assertThatThrownBy(() -> resolve(Map.of(), null, null))
        .isInstanceOf(ClientException.class)
        .hasMessage(
            "the config file "
                + f
                + " holds an API key but other users may read it; run: chmod 600 "
                + f);
    Cli.Run r = new Cli(home).runExactly("jobs");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .isEqualTo(
            "assetgrid: the config file "
                + f
                + " holds an API key but other users may read it; run: chmod 600 "
                + f
                + "\n");
  }

  @Test
  void aConfigFileLineThatIsNoSettingIsNamed() throws Exception {
    Path f = configFile("url=http://x:1\npassword=nope\n", "rw-------");
    assertThatThrownBy(() -> resolve(Map.of(), null, null))
        .hasMessage("line 2 of the config file " + f + " is not one of url=, key=, tls-trust=");
  }

  /**
   * The order seen from a real server: a bad key given by flag beats a good one in the environment.
   */
  @Test
  void theOrderHoldsAgainstARealServer() throws Exception {
    TestGrid grid = ClientGrid.get();
    configFile(
        "url=" + grid.coordinator.baseUrl() + "\nkey=ag_0000000000000000_bad\n", "rw-------");
    Cli cli = new Cli(home);
    assertThat(cli.runExactly("nodes").exit()).as("the file's bad key").isEqualTo(ExitCode.USAGE);
    cli.env("ASSETGRID_KEY", grid.adminKey());
    Cli.Run env = cli.runExactly("nodes");
    assertThat(env.exit()).as(env.toString()).isZero();
    Cli.Run flag = cli.runExactly("nodes", "--key", "ag_0000000000000000_bad");
    assertThat(flag.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(flag.err()).contains("UNAUTHORIZED");
  }
}
