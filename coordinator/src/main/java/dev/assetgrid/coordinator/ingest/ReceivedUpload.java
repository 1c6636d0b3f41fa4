package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * What one upload request delivered: its files, all committed to the blob store, and its plain
 * fields.
 *
 * @param files every file in request order: exactly one model ({@link #primary()}) and any side
 *     files
 * @param fields plain fields: query parameters, then multipart form fields (which win on a clash);
 *     e.g. {@code name}, {@code tags}, {@code pipeline}. The {@code filename} query parameter of a
 *     raw upload is not repeated here.
 */
public record ReceivedUpload(List<ReceivedFile> files, Map<String, String> fields) {
  public ReceivedUpload {
    files = List.copyOf(files);
    fields = Map.copyOf(fields);
  }

  /**
   * The single model file. {@link UploadReceiver#receive} only returns uploads for which this
   * succeeds.
   *
   * @throws AssetGridException {@code UNSUPPORTED_FORMAT} when no file is a recognised model,
   *     {@code INVALID_REQUEST} when there is more than one model or no file at all
   */
  public ReceivedFile primary() {
    if (files.isEmpty()) {
      throw AssetGridException.of(ErrorCode.INVALID_REQUEST, "the upload contains no file");
    }
    ReceivedFile model = null;
    for (ReceivedFile f : files) {
      if (f.isModel()) {
        if (model != null) {
          throw AssetGridException.of(
              ErrorCode.INVALID_REQUEST,
              "more than one model file ('"
                  + model.filename()
                  + "' and '"
                  + f.filename()
                  + "'); upload one model per asset");
        }
        model = f;
      }
    }
    if (model == null) {
      throw AssetGridException.of(
          ErrorCode.UNSUPPORTED_FORMAT,
          "none of the " + files.size() + " file(s) is a recognised model format");
    }
    return model;
  }
}
