package dev.assetgrid.coordinator.schedule.duty;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What one scrub pass did ({@code POST /v1/admin/scrub} answers it).
 *
 * @param scanned blobs read to a verdict (ok, missing or corrupt)
 * @param bytes bytes read and hashed
 * @param ok blobs whose size and SHA-256 are the recorded ones
 * @param missing blobs the store does not have
 * @param corrupt blobs whose size or SHA-256 differ
 * @param skipped blobs that could not be read for another reason (a local I/O error, an unexpected
 *     answer): nothing recorded, tried again in a later pass
 * @param corruptAssets assets this pass marked corrupt
 * @param restoredAssets assets this pass returned from corrupt (all their blobs read back whole)
 * @param unavailable why the pass stopped early with the store unavailable (nothing was recorded
 *     for the blobs it had not read), or null when it ran to the end
 * @param startedAt when the pass began
 * @param seconds how long it took
 * @param bytesPerSecond the pace it read at
 */
public record ScrubReport(
    long scanned,
    long bytes,
    long ok,
    long missing,
    long corrupt,
    long skipped,
    long corruptAssets,
    long restoredAssets,
    String unavailable,
    Instant startedAt,
    double seconds,
    long bytesPerSecond) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("scanned", scanned)
        .put("bytes", bytes)
        .put("ok", ok)
        .put("missing", missing)
        .put("corrupt", corrupt)
        .put("skipped", skipped)
        .put("corruptAssets", corruptAssets)
        .put("restoredAssets", restoredAssets)
        .put("completed", unavailable == null)
        .put("unavailable", unavailable)
        .put("startedAt", startedAt.toString())
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("paceBytesPerSecond", bytesPerSecond);
  }
}
