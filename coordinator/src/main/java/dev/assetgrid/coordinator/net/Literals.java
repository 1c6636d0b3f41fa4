package dev.assetgrid.coordinator.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Address literals, parsed without ever asking DNS. */
final class Literals {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private Literals() {}

  /** The address {@code text} spells ({@code [..]} around IPv6 allowed), or null. */
  static InetAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v4 = IPV4.matcher(t).matches();
    boolean v6 = !v4 && t.indexOf(':') >= 0 && IPV6.matcher(t).matches();
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(t); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
