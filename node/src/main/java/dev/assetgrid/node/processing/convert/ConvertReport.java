package dev.assetgrid.node.processing.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a conversion read and wrote.
 *
 * <p>Source counts are taken from the imported scene after triangulation (a quad counts as two
 * triangles, a polygon of n corners as n - 2), before anything is dropped; vertices are the
 * imported mesh vertices after welding identical ones. Output counts are those of the glTF
 * (triangles are never dropped, so {@code triangles == sourceTriangles}).
 *
 * @param format the importer's format hint that was used (e.g. {@code obj}), or {@code auto}
 * @param sourceTriangles triangles in the source
 * @param sourceLines line segments in the source
 * @param sourcePoints points in the source
 * @param sourceVertices vertices of the imported meshes
 * @param triangles triangles written
 * @param lines line segments written
 * @param points points written
 * @param vertices vertices written (summed over primitives)
 * @param meshes glTF meshes written
 * @param primitives glTF primitives written
 * @param nodes glTF nodes written
 * @param materials glTF materials written
 * @param textures glTF images written
 * @param warnings what was dropped, guessed or fixed, for humans; empty when nothing was
 * @param importMillis time spent in the importer (native), ms
 * @param buildMillis time spent building the glTF (incl. texture re-encoding), ms
 */
public record ConvertReport(
    String format,
    long sourceTriangles,
    long sourceLines,
    long sourcePoints,
    long sourceVertices,
    long triangles,
    long lines,
    long points,
    long vertices,
    int meshes,
    int primitives,
    int nodes,
    int materials,
    int textures,
    List<String> warnings,
    long importMillis,
    long buildMillis) {

  public ConvertReport {
    warnings = List.copyOf(warnings);
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("format", format);
    ObjectNode source = o.putObject("source");
    source.put("triangles", sourceTriangles);
    source.put("lines", sourceLines);
    source.put("points", sourcePoints);
    source.put("vertices", sourceVertices);
    ObjectNode out = o.putObject("output");
    out.put("triangles", triangles);
    out.put("lines", lines);
    out.put("points", points);
    out.put("vertices", vertices);
    out.put("meshes", meshes);
    out.put("primitives", primitives);
    out.put("nodes", nodes);
    out.put("materials", materials);
    out.put("textures", textures);
    ArrayNode w = o.putArray("warnings");
    warnings.forEach(w::add);
    ObjectNode t = o.putObject("timings");
    t.put("importMs", importMillis);
    t.put("buildMs", buildMillis);
    return o;
  }
}
