package dev.assetgrid.client.progress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What {@code import --wait} shows while it follows an import: on a terminal one bar (items done of
 * those found, once the source is listed; then how its jobs stand), otherwise a line when the
 * import is listed and one at its end, so logs and pipes get whole lines and no control characters.
 */
public interface ImportView extends AutoCloseable {
  /** The view for {@code out}: a bar when it is a terminal; nothing at all when {@code quiet}. */
  static ImportView open(PrintWriter out, boolean terminal, boolean quiet, String importId) {
    if (quiet) {
      return new ImportView() {
        @Override
        public void update(JsonNode view) {}

        @Override
        public void finished(JsonNode view) {}

        @Override
        public void close() {}
      };
    }
    return terminal ? new ImportBarView(out, importId) : new ImportLineView(out, importId);
  }

  /** The import as just read ({@code GET /v1/imports/{id}}). */
  void update(JsonNode view);

  /** The import and its jobs ended; this is its last reading. */
  void finished(JsonNode view);

  @Override
  void close();

  /** Items done: found and no longer pending. */
  static long done(JsonNode counts) {
    return counts.path("found").asLong() - counts.path("pending").asLong();
  }

  /**
   * The counts in words: {@code 2 imported, 0 duplicate, 1 skipped, 0 failed} (pending and
   * cancelled when there are any), then the jobs by state.
   */
  static String summary(JsonNode counts) {
    StringJoiner s = new StringJoiner(", ");
    for (String k : new String[] {"imported", "duplicate", "skipped", "failed"}) {
      s.add(counts.path(k).asLong() + " " + k);
    }
    for (String k : new String[] {"pending", "cancelled"}) {
      if (counts.path(k).asLong() > 0) {
        s.add(counts.path(k).asLong() + " " + k);
      }
    }
    String jobs = jobs(counts);
    return s + (jobs.isEmpty() ? "" : "; jobs: " + jobs);
  }

  /** The jobs by state: {@code 2 succeeded, 1 running}; empty when there are none. */
  static String jobs(JsonNode counts) {
    StringJoiner s = new StringJoiner(", ");
    for (Map.Entry<String, JsonNode> e : counts.path("jobs").properties()) {
      s.add(e.getValue().asLong() + " " + e.getKey());
    }
    return s.toString();
  }

  /** The import's state and counts on one line, the same in both views. */
  static String line(String importId, JsonNode view) {
    return "import "
        + importId
        + "  "
        + Json.text(view, "state")
        + ": "
        + summary(view.path("counts"));
  }
}
