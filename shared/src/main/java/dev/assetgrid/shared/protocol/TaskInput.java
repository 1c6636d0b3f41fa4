package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A blob a leased task reads. Bytes never travel on the bus: the node fetches {@code url}
 * (authorised by its lease token) and checks the bytes against {@code sha256}.
 *
 * @param name logical input name, e.g. {@code original} or a side file's relative path
 * @param sha256 lowercase hex SHA-256 of the content
 * @param size content length in bytes
 * @param url absolute HTTP URL the node downloads from
 * @param presigned true when {@code url} is the blob store's own short-lived URL (S3): the node
 *     fetches it as it is and sends no lease token; false for the coordinator's endpoint, which
 *     wants the token in {@code X-Lease-Token}
 */
public record TaskInput(String name, String sha256, long size, String url, boolean presigned) {
  /** An input served by the coordinator (lease token required). */
  public TaskInput(String name, String sha256, long size, String url) {
    this(name, sha256, size, url, false);
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject().put("name", name).put("sha256", sha256).put("size", size).put("url", url);
    if (presigned) {
      j.put("presigned", true);
    }
    return j;
  }

  public static TaskInput fromJson(JsonObject j) {
    return new TaskInput(
        j.getString("name"),
        j.getString("sha256"),
        j.getLong("size", 0L),
        j.getString("url"),
        j.getBoolean("presigned", false));
  }
}
