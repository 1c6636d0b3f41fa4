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
 */
public record TaskInput(String name, String sha256, long size, String url) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("sha256", sha256)
        .put("size", size)
        .put("url", url);
  }

  public static TaskInput fromJson(JsonObject j) {
    return new TaskInput(
        j.getString("name"), j.getString("sha256"), j.getLong("size", 0L), j.getString("url"));
  }
}
