package dev.assetgrid.node.processing.convert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.convert.SourceScene.Material;
import dev.assetgrid.node.processing.convert.SourceScene.TextureRef;
import dev.assetgrid.node.processing.convert.SourceScene.TextureSlot;
import java.util.List;

/**
 * Maps a source material to a glTF metallic-roughness material.
 *
 * <ul>
 *   <li>base color: the PBR base color when the source has one, else the diffuse color; with a base
 *       color texture the RGB factor is white (the texture replaces the color, as FBX, 3ds Max and
 *       most OBJ viewers do; a dark Kd would otherwise blacken the model). Alpha = color alpha ×
 *       opacity.
 *   <li>metallic: the PBR factor, else 0 (legacy materials are dielectric; glTF's default of 1
 *       would make them look like dark metal).
 *   <li>roughness: the PBR factor, else from the Phong exponent as {@code sqrt(2 / (shininess +
 *       2))} (Walter et al.'s Blinn-Phong ↔ Beckmann relation), 1 without one.
 *   <li>alphaMode BLEND when opacity &lt; 1 or there is an opacity map (the map itself is not
 *       carried); an opacity of 0 is taken for an exporter bug (fully invisible material) and
 *       ignored with a warning.
 *   <li>emissive factor clamped to 0..1 (white when there is only an emissive texture), normal and
 *       occlusion textures, doubleSided, KHR_materials_unlit for unlit/no-shading models.
 * </ul>
 *
 * A texture is only bound when the primitive has the UV set it needs; otherwise it is left out with
 * a warning (the Khronos validator rejects a binding without its TEXCOORD attribute).
 */
final class MaterialMapper {
  /** Turns an image into a glTF texture index (or -1 when it is unavailable). */
  interface TextureIndexer {
    int textureIndex(TextureRef ref);
  }

  private MaterialMapper() {}

  /**
   * @param uvSets number of TEXCOORD sets the primitive has
   * @param defaultTexture used as base color texture when the material has none (may be null)
   */
  static ObjectNode map(
      Material m,
      int uvSets,
      TextureRef defaultTexture,
      TextureIndexer textures,
      List<String> warnings,
      boolean[] usesUnlit) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    if (!m.name().isEmpty()) {
      out.put("name", m.name());
    }
    ObjectNode pbr = out.putObject("pbrMetallicRoughness");

    TextureRef baseRef = m.textures().getOrDefault(TextureSlot.BASE_COLOR, defaultTexture);
    int baseTex = bind(baseRef, uvSets, textures, m, "base color", warnings);
    float[] color = m.baseColor() != null && isPbr(m) ? m.baseColor() : m.diffuse();
    float[] base = {1, 1, 1, 1};
    if (color != null && baseTex < 0) {
      for (int i = 0; i < 3; i++) {
        base[i] = unit(color[i], 1);
      }
    }
    float alpha = color != null && color.length > 3 ? unit(color[3], 1) : 1;
    boolean blend = false;
    if (m.opacity() != null && Float.isFinite(m.opacity())) {
      float o = m.opacity();
      if (o <= 0) {
        warnings.add(
            "material '" + m.name() + "' has opacity 0 (fully invisible); treated as opaque");
      } else if (o < 1) {
        alpha *= o;
      }
    }
    if (alpha < 1 && alpha > 0) {
      blend = true;
    } else if (alpha <= 0) {
      alpha = 1;
    }
    base[3] = alpha;
    if (base[0] != 1 || base[1] != 1 || base[2] != 1 || base[3] != 1) {
      ArrayNode bc = pbr.putArray("baseColorFactor");
      for (float v : base) {
        bc.add(v);
      }
    }
    if (baseTex >= 0) {
      textureInfo(pbr.putObject("baseColorTexture"), baseTex, baseRef.uvSet());
    }
    float metallic =
        m.metallic() != null && Float.isFinite(m.metallic()) ? unit(m.metallic(), 0) : 0;
    pbr.put("metallicFactor", metallic);
    float roughness = 1;
    if (m.roughness() != null && Float.isFinite(m.roughness())) {
      roughness = unit(m.roughness(), 1);
    } else if (m.shininess() != null && Float.isFinite(m.shininess()) && m.shininess() > 0) {
      roughness = unit((float) Math.sqrt(2.0 / (m.shininess() + 2.0)), 1);
    }
    if (roughness != 1) {
      pbr.put("roughnessFactor", roughness);
    }

