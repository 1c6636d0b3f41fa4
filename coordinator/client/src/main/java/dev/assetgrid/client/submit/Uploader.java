package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.http.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Sends one {@link Submission} the way that fits it: a model with side files is zipped ({@link
 * Bundler}) and, like a small file or a .zip given as such, goes as one raw-body {@code POST
 * /v1/assets}; a single model file over the threshold goes through the resumable {@link
 * DirectUpload} (which takes model files only: a zip is unpacked by {@code POST /v1/assets}).
 */
final class Uploader {
  /** What the server made of a file. */
  record Accepted(String assetId, String jobId) {}

  /** The options every file of one {@code submit} shares; each may be null or empty. */
  record Options(String name, String pipeline, List<String> tags, long directThreshold) {}

  private final Api api;
  private final DirectUpload direct;
  private final Options options;

  Uploader(Api api, UploadStates states, Options options) {
    this.api = api;
    this.direct = new DirectUpload(api, states);
    this.options = options;
  }

  /**
   * The file that will be sent for {@code s}: the model itself, or a new zip (then deleted by
   * {@link #send}).
   */
  Path payload(Submission s) {
    if (!s.bundled()) {
      return s.model();
    }
    try {
      return Bundler.zip(s);
    } catch (IOException e) {
      throw ClientException.usage("cannot zip " + s.label() + " with its side files");
    }
  }

  Accepted send(Submission s, Path payload, LongConsumer sent) {
    try {
      long size = Files.size(payload);
      String filename = s.model().getFileName().toString() + (s.bundled() ? ".zip" : "");
      JsonNode created;
      if (!s.bundled() && !s.isZip() && size > options.directThreshold()) {
        String name = options.name() != null ? options.name() : filename;
        created = direct.upload(payload, name, options.pipeline(), options.tags(), sent);
      } else {
        String query =
            Query.of()
                .add("filename", filename)
                .add("name", options.name())
                .add("pipeline", options.pipeline())
                .add("tags", options.tags().isEmpty() ? null : String.join(",", options.tags()))
                .toString();
        created = api.postFile("/v1/assets" + query, payload, sent);
      }
      return new Accepted(
          Json.text(created.get("asset"), "id"), Json.text(created.get("job"), "id"));
    } catch (IOException e) {
      throw ClientException.usage("cannot read " + payload);
    } finally {
      if (s.bundled()) {
        try {
          Files.deleteIfExists(payload);
        } catch (IOException ignored) {
          // a temporary zip left in the temp folder
        }
      }
    }
  }
}
