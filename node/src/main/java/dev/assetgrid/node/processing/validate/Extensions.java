package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Json.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Material;
import dev.assetgrid.node.processing.validate.Model.TexRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The extensions the Khronos validator knows, with the objects each may extend and the schema
 * checks of its extension object. Unknown extensions are only checked for being declared.
 */
final class Extensions {
  static final Map<String, Set<String>> KNOWN =
      Map.ofEntries(
          Map.entry("KHR_animation_pointer", Set.of("animationChannelTarget")),
          Map.entry("KHR_lights_punctual", Set.of("gltf", "node")),
          Map.entry("KHR_materials_anisotropy", Set.of("material")),
          Map.entry("KHR_materials_clearcoat", Set.of("material")),
          Map.entry("KHR_materials_dispersion", Set.of("material")),
          Map.entry("KHR_materials_emissive_strength", Set.of("material")),
          Map.entry("KHR_materials_ior", Set.of("material")),
          Map.entry("KHR_materials_iridescence", Set.of("material")),
          Map.entry("KHR_materials_pbrSpecularGlossiness", Set.of("material")),
          Map.entry("KHR_materials_sheen", Set.of("material")),
          Map.entry("KHR_materials_specular", Set.of("material")),
          Map.entry("KHR_materials_transmission", Set.of("material")),
          Map.entry("KHR_materials_diffuse_transmission", Set.of("material")),
          Map.entry("KHR_materials_unlit", Set.of("material")),
          Map.entry("KHR_materials_variants", Set.of("gltf", "primitive")),
          Map.entry("KHR_materials_volume", Set.of("material")),
          Map.entry("KHR_mesh_quantization", Set.of()),
          Map.entry("KHR_node_visibility", Set.of("node")),
          Map.entry("KHR_texture_transform", Set.of("textureInfo")),
          Map.entry("KHR_texture_basisu", Set.of("texture")),
          Map.entry("EXT_texture_webp", Set.of("texture")));
  static final Set<String> INCOMPLETE = Set.of("KHR_animation_pointer");
  private static final double NAN = Double.NaN;
  private static final Pattern POINTER = Pattern.compile("^(?:\\/(?:[^/~]|~0|~1)*)*$");

  private final ValidationContext ctx;
  private final Json j;

  /**
   * Deferred reference checks against the root extension objects, resolved in {@link #afterAll()}.
   */
  private final List<LightRef> lightRefs = new ArrayList<>();

  private final List<VariantRef> variantRefs = new ArrayList<>();
  private int lightCount = -1;
  private int variantCount = -1;
  private boolean[] variantUsed = new boolean[0];

  /** A node's KHR_lights_punctual light index, and the pointer of its extension object. */
  private record LightRef(int light, String pointer) {}

  /**
   * A primitive's KHR_materials_variants mapping: its pointer and its variant indices (null when
   * invalid).
   */
  private record VariantRef(String pointer, int[] variants) {}

  Extensions(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  int object(ObjectNode o, String p, String owner) {
    return object(o, p, owner, null);
  }

  void material(ObjectNode o, String p, Material m) {
    object(o, p, "material", m);
  }

  /**
   * Checks the {@code extensions} of an object; returns a KHR_texture_transform texCoord override
   * or -1.
   */
  int object(ObjectNode o, String p, String owner, Material m) {
    JsonNode ev = o.get("extensions");
    if (ev == null) {
      return -1;
    }
    String ep = p + "/extensions";
    if (!ev.isObject()) {
      j.typeMismatch(ep, ev, "object");
      return -1;
    }
    int texCoord = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = ev.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String xp = ptr(ep, name);
      if (!ctx.extensionsUsed().contains(name)) {
        j.add(IssueCode.UNDECLARED_EXTENSION, xp, "Extension is not declared in extensionsUsed.");
      }
      Set<String> owners = KNOWN.get(name);
      if (owners == null) {
        if (!e.getValue().isObject()) {
          j.typeMismatch(xp, e.getValue(), "object");
        }
        continue;
      }
      if (!owners.contains(owner)) {
        j.add(IssueCode.UNEXPECTED_EXTENSION_OBJECT, xp, "Unexpected location for this extension.");
        continue;
      }
      if (!e.getValue().isObject()) {
        j.typeMismatch(xp, e.getValue(), "object");
        continue;
      }
      ObjectNode x = (ObjectNode) e.getValue();
      if (INCOMPLETE.contains(name)) {
        j.add(
            IssueCode.INCOMPLETE_EXTENSION_SUPPORT,
            xp,
            "Validation support for this extension is incomplete; the asset may have undetected issues.");
      }
      int r = check(name, owner, o, x, xp, m);
      if (r >= 0) {
        texCoord = r;
      }
    }
    return texCoord;
  }

