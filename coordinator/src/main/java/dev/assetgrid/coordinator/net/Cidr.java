package dev.assetgrid.coordinator.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range such as {@code 127.0.0.0/8} or {@code fd00::/8}: the addresses whose first
 * {@code bits} bits equal the network's.
 *
 * @param network the range's first address (its host bits are zero)
 * @param bits the prefix length, 0 to 32 (IPv4) or 128 (IPv6)
 */
public record Cidr(InetAddress network, int bits) {
  public Cidr {
    int max = network.getAddress().length * 8;
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length must be 0.." + max);
    }
    byte[] masked = mask(network.getAddress(), bits);
    if (!Arrays.equals(masked, network.getAddress())) {
      try {
        network = InetAddress.getByAddress(masked);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * {@code a.b.c.d/n}, {@code x::y/n}, or a bare address (a range of one). Only literal addresses:
   * a name is never resolved.
   *
   * @throws IllegalArgumentException with a sentence for anything else
   */
  public static Cidr parse(String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    InetAddress ip = Literals.parse(addr);
    if (ip == null) {
      throw new IllegalArgumentException(
          "not an address range (such as 10.0.0.0/8 or fd00::/8): " + text);
    }
    int max = ip.getAddress().length * 8;
    int bits;
    try {
      bits = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("the prefix length of " + text + " must be 0.." + max);
    }
    return new Cidr(ip, bits);
  }

  /** Whether {@code ip} lies in the range (never across address families). */
  public boolean contains(InetAddress ip) {
    byte[] a = ip.getAddress();
    return a.length == network.getAddress().length
        && Arrays.equals(mask(a, bits), network.getAddress());
  }

  private static byte[] mask(byte[] address, int bits) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + bits;
  }
}
