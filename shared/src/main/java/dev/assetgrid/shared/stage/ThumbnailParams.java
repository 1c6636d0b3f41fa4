package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Params of a {@code thumbnail} task: the {@link ThumbnailOptions} members, plus what a model the
 * renderer cannot draw does to the job.
 *
 * @param onError {@code skip} (default): a model the renderer cannot draw (Draco geometry, a limit
 *     exceeded, unreadable data) ends the task successfully without a picture, so the job still
 *     delivers its other outputs; {@code fail}: the task fails. Bad options always fail.
 * @param options how to render
 */
public record ThumbnailParams(OnError onError, ThumbnailOptions options) implements StageParams {
  /** What to do with a model that cannot be drawn. */
  public enum OnError {
    SKIP,
    FAIL
  }

  public ThumbnailParams {
    onError = onError == null ? OnError.SKIP : onError;
    options = options == null ? ThumbnailOptions.DEFAULTS : options;
  }

  public static ThumbnailParams read(OptionReader r) {
    return new ThumbnailParams(
        r.choice("onError", OnError.class, OnError.SKIP), ThumbnailOptions.read(r));
  }

  @Override
  public ObjectNode toJson() {
    return options.toJson().put("onError", onError.name().toLowerCase(Locale.ROOT));
  }
}
