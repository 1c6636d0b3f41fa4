package dev.assetgrid.node.processing.texture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.stage.TextureRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the {@link TextureRole} of each image from the material slots that use it.
 *
 * <p>Every object named {@code *Texture} with an integer {@code index} anywhere under a material
 * (core slots and material extensions alike, so extensions this class does not list still count) is
 * a texture slot. Colour slots are listed in {@link #COLOR_SLOTS}, normal slots in {@link
 * #NORMAL_SLOTS}; every other slot is linear data.
 *
 * <p>An image reached from several slots with different roles gets the first of COLOR, NORMAL, DATA
 * (as gltfpack does: sRGB wins when any colour slot uses it). Images of textures that no material
 * uses are treated as COLOR. Images no texture refers to are not in the map.
 */
public final class TextureRoles {
  /** Material slots holding sRGB colour. */
  public static final Set<String> COLOR_SLOTS =
      Set.of(
          "baseColorTexture",
          "emissiveTexture",
          "sheenColorTexture",
          "specularColorTexture",
          "diffuseTexture",
          "specularGlossinessTexture",
          "diffuseTransmissionColorTexture");

  /** Material slots holding tangent-space normals. */
  public static final Set<String> NORMAL_SLOTS = Set.of("normalTexture", "clearcoatNormalTexture");

  private TextureRoles() {}

  /** Image index → role, for every image a texture refers to (sorted by image index). */
  public static Map<Integer, TextureRole> of(GltfAsset asset) {
    JsonNode json = asset.json();
    Map<Integer, TextureRole> byTexture = new HashMap<>();
    for (JsonNode material : json.path("materials")) {
      collect(material, byTexture);
    }
    Map<Integer, TextureRole> out = new TreeMap<>();
    JsonNode textures = json.path("textures");
    for (int t = 0; t < textures.size(); t++) {
      TextureRole role = byTexture.get(t);
      if (role != null) {
        for (int image : sources(textures.get(t))) {
          out.merge(image, role, TextureRoles::stronger);
        }
      }
    }
    for (int t = 0; t < textures.size(); t++) {
      if (!byTexture.containsKey(t)) {
        for (int image : sources(textures.get(t))) {
          out.putIfAbsent(image, TextureRole.COLOR);
        }
      }
    }
    int images = asset.count("images");
    out.keySet().removeIf(i -> i < 0 || i >= images);
    return out;
  }

  /** The images a texture refers to: core {@code source} and any extension's {@code source}. */
  public static List<Integer> sources(JsonNode texture) {
    List<Integer> out = new ArrayList<>();
    if (texture.path("source").canConvertToInt()) {
      out.add(texture.path("source").asInt());
    }
    for (JsonNode ext : texture.path("extensions")) {
      if (ext.path("source").canConvertToInt()) {
        out.add(ext.path("source").asInt());
      }
    }
    return out;
  }

  /** The role a material slot name implies. */
  public static TextureRole roleOfSlot(String slot) {
    if (COLOR_SLOTS.contains(slot)) {
      return TextureRole.COLOR;
    }
    return NORMAL_SLOTS.contains(slot) ? TextureRole.NORMAL : TextureRole.DATA;
  }

  private static void collect(JsonNode node, Map<Integer, TextureRole> byTexture) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      if (f.getKey().endsWith("Texture") && v.isObject() && v.path("index").canConvertToInt()) {
        byTexture.merge(v.path("index").asInt(), roleOfSlot(f.getKey()), TextureRoles::stronger);
      }
      if (v.isObject()) {
        collect(v, byTexture);
      }
    }
  }

  private static TextureRole stronger(TextureRole a, TextureRole b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
