package dev.assetgrid.node.processing.validate;

import dev.assetgrid.node.processing.validate.Model.Acc;

/**
 * The accessor formats allowed for each vertex attribute semantic, in base attributes and in morph
 * targets, without and with KHR_mesh_quantization ("TYPE:componentType[:n]", n = normalized), as
 * the Khronos validator checks them. Application-specific semantics ({@code _FOO}) and unknown
 * semantics accept any format.
 */
final class AttributeFormats {
  private AttributeFormats() {}

  static boolean allowed(String semantic, Acc a, boolean quantized, boolean morphTarget) {
    if (semantic.startsWith("_")) {
      return true;
    }
    String base = semantic.contains("_") ? semantic.substring(0, semantic.indexOf('_')) : semantic;
    return morphTarget ? morphTarget(base, a, quantized) : attribute(base, a, quantized);
  }

  private static boolean attribute(String base, Acc a, boolean q) {
    return switch (base) {
      case "POSITION" ->
          a.hasFormat("VEC3:5126")
              || (q
                  && a.hasFormat(
                      "VEC3:5120",
                      "VEC3:5120:n",
                      "VEC3:5121",
                      "VEC3:5121:n",
                      "VEC3:5122",
                      "VEC3:5122:n",
                      "VEC3:5123",
                      "VEC3:5123:n"));
      case "NORMAL" -> a.hasFormat("VEC3:5126") || (q && a.hasFormat("VEC3:5120:n", "VEC3:5122:n"));
      case "TANGENT" ->
          a.hasFormat("VEC4:5126") || (q && a.hasFormat("VEC4:5120:n", "VEC4:5122:n"));
      case "TEXCOORD" ->
          a.hasFormat("VEC2:5126", "VEC2:5121:n", "VEC2:5123:n")
              || (q
                  && a.hasFormat(
                      "VEC2:5120",
                      "VEC2:5120:n",
                      "VEC2:5121",
                      "VEC2:5122",
                      "VEC2:5122:n",
                      "VEC2:5123"));
      case "COLOR" ->
          a.hasFormat(
              "VEC3:5126", "VEC4:5126", "VEC3:5121:n", "VEC4:5121:n", "VEC3:5123:n", "VEC4:5123:n");
      case "JOINTS" -> a.hasFormat("VEC4:5121", "VEC4:5123");
      case "WEIGHTS" -> a.hasFormat("VEC4:5126", "VEC4:5121:n", "VEC4:5123:n");
      default -> true;
    };
  }

  private static boolean morphTarget(String base, Acc a, boolean q) {
    return switch (base) {
      case "POSITION", "NORMAL", "TANGENT" ->
          a.hasFormat("VEC3:5126")
              || (q && a.hasFormat("VEC3:5120", "VEC3:5120:n", "VEC3:5122", "VEC3:5122:n"));
      case "TEXCOORD" ->
          a.hasFormat("VEC2:5126")
              || (q
                  && a.hasFormat(
                      "VEC2:5120",
                      "VEC2:5120:n",
                      "VEC2:5121",
                      "VEC2:5121:n",
                      "VEC2:5122",
                      "VEC2:5122:n",
                      "VEC2:5123",
                      "VEC2:5123:n"));
      case "COLOR" ->
          a.hasFormat("VEC3:5126", "VEC4:5126")
              || (q
                  && a.hasFormat(
                      "VEC3:5120:n",
                      "VEC3:5122:n",
                      "VEC4:5120:n",
                      "VEC4:5122:n",
                      "VEC3:5121:n",
                      "VEC4:5121:n",
                      "VEC3:5123:n",
                      "VEC4:5123:n"));
      default -> true;
    };
  }
}