    TextureRef normalRef = m.textures().get(TextureSlot.NORMAL);
    int normalTex = bind(normalRef, uvSets, textures, m, "normal", warnings);
    if (normalTex >= 0) {
      textureInfo(out.putObject("normalTexture"), normalTex, normalRef.uvSet());
    }
    TextureRef occRef = m.textures().get(TextureSlot.OCCLUSION);
    int occTex = bind(occRef, uvSets, textures, m, "occlusion", warnings);
    if (occTex >= 0) {
      textureInfo(out.putObject("occlusionTexture"), occTex, occRef.uvSet());
    }
    TextureRef emRef = m.textures().get(TextureSlot.EMISSIVE);
    int emTex = bind(emRef, uvSets, textures, m, "emissive", warnings);
    float[] emissive = {0, 0, 0};
    if (m.emissive() != null) {
      boolean clamped = false;
      for (int i = 0; i < 3; i++) {
        float v = Float.isFinite(m.emissive()[i]) ? m.emissive()[i] : 0;
        clamped |= v > 1;
        emissive[i] = unit(v, 0);
      }
      if (clamped) {
        warnings.add("material '" + m.name() + "' has an emissive color above 1; clamped");
      }
    }
    if (emTex >= 0) {
      textureInfo(out.putObject("emissiveTexture"), emTex, emRef.uvSet());
      if (emissive[0] == 0 && emissive[1] == 0 && emissive[2] == 0) {
        emissive = new float[] {1, 1, 1};
      }
    }
    if (emissive[0] != 0 || emissive[1] != 0 || emissive[2] != 0) {
      ArrayNode e = out.putArray("emissiveFactor");
      for (float v : emissive) {
        e.add(v);
      }
    }
    if (m.textures().containsKey(TextureSlot.OPACITY)) {
      blend = true;
      warnings.add(
          "material '"
              + m.name()
              + "' has an opacity map; it is not carried (alphaMode BLEND is set)");
    }
    if (blend) {
      out.put("alphaMode", "BLEND");
    }
    if (m.twoSided()) {
      out.put("doubleSided", true);
    }
    if (m.unlit()) {
      out.putObject("extensions").putObject("KHR_materials_unlit");
      usesUnlit[0] = true;
    }
    return out;
  }

  /**
   * Glossy PBR data is only trusted when the source declared PBR factors (not just a base color).
   */
  private static boolean isPbr(Material m) {
    return m.metallic() != null || m.roughness() != null || m.diffuse() == null;
  }

  private static int bind(
      TextureRef ref,
      int uvSets,
      TextureIndexer textures,
      Material m,
      String what,
      List<String> warnings) {
    if (ref == null) {
      return -1;
    }
    if (ref.uvSet() >= uvSets) {
      warnings.add(
          "material '"
              + m.name()
              + "': "
              + what
              + " texture needs UV set "
              + ref.uvSet()
              + " that the mesh lacks; left out on that mesh");
      return -1;
    }
    return textures.textureIndex(ref);
  }

  private static void textureInfo(ObjectNode info, int texture, int uvSet) {
    info.put("index", texture);
    if (uvSet != 0) {
      info.put("texCoord", uvSet);
    }
  }

  private static float unit(float v, float fallback) {
    if (!Float.isFinite(v)) {
      return fallback;
    }
    return Math.max(0f, Math.min(1f, v));
  }
}
