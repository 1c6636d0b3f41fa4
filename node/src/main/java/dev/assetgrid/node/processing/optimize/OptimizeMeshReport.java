package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link OptimizeMesh} did.
 *
 * @param trianglesBefore triangles over processed primitives before (strips/fans as lists)
 * @param trianglesAfter same after the stages (LOD levels not counted)
 * @param verticesBefore vertices over processed primitives before
 * @param verticesAfter same after
 * @param primitives primitives in the asset
 * @param skipped primitives passed through untouched, with the reason
 * @param simplifyError largest relative error of the simplify stage (0 when off)
 * @param lodMeshes meshes created for LOD levels
 * @param tangentGeometries geometries given a generated TANGENT by {@link Tangents}
 * @param stageMillis wall time per stage in milliseconds, in run order
 */
public record OptimizeMeshReport(
    long trianglesBefore,
    long trianglesAfter,
    long verticesBefore,
    long verticesAfter,
    int primitives,
    List<String> skipped,
    float simplifyError,
    int lodMeshes,
    int tangentGeometries,
    Map<String, Double> stageMillis) {

  public OptimizeMeshReport {
    skipped = List.copyOf(skipped);
    stageMillis = new LinkedHashMap<>(stageMillis);
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("triangles").put("before", trianglesBefore).put("after", trianglesAfter);
    o.putObject("vertices").put("before", verticesBefore).put("after", verticesAfter);
    o.put("primitives", primitives);
    skipped.forEach(o.putArray("skipped")::add);
    if (skipped.isEmpty()) {
      o.remove("skipped");
    }
    o.put("simplifyError", simplifyError);
    o.put("lodMeshes", lodMeshes);
    o.put("tangentGeometries", tangentGeometries);
    ObjectNode t = o.putObject("stageMillis");
    stageMillis.forEach((k, v) -> t.put(k, Math.round(v * 1000) / 1000.0));
    return o;
  }
}