  private TexRef tex(ObjectNode x, String xp, String name, Material m) {
    return MaterialChecks.textureInfo(ctx, x, xp, name, "", m);
  }

  private int check(String name, String owner, ObjectNode o, ObjectNode x, String xp, Material m) {
    switch (name) {
      case "KHR_texture_transform" -> {
        j.members(x, xp, Set.of("offset", "rotation", "scale", "texCoord"));
        j.floats(x, xp, "offset", false, Double.NaN, Double.NaN, null, 2);
        j.num(x, xp, "rotation", Double.NaN, Double.NaN, 0);
        j.floats(x, xp, "scale", false, Double.NaN, Double.NaN, null, 2);
        long tc = j.uint(x, xp, "texCoord", false, 0, Integer.MAX_VALUE, -1);
        return (int) tc;
      }
      case "EXT_texture_webp", "KHR_texture_basisu" -> {
        j.members(x, xp, Set.of("source"));
        int src = j.index(x, xp, "source", false);
        if (ctx.ref("images", src, xp + "/source") && name.equals("EXT_texture_webp")) {
          ctx.addWebpSource(src, xp + "/source");
        }
      }
      case "KHR_node_visibility" -> {
        j.members(x, xp, Set.of("visible"));
        j.bool(x, xp, "visible", true);
      }
      case "KHR_animation_pointer" -> {
        j.members(x, xp, Set.of("pointer"));
        j.strPattern(x, xp, "pointer", true, POINTER);
        if (o.has("node")) {
          j.add(
              IssueCode.KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE,
              xp,
              "This extension requires the animation channel target node to be undefined.");
        }
        JsonNode path = o.get("path");
        if (path != null && !"pointer".equals(path.asText())) {
          j.add(
              IssueCode.KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH,
              xp,
              "This extension requires the animation channel target path to be 'pointer'. Found '"
                  + path.asText()
                  + "' instead.");
        }
      }
      case "KHR_lights_punctual" -> {
        if (owner.equals("gltf")) {
          lights(x, xp);
        } else {
          j.members(x, xp, Set.of("light"));
          int light = j.index(x, xp, "light", true);
          lightRefs.add(new LightRef(light, xp));
        }
      }
      case "KHR_materials_variants" -> {
        if (owner.equals("gltf")) {
          j.members(x, xp, Set.of("variants"));
          List<ObjectNode> vs = j.objList(x, xp, "variants", true);
          variantCount = vs == null ? 0 : vs.size();
          variantUsed = new boolean[variantCount];
          for (int i = 0; vs != null && i < vs.size(); i++) {
            String vp = xp + "/variants/" + i;
            j.members(vs.get(i), vp, Set.of("name"));
            j.str(vs.get(i), vp, "name", true);
          }
        } else {
          mappings(x, xp);
        }
      }
      default -> materialExtension(name, x, xp, m, o);
    }
    return -1;
  }

