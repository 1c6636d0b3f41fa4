package dev.assetgrid.coordinator.net;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where the coordinator may connect on a user's behalf (webhook receivers, and the URLs of an
 * import): {@code https} only unless plain HTTP is allowed, and never an address of the machine,
 * its networks or the cloud's metadata service — loopback, link-local, private, shared (CGNAT),
 * multicast and reserved ranges — unless an operator allowed that range ({@code
 * --webhook-allow-cidr}). A URL is checked when it is registered and its host's addresses again
 * before every connection ({@link #resolve}), which then goes to the address that was checked, so a
 * name that resolves elsewhere the second time (DNS rebinding) gains nothing.
 */
public final class Egress {
  /** Ranges refused unless allowed: none of them is the public internet. */
  static final List<Cidr> REFUSED =
      List.of(
              "0.0.0.0/8",
              "10.0.0.0/8",
              "100.64.0.0/10",
              "127.0.0.0/8",
              "169.254.0.0/16",
              "172.16.0.0/12",
              "192.0.0.0/24",
              "192.0.2.0/24",
              "192.168.0.0/16",
              "198.18.0.0/15",
              "198.51.100.0/24",
              "203.0.113.0/24",
              "224.0.0.0/4",
              "240.0.0.0/4",
              "::/128",
              "::1/128",
              "64:ff9b::/96",
              "100::/64",
              "2001:db8::/32",
              "fc00::/7",
              "fe80::/10",
              "ff00::/8")
          .stream()
          .map(Cidr::parse)
          .toList();

  /** Longest URL accepted. */
  public static final int MAX_URL = 2048;

  /** Resolves a host name; {@link InetAddress#getAllByName} in production. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowHttp;
  private final List<Cidr> allowed;
  private final Resolver resolver;

  /**
   * @param allowHttp whether {@code http://} URLs are accepted ({@code --allow-http-webhooks})
   * @param allowed ranges accepted although {@link #REFUSED} lists them
   */
  public Egress(boolean allowHttp, List<Cidr> allowed) {
    this(allowHttp, allowed, InetAddress::getAllByName);
  }

  Egress(boolean allowHttp, List<Cidr> allowed, Resolver resolver) {
    this.allowHttp = allowHttp;
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  public boolean allowHttp() {
    return allowHttp;
  }

  public List<Cidr> allowed() {
    return allowed;
  }

  /** A URL checked for its form: what to connect to. */
  public record Target(URI uri, String host, int port, boolean tls) {}

  /**
   * The URL's form: absolute, {@code https} (or {@code http} when allowed), a host, no user info,
   * no fragment. Does not resolve the host.
   *
   * @throws AssetGridException URL_NOT_ALLOWED with a sentence saying why
   */
  public Target check(String url) {
    if (url == null || url.isBlank()) {
      throw refused("a URL is required");
    }
    if (url.length() > MAX_URL) {
      throw refused("the URL is longer than " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw refused("not a URL: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("https");
    if (!tls && !(scheme.equals("http") && allowHttp)) {
      throw refused(
          scheme.equals("http")
              ? "plain http URLs are off; use https (or start the coordinator with"
                  + " --allow-http-webhooks)"
              : "only https URLs are accepted, not " + url);
    }
    if (uri.getRawUserInfo() != null) {
      throw refused("the URL must not carry a user name or password");
    }
    if (uri.getRawFragment() != null) {
      throw refused("the URL must not have a #fragment");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw refused("the URL has no host: " + url);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      host = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw refused("the URL's host is not a valid name: " + uri.getHost());
    }
    int port = uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort();
    if (port < 1 || port > 65535) {
      throw refused("the URL's port must be 1..65535");
    }
    InetAddress literal = Literals.parse(host);
    if (literal != null) {
      refuseIfInternal(host, literal);
    }
    return new Target(uri, host, port, tls);
  }

  /**
   * The address to connect to for {@code target}: every address its host resolves to must be
   * allowed (a name that also resolves to an internal address is refused as a whole). Blocking (a
   * DNS lookup): call it off the event loop.
   *
   * @throws AssetGridException URL_NOT_ALLOWED when the host does not resolve or an address is
   *     refused
   */
  public InetAddress resolve(Target target) {
    InetAddress[] all;
    try {
      InetAddress literal = Literals.parse(target.host());
      all = literal != null ? new InetAddress[] {literal} : resolver.resolve(target.host());
    } catch (UnknownHostException e) {
      throw refused("the host " + target.host() + " does not resolve");
    }
    if (all == null || all.length == 0) {
      throw refused("the host " + target.host() + " does not resolve");
    }
    for (InetAddress ip : all) {
      refuseIfInternal(target.host(), ip);
    }
    return all[0];
  }

  /**
   * A request to {@code target} that connects to {@code ip}, the address {@link #resolve} checked
   * (the host still names the server: Host header, TLS name check), never following redirects.
   *
   * @param timeout how long the request may stay silent
   */
  public io.vertx.core.http.RequestOptions request(
      Target target,
      InetAddress ip,
      io.vertx.core.http.HttpMethod method,
      java.time.Duration timeout) {
    String path =
        target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty()
            ? "/"
            : target.uri().getRawPath();
    if (target.uri().getRawQuery() != null) {
      path += "?" + target.uri().getRawQuery();
    }
    return new io.vertx.core.http.RequestOptions()
        .setMethod(method)
        .setServer(
            io.vertx.core.net.SocketAddress.inetSocketAddress(target.port(), ip.getHostAddress()))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.tls())
        .setURI(path)
        .setFollowRedirects(false)
        .setTimeout(timeout.toMillis());
  }

  /** Whether a connection to {@code ip} is allowed. */
  public boolean permits(InetAddress ip) {
    for (Cidr c : allowed) {
      if (c.contains(ip)) {
        return true;
      }
    }
    for (Cidr c : REFUSED) {
      if (c.contains(ip)) {
        return false;
      }
    }
    return true;
  }

  private void refuseIfInternal(String host, InetAddress ip) {
    if (!permits(ip)) {
      throw refused(
          (host.equals(ip.getHostAddress()) ? host : host + " (" + ip.getHostAddress() + ")")
              + " is an internal address (loopback, link-local, private or reserved); an"
              + " operator can allow its range with --webhook-allow-cidr");
    }
  }

  private static AssetGridException refused(String why) {
    return new AssetGridException(ErrorCode.URL_NOT_ALLOWED, why);
  }
}
