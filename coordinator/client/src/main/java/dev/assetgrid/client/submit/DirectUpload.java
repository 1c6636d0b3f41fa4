package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.commands.Show;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import dev.assetgrid.client.http.ServerProblem;
import dev.assetgrid.client.http.Unreachable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * A big file through the direct, resumable upload API: {@code POST /v1/uploads} (the server picks
 * the part size and hands out one URL per part), a PUT of each part to its URL, {@code POST
 * /v1/uploads/{id}/complete} (asset and job). The upload's id is noted in {@link UploadStates}
 * before the first byte is sent; a later run with the same bytes asks {@code GET /v1/uploads/{id}}
 * which parts the server holds and sends only the missing ones.
 */
final class DirectUpload {
  /** Upload states a note may resume from; any other ends the note (expired, aborted). */
  private static final Set<String> RESUMABLE = Set.of("open", "completed");

  private final Api api;
  private final UploadStates states;

  DirectUpload(Api api, UploadStates states) {
    this.api = api;
    this.states = states;
  }

  /**
   * Uploads {@code file} and returns the server's {@code {asset, job}}.
   *
   * @param sent told the bytes the server holds so far (resumed parts included)
   */
  JsonNode upload(Path file, String name, String pipeline, List<String> tags, LongConsumer sent) {
    long size = size(file);
    String sha = Digest.sha256(file);
    String url = api.config().url().toString();
    JsonNode up = resume(states.find(sha, size, url));
    if (up == null) {
      ObjectNode body = Json.object().put("name", name).put("size", size).put("sha256", sha);
      if (pipeline != null) {
        body.put("pipeline", pipeline);
      }
      if (!tags.isEmpty()) {
        tags.forEach(body.putArray("tags")::add);
      }
      up = api.post("/v1/uploads", body);
      note(sha, size, new UploadStates.Note(Json.text(up, "id"), url));
    }
    String id = Json.text(up, "id");
    long partSize = up.get("partSize").asLong();
    long[] held = {0};
    up.path("received").forEach(p -> held[0] += p.path("size").asLong());
    sent.accept(held[0]);
    try {
      for (JsonNode part : up.path("missing")) {
        long offset = (part.get("number").asLong() - 1) * partSize;
        long length = part.get("size").asLong();
        long before = held[0];
        api.putPart(
            URI.create(Json.text(part, "url")), file, offset, length, n -> sent.accept(before + n));
        held[0] += length;
      }
    } catch (Unreachable e) {
      throw new ClientException(
          e.exitCode(),
          e.getMessage()
              + "; "
              + Show.bytes(held[0])
              + " of "
              + Show.bytes(size)
              + " of the upload are on the server: submit the same file again to send the rest",
          e);
    }
    JsonNode done;
    try {
      done = api.post("/v1/uploads/" + Query.segment(id) + "/complete", null);
    } catch (ServerProblem e) {
      if (e.problem().status() != 409) {
        states.forget(sha, size); // the server ended the upload (bad bytes): nothing to resume
      }
      throw e;
    }
    states.forget(sha, size);
    return done;
  }

  /** The upload a note names, if the server still has it open or completed; else null. */
  private JsonNode resume(UploadStates.Note note) {
    if (note == null) {
      return null;
    }
    try {
      JsonNode up = api.get("/v1/uploads/" + Query.segment(note.uploadId()));
      return RESUMABLE.contains(Json.text(up, "state")) ? up : null;
    } catch (ServerProblem e) {
      if (e.problem().status() >= 500) {
        throw e;
      }
      return null; // gone (404), expired (410): start over
    }
  }

  private void note(String sha, long size, UploadStates.Note note) {
    try {
      states.save(sha, size, note);
    } catch (IOException e) {
      throw ClientException.usage(
          "cannot note the upload under "
              + states.dir()
              + " (set XDG_STATE_HOME to a writable folder)");
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw ClientException.usage("cannot read " + file);
    }
  }
}
