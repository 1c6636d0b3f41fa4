package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Notes of unfinished direct uploads, so that the next {@code submit} of the same file resumes
 * instead of starting over: one file per upload under {@code $XDG_STATE_HOME/assetgrid/uploads/},
 * named by the file's sha256 and size (the same bytes under another name or path resume too), mode
 * 0600 (an upload id lets its holder finish someone's upload).
 *
 * @param dir the folder of the notes
 */
record UploadStates(Path dir) {
  /** An unfinished upload: its id, on which coordinator. */
  record Note(String uploadId, String url) {}

  static UploadStates under(Path stateHome) {
    return new UploadStates(stateHome.resolve("assetgrid").resolve("uploads"));
  }

  /** The note for these bytes on the coordinator at {@code url}; null when there is none. */
  Note find(String sha256, long size, String url) {
    Path f = file(sha256, size);
    try {
      JsonNode j = Files.isRegularFile(f) ? Json.parseOrNull(Files.readString(f)) : null;
      if (j == null || !url.equals(Json.text(j, "url")) || Json.text(j, "uploadId") == null) {
        return null;
      }
      return new Note(Json.text(j, "uploadId"), url);
    } catch (IOException e) {
      return null; // an unreadable note is as good as none: the upload starts over
    }
  }

  void save(String sha256, long size, Note note) throws IOException {
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path tmp =
        Files.createTempFile(
            dir,
            ".note",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    String text =
        Json.compact(
            Json.object()
                .put("uploadId", note.uploadId())
                .put("url", note.url())
                .put("sha256", sha256)
                .put("size", size));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file(sha256, size),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  void forget(String sha256, long size) {
    try {
      Files.deleteIfExists(file(sha256, size));
    } catch (IOException ignored) {
      // a stale note only costs a status request next time
    }
  }

  Path file(String sha256, long size) {
    return dir.resolve(sha256 + "-" + size + ".json");
  }
}
