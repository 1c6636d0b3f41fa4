package dev.assetgrid.shared.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OptionReader;
import dev.assetgrid.shared.stage.StageParams;
import dev.assetgrid.shared.state.TaskType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job should do with an asset: an ordered list of stages, each a task type with options.
 * Accepted forms (HTTP field {@code pipeline}): a comma list ({@code inspect,noop}), a JSON array
 * of names or stage objects, or {@code {"stages":[{"type":"inspect","params":{...}}]}}. {@link
 * JobPlanner} turns it into a task DAG.
 *
 * <p>Parsing checks every stage's params against its contract ({@link StageParams#read}): a wrong
 * type, a member that must be an object, an unknown key or a value out of range is {@code
 * INVALID_REQUEST} whose {@code pointer} detail is the JSON pointer of the bad field in the
 * pipeline as given ({@code /stages/0/params/simplify/ratio} in the object form, {@code
 * /0/params/...} in the array form).
 */
public record PipelineSpec(List<Stage> stages) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Default pipeline for an upload that names none. */
  public static final PipelineSpec DEFAULT =
      new PipelineSpec(List.of(new Stage(TaskType.INSPECT, null)));

  /** Most stages a pipeline may have. */
  public static final int MAX_STAGES = 32;

  /** One stage: its type and its params as given (checked, never null). */
  public record Stage(TaskType type, ObjectNode params) {
    public Stage {
      params = params == null ? JsonNodeFactory.instance.objectNode() : params;
    }

    public ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode().put("type", type.wire());
      o.set("params", params.deepCopy());
      return o;
    }
  }

  public PipelineSpec {
    if (stages.isEmpty()) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "pipeline has no stages");
    }
    if (stages.size() > MAX_STAGES) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "pipeline has more than " + MAX_STAGES + " stages");
    }
    stages = List.copyOf(stages);
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode a = o.putArray("stages");
    stages.forEach(s -> a.add(s.toJson()));
    return o;
  }

  /** Parses any accepted form; null or blank gives {@link #DEFAULT}. */
  public static PipelineSpec parse(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT;
    }
    String t = text.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      JsonNode json;
      try {
        json = JSON.readTree(t);
      } catch (JsonProcessingException e) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "pipeline is not valid JSON (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")");
      }
      return fromJson(json);
    }
    ArrayNode names = JsonNodeFactory.instance.arrayNode();
    for (String name : t.split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    return fromArray(names, "");
  }

  /** Reads the object form ({@code {"stages":[...]}}) or the array form. */
  public static PipelineSpec fromJson(JsonNode j) {
    if (j != null && j.isArray()) {
      return fromArray((ArrayNode) j, "");
    }
    JsonNode stages = j == null ? null : j.get("stages");
    if (stages == null || !stages.isArray()) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "pipeline.stages must be an array",
          Map.of(OptionReader.POINTER, "/stages"),
          null);
    }
    return fromArray((ArrayNode) stages, "/stages");
  }

  private static PipelineSpec fromArray(ArrayNode a, String pointer) {
    List<Stage> stages = new ArrayList<>();
    Set<TaskType> seen = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode o = a.get(i);
      Stage s;
      if (o.isTextual()) {
        s = new Stage(type(o.textValue(), pointer + "/" + i), null);
      } else if (o.isObject()) {
        TaskType type =
            type(
                o.path("type").isTextual() ? o.path("type").textValue() : null,
                pointer + "/" + i + "/type");
        String at = pointer + "/" + i + "/params";
        JsonNode params = o.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
          throw OptionReader.invalid(at, "must be an object", params);
        }
        ObjectNode p = params == null || params.isNull() ? null : (ObjectNode) params;
        StageParams.read(type, p, at);
        s = new Stage(type, p);
      } else {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "a stage is a name or an object with a type",
            Map.of(OptionReader.POINTER, pointer + "/" + i),
            null);
      }
      if (!seen.add(s.type())) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "stage " + s.type().wire() + " appears twice",
            Map.of(OptionReader.POINTER, pointer + "/" + i),
            null);
      }
      stages.add(s);
    }
    return new PipelineSpec(stages);
  }

  private static TaskType type(String name, String pointer) {
    try {
      return TaskType.fromWire(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "unknown pipeline stage: " + name,
          Map.of(OptionReader.POINTER, pointer),
          null);
    }
  }
}
