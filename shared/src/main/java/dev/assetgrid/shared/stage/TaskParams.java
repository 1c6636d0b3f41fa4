package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.state.TaskType;

/**
 * A task's params as a node reads them: the model input the plan named ({@value
 * OutputNames#INPUT_PARAM}) and the stage's own params, from one JSON object read strictly.
 *
 * @param input name of the model input the task reads: {@link OutputNames#ORIGINAL} when the plan
 *     named none, else one of {@link OutputNames#MODEL_NAMES}
 * @param stage the stage's params
 */
public record TaskParams(String input, StageParams stage) {
  public TaskParams {
    input = input == null ? OutputNames.ORIGINAL : input;
    OptionReader.require(
        OutputNames.MODEL_NAMES.contains(input),
        OutputNames.INPUT_PARAM,
        "must be one of " + String.join(", ", OutputNames.MODEL_NAMES),
        input);
  }

  /**
   * Reads the params of a task of {@code type} strictly (see {@link StageParams#read}).
   *
   * @param pointer JSON pointer of {@code params} in the request, for errors
   */
  public static TaskParams read(TaskType type, JsonNode params, String pointer) {
    OptionReader r = OptionReader.of(params, pointer);
    String input = r.text(OutputNames.INPUT_PARAM, null);
    StageParams stage =
        switch (type) {
          case INSPECT -> InspectOptions.read(r);
          case VALIDATE -> ValidateOptions.read(r);
          case CONVERT -> ConvertParams.read(r);
          case OPTIMIZE_MESH -> OptimizeMeshParams.read(r);
          case COMPRESS_TEXTURE -> CompressTextureParams.read(r);
          case ASSEMBLE -> AssembleOptions.read(r);
          case THUMBNAIL -> ThumbnailParams.read(r);
          case NOOP -> NoopParams.read(r);
        };
    r.end();
    return r.build(() -> new TaskParams(input, stage));
  }

  /** The stage's params as the record a handler of {@code as} expects. */
  public <T extends StageParams> T stage(Class<T> as) {
    return as.cast(stage);
  }

  /** The JSON form: the stage's members with {@value OutputNames#INPUT_PARAM} beside them. */
  public ObjectNode toJson() {
    return stage.toJson().put(OutputNames.INPUT_PARAM, input);
  }
}