  private void lights(ObjectNode x, String xp) {
    j.members(x, xp, Set.of("lights"));
    List<ObjectNode> ls = j.objList(x, xp, "lights", true);
    lightCount = ls == null ? 0 : ls.size();
    for (int i = 0; ls != null && i < ls.size(); i++) {
      ObjectNode l = ls.get(i);
      String lp = xp + "/lights/" + i;
      j.members(l, lp, Set.of("color", "intensity", "spot", "type", "range", "name"));
      j.floats(l, lp, "color", false, 0, 1, null, 3);
      j.num(l, lp, "intensity", 0, Double.NaN, 1);
      String type = j.strEnum(l, lp, "type", true, null, "directional", "point", "spot");
      j.num(l, lp, "range", false, Double.NaN, 0, Double.NaN, Double.NaN);
      if ("directional".equals(type) && l.has("range")) {
        j.add(
            IssueCode.EXTRA_PROPERTY,
            lp + "/range",
            "This property should not be defined as it will not be used.");
      }
      ObjectNode spot = j.obj(l, lp, "spot", false);
      if ("spot".equals(type) && !l.has("spot")) {
        j.undefined(lp, "spot");
      } else if (spot != null && type != null && !"spot".equals(type)) {
        j.add(
            IssueCode.EXTRA_PROPERTY,
            lp + "/spot",
            "This property should not be defined as it will not be used.");
      }
      if (spot != null) {
        String sp = lp + "/spot";
        j.members(spot, sp, Set.of("innerConeAngle", "outerConeAngle"));
        double inner = j.num(spot, sp, "innerConeAngle", false, 0, Double.NaN, Math.PI / 2, 0);
        double outer =
            j.num(spot, sp, "outerConeAngle", false, Double.NaN, 0, Math.PI / 2, Math.PI / 4);
        if (!Double.isNaN(inner) && !Double.isNaN(outer) && outer <= inner) {
          j.add(
              IssueCode.KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES,
              sp + "/outerConeAngle",
              "outerConeAngle ("
                  + outer
                  + ") is less than or equal to innerConeAngle ("
                  + inner
                  + ").");
        }
      }
    }
  }

