package dev.assetgrid.node.processing.convert;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap checks of declared sizes before the bytes reach the native importer: Assimp trusts counts
 * in headers and reserves memory for them (a 200-byte PLY declaring two billion vertices made it
 * allocate until the kernel killed the JVM). Each check compares what a header declares with the
 * least number of bytes that much data needs, and with {@link ConvertOptions#maxVertices()}.
 *
 * <ul>
 *   <li>PLY: every element's count × the smallest size of one element (binary: fixed property sizes
 *       plus list count sizes; ASCII: two characters per property) must fit in the body.
 *   <li>COLLADA (and any XML): a {@code count="N"} attribute larger than the file is refused.
 * </ul>
 *
 * Binary STL needs no check: Assimp compares its triangle count with the file size itself.
 */
final class SourceChecks {
  private static final Pattern XML_COUNT =
      Pattern.compile("\\bcount\\s*=\\s*\"\\s*(\\d{1,19})\\s*\"");
  private static final int PLY_MAX_HEADER = 64 * 1024;

  private SourceChecks() {}

  static void check(byte[] b, ConvertOptions options) {
    if (startsWith(b, "ply")) {
      checkPly(b, options);
    } else if (looksLikeText(b)) {
      checkXmlCounts(b);
    }
  }

  private static void checkPly(byte[] b, ConvertOptions options) {
    int end = indexOf(b, "end_header", PLY_MAX_HEADER);
    if (end < 0) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "PLY header has no end_header in its first 64 KiB");
    }
    int body = end + "end_header".length();
    while (body < b.length && (b[body] == '\r' || b[body] == '\n')) {
      body++;
    }
    String header = new String(b, 0, end, StandardCharsets.US_ASCII);
    boolean binary = false;
    long minBytes = 0;
    long count = 0;
    long elementBytes = 0;
    String element = null;
    for (String raw : header.split("\r\n|\n|\r")) {
      String[] t = raw.strip().split("\\s+");
      if (t.length == 0) {
        continue;
      }
      switch (t[0]) {
        case "format" -> binary = t.length > 1 && t[1].startsWith("binary");
        case "element" -> {
          minBytes = addElement(minBytes, count, elementBytes);
          element = t.length > 1 ? t[1] : "";
          count = t.length > 2 ? parseCount(t[2]) : 0;
          elementBytes = 0;
          if ("vertex".equals(element) && count > options.maxVertices()) {
            throw new AssetGridException(
                ErrorCode.INPUT_LIMIT_EXCEEDED,
                "PLY declares "
                    + count
                    + " vertices, more than the limit of "
                    + options.maxVertices());
          }
        }
        case "property" -> {
          if (binary) {
            // list: only the count is fixed-size (a list may be empty)
            elementBytes +=
                t.length > 2 && t[1].equals("list")
                    ? typeSize(t[2])
                    : typeSize(t.length > 1 ? t[1] : "");
          } else {
            elementBytes += 2; // one digit and a separator
          }
        }
        default -> {}
      }
    }
    minBytes = addElement(minBytes, count, elementBytes);
    long available = b.length - body;
    if (minBytes > available + (binary ? 0 : 1)) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR,
          "PLY header declares at least " + minBytes + " bytes of data, the file has " + available);
    }
  }

  private static long addElement(long total, long count, long elementBytes) {
    try {
      return Math.addExact(total, Math.multiplyExact(count, Math.max(1, elementBytes)));
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long parseCount(String s) {
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new AssetGridException(ErrorCode.DATA_ERROR, "PLY element count is negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "PLY element count is not a number: " + s);
    }
  }

  private static int typeSize(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "char", "uchar", "int8", "uint8" -> 1;
      case "short", "ushort", "int16", "uint16" -> 2;
      case "double", "float64" -> 8;
      default -> 4;
    };
  }

  private static void checkXmlCounts(byte[] b) {
    String head = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.UTF_8).stripLeading();
    if (!head.startsWith("<")) {
      return;
    }
    Matcher m = XML_COUNT.matcher(new String(b, StandardCharsets.UTF_8));
    while (m.find()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        n = Long.MAX_VALUE;
      }
      if (n > b.length) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR,
            "XML declares count=\"" + m.group(1) + "\", more values than the file has bytes");
      }
    }
  }

  private static boolean looksLikeText(byte[] b) {
    int n = Math.min(b.length, 512);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xFF;
      if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] b, String prefix) {
    if (b.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, String needle, int limit) {
    int n = Math.min(b.length, limit) - needle.length();
    outer:
    for (int i = 0; i <= n; i++) {
      for (int k = 0; k < needle.length(); k++) {
        if (b[i + k] != needle.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
