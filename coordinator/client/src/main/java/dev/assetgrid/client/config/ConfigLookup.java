package dev.assetgrid.client.config;

import dev.assetgrid.client.ClientException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one lookup order of the client's settings, written once: a flag, else the environment ({@code
 * ASSETGRID_URL}, {@code ASSETGRID_KEY}, {@code ASSETGRID_TLS_TRUST}), else the config file, else
 * the default. The config file is {@code --config FILE} when given (it must exist), else {@code
 * $XDG_CONFIG_HOME/assetgrid/config}, else {@code ~/.config/assetgrid/config} (either may be
 * absent).
 *
 * @param env the process environment (tests pass their own)
 * @param home the user's home folder
 */
public record ConfigLookup(Map<String, String> env, Path home) {
  public static final String ENV_URL = "ASSETGRID_URL";
  public static final String ENV_KEY = "ASSETGRID_KEY";
  public static final String ENV_TLS_TRUST = "ASSETGRID_TLS_TRUST";

  /** What the command line gave; each may be null. */
  public record Flags(String url, String key, Path configFile, Path tlsTrust) {}

  public ClientConfig resolve(Flags flags) {
    Map<String, String> file = fileMembers(flags.configFile());
    String url = first(flags.url(), env.get(ENV_URL), file.get("url"), ClientConfig.DEFAULT_URL);
    String key = first(flags.key(), env.get(ENV_KEY), file.get("key"), null);
    String trust =
        first(
            flags.tlsTrust() == null ? null : flags.tlsTrust().toString(),
            env.get(ENV_TLS_TRUST),
            file.get("tls-trust"),
            null);
    Path trustFile = trust == null ? null : Path.of(trust);
    if (trustFile != null && !Files.isReadable(trustFile)) {
      throw ClientException.usage("the certificate file " + trustFile + " cannot be read");
    }
    return new ClientConfig(uri(url), key, trustFile);
  }

  /** The config file that applies (given or default); null when the default one is absent. */
  public Path configFile(Path given) {
    if (given != null) {
      return given;
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
    Path p = base.resolve("assetgrid").resolve("config");
    return Files.exists(p) ? p : null;
  }

  private Map<String, String> fileMembers(Path given) {
    if (given != null && !Files.isRegularFile(given)) {
      throw ClientException.usage(
          "the config file " + given + " given with --config does not exist");
    }
    Path p = configFile(given);
    return p == null ? Map.of() : ConfigFile.read(p);
  }

  private static String first(String flag, String envValue, String fileValue, String fallback) {
    for (String v : new String[] {flag, envValue, fileValue}) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return fallback;
  }

  private static URI uri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw ClientException.usage("the coordinator URL " + text + " is not a URL");
    }
  }
}
