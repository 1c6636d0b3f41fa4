package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.state.TaskType;

/**
 * The params of one task, by task type: the stage's options record, plus the keys the planner sets
 * (which file to write, which image to compress). Every task's params are one JSON object read
 * strictly by {@link OptionReader}: the coordinator reads them before it accepts a pipeline (so a
 * bad param is a {@code 400} with its JSON pointer, before anything is stored), and a node reads
 * them again before it runs the task (a bad param from an older coordinator fails the task at once
 * with {@code INVALID_REQUEST}, which is not retried).
 */
public sealed interface StageParams
    permits InspectOptions,
        ValidateOptions,
        AssembleOptions,
        ConvertParams,
        OptimizeMeshParams,
        CompressTextureParams,
        ThumbnailParams,
        NoopParams {

  /** The JSON form, which {@link #read} reads back to an equal record. */
  ObjectNode toJson();

  /**
   * Reads the params of a task of {@code type} strictly; the model input they may name ({@value
   * OutputNames#INPUT_PARAM}) is read too, see {@link TaskParams}.
   *
   * @param params a JSON object, or null / a null node for all defaults
   * @param pointer the JSON pointer of {@code params} in the request, for errors ({@code ""} when
   *     the params are the document)
   * @throws dev.assetgrid.shared.error.AssetGridException INVALID_REQUEST naming the pointer of the
   *     first bad member (details key {@value OptionReader#POINTER})
   */
  static StageParams read(TaskType type, JsonNode params, String pointer) {
    return TaskParams.read(type, params, pointer).stage();
  }

  /** {@link #read} for a handler that knows what it gets: the params of a task of its own type. */
  static <T extends StageParams> T read(TaskType type, JsonNode params, Class<T> as) {
    return as.cast(read(type, params, ""));
  }
}
