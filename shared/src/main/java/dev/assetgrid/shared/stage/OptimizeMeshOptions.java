package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Options of the {@code optimize-mesh} recipe: one member per stage, each with its own defaults.
 * JSON: {@code {"dedup":{...}, "weld":{...}, "tangents":{...}, "simplify":{"ratio":0.5},
 * "lods":{"levels":2}, "vertexCache":{...}, "overdraw":{...}, "vertexFetch":{...},
 * "quantize":{...}, "compress":{"mode":"meshopt"}}}; missing members take their defaults. The
 * defaults give gltfpack {@code -cc}-like output: lossless except for quantization,
 * meshopt-compressed, plus generated tangents where a normal-mapped primitive has none.
 */
public record OptimizeMeshOptions(
    DedupOptions dedup,
    WeldOptions weld,
    TangentsOptions tangents,
    SimplifyOptions simplify,
    LodOptions lods,
    VertexCacheOptions vertexCache,
    OverdrawOptions overdraw,
    VertexFetchOptions vertexFetch,
    QuantizeOptions quantize,
    CompressOptions compress) {

  public static final OptimizeMeshOptions DEFAULTS =
      new OptimizeMeshOptions(
          DedupOptions.DEFAULTS,
          WeldOptions.DEFAULTS,
          TangentsOptions.DEFAULTS,
          SimplifyOptions.DEFAULTS,
          LodOptions.DEFAULTS,
          VertexCacheOptions.DEFAULTS,
          OverdrawOptions.DEFAULTS,
          VertexFetchOptions.DEFAULTS,
          QuantizeOptions.DEFAULTS,
          CompressOptions.DEFAULTS);

  public OptimizeMeshOptions {
    Objects.requireNonNull(dedup, "dedup");
    Objects.requireNonNull(weld, "weld");
    Objects.requireNonNull(tangents, "tangents");
    Objects.requireNonNull(simplify, "simplify");
    Objects.requireNonNull(lods, "lods");
    Objects.requireNonNull(vertexCache, "vertexCache");
    Objects.requireNonNull(overdraw, "overdraw");
    Objects.requireNonNull(vertexFetch, "vertexFetch");
    Objects.requireNonNull(quantize, "quantize");
    Objects.requireNonNull(compress, "compress");
  }

  public OptimizeMeshOptions withTangents(TangentsOptions t) {
    return new OptimizeMeshOptions(
        dedup, weld, t, simplify, lods, vertexCache, overdraw, vertexFetch, quantize, compress);
  }

  public OptimizeMeshOptions withSimplify(SimplifyOptions s) {
    return new OptimizeMeshOptions(
        dedup, weld, tangents, s, lods, vertexCache, overdraw, vertexFetch, quantize, compress);
  }

  public OptimizeMeshOptions withLods(LodOptions l) {
    return new OptimizeMeshOptions(
        dedup, weld, tangents, simplify, l, vertexCache, overdraw, vertexFetch, quantize, compress);
  }

  public OptimizeMeshOptions withQuantize(QuantizeOptions q) {
    return new OptimizeMeshOptions(
        dedup, weld, tangents, simplify, lods, vertexCache, overdraw, vertexFetch, q, compress);
  }

  public OptimizeMeshOptions withCompress(CompressOptions c) {
    return new OptimizeMeshOptions(
        dedup, weld, tangents, simplify, lods, vertexCache, overdraw, vertexFetch, quantize, c);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static OptimizeMeshOptions read(OptionReader r) {
    return new OptimizeMeshOptions(
        DedupOptions.read(r.object("dedup")),
        WeldOptions.read(r.object("weld")),
        TangentsOptions.read(r.object("tangents")),
        SimplifyOptions.read(r.object("simplify")),
        LodOptions.read(r.object("lods")),
        VertexCacheOptions.read(r.object("vertexCache")),
        OverdrawOptions.read(r.object("overdraw")),
        VertexFetchOptions.read(r.object("vertexFetch")),
        QuantizeOptions.read(r.object("quantize")),
        CompressOptions.read(r.object("compress")));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static OptimizeMeshOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    OptimizeMeshOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.set("dedup", dedup.toJson());
    o.set("weld", weld.toJson());
    o.set("tangents", tangents.toJson());
    o.set("simplify", simplify.toJson());
    o.set("lods", lods.toJson());
    o.set("vertexCache", vertexCache.toJson());
    o.set("overdraw", overdraw.toJson());
    o.set("vertexFetch", vertexFetch.toJson());
    o.set("quantize", quantize.toJson());
    o.set("compress", compress.toJson());
    return o;
  }
}
