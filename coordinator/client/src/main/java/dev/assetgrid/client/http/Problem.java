package dev.assetgrid.client.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer of the coordinator: {@code application/problem+json} (RFC 9457) with the stable
 * {@code code} of its {@code ErrorCode}.
 *
 * @param status the HTTP status
 * @param code the stable code ({@code NOT_FOUND}, {@code UNAUTHORIZED}...); null when the answer
 *     was not a problem document (a proxy's error page)
 * @param title the short summary ({@code not found}); may be null
 * @param detail what happened to this request ({@code job 1b2c...}); may be null
 * @param body the whole document, extension members included; may be null
 */
public record Problem(int status, String code, String title, String detail, JsonNode body) {
  /** The problem in an answer's body; a plain one naming the status when it is not one. */
  static Problem of(int status, String body) {
    JsonNode j = Json.parseOrNull(body);
    if (j == null || !j.isObject() || Json.text(j, "code") == null) {
      return new Problem(status, null, null, null, j);
    }
    return new Problem(
        status, Json.text(j, "code"), Json.text(j, "title"), Json.text(j, "detail"), j);
  }

  /**
   * One sentence: {@code Not found: job 1b2c... (NOT_FOUND).}, title then detail then code, each
   * only when the server gave it.
   */
  public String sentence() {
    if (code == null) {
      return "the coordinator answered HTTP " + status + " without an explanation";
    }
    StringBuilder s = new StringBuilder();
    if (title != null && !title.isBlank()) {
      s.append(Character.toUpperCase(title.charAt(0))).append(title.substring(1));
    }
    if (detail != null && !detail.isBlank()) {
      String d = detail.strip();
      if (d.endsWith(".")) {
        d = d.substring(0, d.length() - 1);
      }
      s.append(s.length() == 0 ? "" : ": ").append(d);
    }
    s.append(s.length() == 0 ? "" : " ").append('(').append(code).append(')');
    return s.append('.').toString();
  }
}