  private void mappings(ObjectNode x, String xp) {
    j.members(x, xp, Set.of("mappings"));
    List<ObjectNode> ms = j.objList(x, xp, "mappings", true);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; ms != null && i < ms.size(); i++) {
      ObjectNode mo = ms.get(i);
      String mp = xp + "/mappings/" + i;
      j.members(mo, mp, Set.of("variants", "material", "name"));
      int[] vs = j.indices(mo, mp, "variants", true);
      int mat = j.index(mo, mp, "material", true);
      ctx.ref("materials", mat, mp + "/material");
      variantRefs.add(new VariantRef(mp, vs));
      if (vs != null) {
        for (int k = 0; k < vs.length; k++) {
          if (vs[k] >= 0 && !seen.add(vs[k])) {
            j.add(
                IssueCode.KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT,
                mp + "/variants/" + k,
                "This variant is used more than once for this mesh primitive.");
          }
        }
      }
    }
  }

  private void materialExtension(
      String name, ObjectNode x, String xp, Material m, ObjectNode material) {
    switch (name) {
      case "KHR_materials_anisotropy" -> anisotropy(x, xp, m, material);
      case "KHR_materials_clearcoat" -> clearcoat(x, xp, m, material);
      case "KHR_materials_dispersion" -> dispersion(x, xp, m, material);
      case "KHR_materials_emissive_strength" -> emissiveStrength(x, xp, m, material);
      case "KHR_materials_ior" -> ior(x, xp, m, material);
      case "KHR_materials_iridescence" -> iridescence(x, xp, m, material);
      case "KHR_materials_pbrSpecularGlossiness" -> {
        j.members(
            x,
            xp,
            Set.of(
                "diffuseFactor",
                "diffuseTexture",
                "specularFactor",
                "glossinessFactor",
                "specularGlossinessTexture"));
        j.floats(x, xp, "diffuseFactor", false, 0, 1, null, 4);
        tex(x, xp, "diffuseTexture", m);
        j.floats(x, xp, "specularFactor", false, 0, 1, null, 3);
        j.num(x, xp, "glossinessFactor", 0, 1, 1);
        tex(x, xp, "specularGlossinessTexture", m);
      }
      case "KHR_materials_sheen" -> {
        j.members(
            x,
            xp,
            Set.of(
                "sheenColorFactor",
                "sheenColorTexture",
                "sheenRoughnessFactor",
                "sheenRoughnessTexture"));
        j.floats(x, xp, "sheenColorFactor", false, 0, 1, null, 3);
        tex(x, xp, "sheenColorTexture", m);
        j.num(x, xp, "sheenRoughnessFactor", 0, 1, 0);
        tex(x, xp, "sheenRoughnessTexture", m);
      }
      case "KHR_materials_specular" -> {
        j.members(
            x,
            xp,
            Set.of(
                "specularFactor",
                "specularTexture",
                "specularColorFactor",
                "specularColorTexture"));
        j.num(x, xp, "specularFactor", 0, 1, 1);
        tex(x, xp, "specularTexture", m);
        j.floats(x, xp, "specularColorFactor", false, 0, NAN, null, 3);
        tex(x, xp, "specularColorTexture", m);
      }
      case "KHR_materials_transmission" -> {
        j.members(x, xp, Set.of("transmissionFactor", "transmissionTexture"));
        j.num(x, xp, "transmissionFactor", 0, 1, 0);
        tex(x, xp, "transmissionTexture", m);
      }
      case "KHR_materials_diffuse_transmission" -> {
        j.members(
            x,
            xp,
            Set.of(
                "diffuseTransmissionFactor",
                "diffuseTransmissionTexture",
                "diffuseTransmissionColorFactor",
                "diffuseTransmissionColorTexture"));
        j.num(x, xp, "diffuseTransmissionFactor", 0, 1, 0);
        tex(x, xp, "diffuseTransmissionTexture", m);
        j.floats(x, xp, "diffuseTransmissionColorFactor", false, 0, 1, null, 3);
        tex(x, xp, "diffuseTransmissionColorTexture", m);
      }
      case "KHR_materials_unlit" -> j.members(x, xp, Set.of());
      case "KHR_materials_volume" -> volume(x, xp, m, material);
      default -> {}
    }
  }

  private void anisotropy(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(x, xp, Set.of("anisotropyStrength", "anisotropyRotation", "anisotropyTexture"));
    j.num(x, xp, "anisotropyStrength", 0, 1, 0);
    j.num(x, xp, "anisotropyRotation", NAN, NAN, 0);
    TexRef t = tex(x, xp, "anisotropyTexture", m);
    if (m != null) {
      m.needsTangentSpace = true;
    }
    JsonNode normal = material.path("normalTexture");
    if (t != null && normal.isObject() && normal.path("texCoord").asInt(0) != t.texCoord) {
      j.add(
          IssueCode.KHR_MATERIALS_ANISOTROPY_ANISOTROPY_TEXTURE_TEXCOORD,
          xp + "/anisotropyTexture",
          "Normal and anisotropy textures should use the same texture coords.");
    }
  }

  private void clearcoat(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(
        x,
        xp,
        Set.of(
            "clearcoatFactor",
            "clearcoatTexture",
            "clearcoatRoughnessFactor",
            "clearcoatRoughnessTexture",
            "clearcoatNormalTexture"));
    j.num(x, xp, "clearcoatFactor", 0, 1, 0);
    tex(x, xp, "clearcoatTexture", m);
    j.num(x, xp, "clearcoatRoughnessFactor", 0, 1, 0);
    tex(x, xp, "clearcoatRoughnessTexture", m);
    TexRef t = MaterialChecks.textureInfo(ctx, x, xp, "clearcoatNormalTexture", "normal", m);
    if (t != null && m != null) {
      m.needsTangentSpace = true;
    }
    JsonNode normal = material.path("normalTexture");
    if (t != null && normal.isObject() && normal.path("texCoord").asInt(0) != t.texCoord) {
      j.add(
          IssueCode.KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD,
          xp + "/clearcoatNormalTexture",
          "Normal and clearcoat normal textures should use the same texture coords.");
    }
  }

  private void dispersion(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(x, xp, Set.of("dispersion"));
    j.num(x, xp, "dispersion", 0, NAN, 0);
    if (!material.path("extensions").has("KHR_materials_volume")) {
      j.add(
          IssueCode.KHR_MATERIALS_DISPERSION_NO_VOLUME,
          xp,
          "The dispersion extension needs to be combined with the volume extension.");
    }
  }

  private void emissiveStrength(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(x, xp, Set.of("emissiveStrength"));
    j.num(x, xp, "emissiveStrength", 0, NAN, 1);
    JsonNode ef = material.get("emissiveFactor");
    boolean zero = true;
    if (ef != null && ef.isArray()) {
      for (JsonNode v : ef) {
        zero &= v.asDouble() == 0;
      }
    }
    if (zero) {
      j.add(
          IssueCode.KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR,
          xp,
          "Emissive strength has no effect when the emissive factor is zero or undefined.");
    }
  }

  private void ior(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(x, xp, Set.of("ior"));
    JsonNode v = x.get("ior");
    if (v != null && v.isNumber() && v.doubleValue() != 0 && v.doubleValue() < 1) {
      j.notInRange(xp + "/ior", v);
    } else {
      j.num(x, xp, "ior", 0, NAN, 1.5);
    }
  }

  private void iridescence(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(
        x,
        xp,
        Set.of(
            "iridescenceFactor",
            "iridescenceTexture",
            "iridescenceIor",
            "iridescenceThicknessMinimum",
            "iridescenceThicknessMaximum",
            "iridescenceThicknessTexture"));
    j.num(x, xp, "iridescenceFactor", 0, 1, 0);
    tex(x, xp, "iridescenceTexture", m);
    j.num(x, xp, "iridescenceIor", 1, NAN, 1.3);
    double min = j.num(x, xp, "iridescenceThicknessMinimum", 0, NAN, 100);
    double max = j.num(x, xp, "iridescenceThicknessMaximum", 0, NAN, 400);
    TexRef t = tex(x, xp, "iridescenceThicknessTexture", m);
    if (t == null && x.has("iridescenceThicknessMinimum")) {
      j.add(
          IssueCode.KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE,
          xp + "/iridescenceThicknessMinimum",
          "Thickness minimum has no effect when a thickness texture is not defined.");
    } else if (t != null && min == max) {
      j.add(
          IssueCode.KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED,
          xp + "/iridescenceThicknessTexture",
          "Thickness texture has no effect when the thickness minimum is equal to the thickness maximum.");
    }
  }

  private void volume(ObjectNode x, String xp, Material m, ObjectNode material) {
    j.members(
        x,
        xp,
        Set.of("thicknessFactor", "thicknessTexture", "attenuationDistance", "attenuationColor"));
    j.num(x, xp, "thicknessFactor", 0, NAN, 0);
    tex(x, xp, "thicknessTexture", m);
    j.num(x, xp, "attenuationDistance", false, NAN, 0, NAN, NAN);
    j.floats(x, xp, "attenuationColor", false, 0, 1, null, 3);
    JsonNode exts = material.path("extensions");
    if (!exts.has("KHR_materials_transmission")
        && !exts.has("KHR_materials_diffuse_transmission")) {
      j.add(
          IssueCode.KHR_MATERIALS_VOLUME_NO_TRANSMISSION,
          xp,
          "The volume extension needs to be combined with an extension that allows light to transmit through the surface.");
    }
    if (material.path("doubleSided").asBoolean(false)) {
      j.add(
          IssueCode.KHR_MATERIALS_VOLUME_DOUBLE_SIDED,
          xp,
          "The volume extension should not be used with double-sided materials.");
    }
  }

  /**
   * Reference checks that need the root extension objects, run after the whole document was read.
   */
  void afterAll() {
    for (LightRef r : lightRefs) {
      int light = r.light();
      String xp = r.pointer();
      if (lightCount < 0) {
        j.add(
            IssueCode.UNSATISFIED_DEPENDENCY,
            xp,
            "Dependency failed. '/extensions/KHR_lights_punctual' must be defined.");
      } else if (light >= 0 && light >= lightCount) {
        j.add(
            IssueCode.UNRESOLVED_REFERENCE, xp + "/light", "Unresolved reference: " + light + ".");
      }
    }
    for (VariantRef r : variantRefs) {
      String mp = r.pointer();
      int[] vs = r.variants();
      if (variantCount < 0) {
        j.add(
            IssueCode.UNSATISFIED_DEPENDENCY,
            mp,
            "Dependency failed. '/extensions/KHR_materials_variants' must be defined.");
        continue;
      }
      for (int k = 0; vs != null && k < vs.length; k++) {
        if (vs[k] >= variantCount) {
          j.add(
              IssueCode.UNRESOLVED_REFERENCE,
              mp + "/variants/" + k,
              "Unresolved reference: " + vs[k] + ".");
        } else if (vs[k] >= 0) {
          variantUsed[vs[k]] = true;
        }
      }
    }
    for (int i = 0; i < variantUsed.length; i++) {
      if (!variantUsed[i]) {
        j.add(
            IssueCode.UNUSED_OBJECT,
            "/extensions/KHR_materials_variants/variants/" + i,
            "This object may be unused.");
      }
    }
  }
}
