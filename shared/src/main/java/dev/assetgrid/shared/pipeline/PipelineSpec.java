package dev.assetgrid.shared.pipeline;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OptionReader;
import dev.assetgrid.shared.stage.StageParams;
import dev.assetgrid.shared.state.TaskType;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a job should do with an asset: an ordered list of stages, each a task type with options.
 * Accepted forms (HTTP field {@code pipeline}): a comma list ({@code inspect,noop}), a JSON array of
 * names or stage objects, or {@code {"stages":[{"type":"inspect","params":{...}}]}}.
 * The planner in the coordinator turns it into a task DAG.
 *
 * <p>Parsing checks every stage's params against its contract ({@link StageParams#read}): a wrong
 * type, a member that must be an object, an unknown key or a value out of range is
 * {@code INVALID_REQUEST} whose {@code pointer} detail is the JSON pointer of the bad field in the
 * pipeline as given ({@code /stages/0/params/simplify/ratio} in the object form, {@code /0/params/...}
 * in the array form).
 */
public record PipelineSpec(List<Stage> stages) {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Default pipeline for an upload that names none. */
  public static final PipelineSpec DEFAULT = new PipelineSpec(List.of(new Stage(TaskType.INSPECT, new JsonObject())));

  /** Most stages a pipeline may have. */
  public static final int MAX_STAGES = 32;

  public record Stage(TaskType type, JsonObject params) {
    public Stage {
      params = params == null ? new JsonObject() : params;
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", type.wire()).put("params", params);
    }
  }

  public PipelineSpec {
    if (stages.isEmpty()) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "pipeline has no stages");
    }
    if (stages.size() > MAX_STAGES) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "pipeline has more than " + MAX_STAGES + " stages");
    }
    stages = List.copyOf(stages);
  }

  public JsonObject toJson() {
    JsonArray a = new JsonArray();
    stages.forEach(s -> a.add(s.toJson()));
    return new JsonObject().put("stages", a);
  }

  /** Parses any accepted form; null or blank gives {@link #DEFAULT}. */
  public static PipelineSpec parse(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT;
    }
    String t = text.trim();
    try {
      if (t.startsWith("{")) {
        return fromJson(new JsonObject(t));
      }
      if (t.startsWith("[")) {
        return fromArray(new JsonArray(t), "");
      }
    } catch (DecodeException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "pipeline is not valid JSON: " + e.getMessage());
    }
    JsonArray names = new JsonArray();
    for (String name : t.split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    return fromArray(names, "");
  }

  public static PipelineSpec fromJson(JsonObject j) {
    Object stages = j.getValue("stages");
    if (!(stages instanceof JsonArray a)) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "pipeline.stages must be an array",
          java.util.Map.of(OptionReader.POINTER, "/stages"), null);
    }
    return fromArray(a, "/stages");
  }

  private static PipelineSpec fromArray(JsonArray a, String pointer) {
    List<Stage> stages = new ArrayList<>();
    Set<TaskType> seen = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      Object o = a.getValue(i);
      Stage s;
      if (o instanceof String name) {
        s = new Stage(type(name), new JsonObject());
      } else if (o instanceof JsonObject so) {
        Object params = so.getValue("params");
        TaskType type = type(so.getString("type"));
        String at = pointer + "/" + i + "/params";
        if (params != null && !(params instanceof JsonObject)) {
          throw OptionReader.invalid(at, "must be an object", params);
        }
        StageParams.read(type, params == null ? null : tree((JsonObject) params), at);
        s = new Stage(type, (JsonObject) params);
      } else {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "a stage is a name or an object with a type");
      }
      if (!seen.add(s.type())) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "stage " + s.type().wire() + " appears twice");
      }
      stages.add(s);
    }
    return new PipelineSpec(stages);
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(JsonObject o) {
    try {
      return JSON.readTree(o.encode());
    } catch (java.io.IOException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "stage params are not JSON", e);
    }
  }

  private static TaskType type(String name) {
    try {
      return TaskType.fromWire(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "unknown pipeline stage: " + name);
    }
  }
}
