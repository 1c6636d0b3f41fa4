package dev.assetgrid.client.config;

import dev.assetgrid.client.ClientException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the coordinator is and how to talk to it, once the lookup ({@link ConfigLookup}) is done.
 *
 * @param url the coordinator's base URL, {@code http://} or {@code https://}, no trailing slash
 * @param key the API key ({@code ag_<id>_<secret>}); null: none is sent (a grid with {@code --auth
 *     off})
 * @param tlsTrust a PEM file of certificates to trust for HTTPS instead of the JVM's CAs (a
 *     coordinator's self-signed {@code data/tls/cert.pem}); null: the JVM's CAs
 */
public record ClientConfig(URI url, String key, Path tlsTrust) {
  /** The URL of a coordinator started with no options on this machine. */
  public static final String DEFAULT_URL = "http://localhost:8080";

  public ClientConfig {
    String scheme = url.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
      throw ClientException.usage(
          "the coordinator URL " + url + " must be http://HOST[:PORT] or https://HOST[:PORT]");
    }
    String text = url.toString();
    if (text.endsWith("/")) {
      url = URI.create(text.substring(0, text.length() - 1));
    }
    if (key != null && key.isBlank()) {
      key = null;
    }
  }
}
