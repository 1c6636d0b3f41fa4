package dev.assetgrid.client.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** A URL query string built from optional parameters (null values are left out), and path ids. */
public final class Query {
  private final StringJoiner parts = new StringJoiner("&", "?", "").setEmptyValue("");

  public static Query of() {
    return new Query();
  }

  public Query add(String name, Object value) {
    if (value != null && !value.toString().isEmpty()) {
      parts.add(encode(name) + "=" + encode(value.toString()));
    }
    return this;
  }

  /** {@code ?a=1&b=2}, or the empty string when nothing was added. */
  @Override
  public String toString() {
    return parts.toString();
  }

  /** A path segment (an id a user typed) made safe to put in a path. */
  public static String segment(String id) {
    return encode(id).replace("+", "%20");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
