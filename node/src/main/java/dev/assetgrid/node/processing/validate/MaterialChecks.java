package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Json.ptr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Material;
import dev.assetgrid.node.processing.validate.Model.TexRef;
import java.util.List;
import java.util.Set;

/**
 * Checks materials (PBR metallic-roughness factors and textures, normal/occlusion/emissive
 * textures, alpha mode and cutoff) and every textureInfo, also those inside material extensions,
 * and publishes the holders: the texture bindings and whether a tangent space is needed are what
 * {@link MeshChecks} compares with each primitive's attributes.
 */
final class MaterialChecks {
  private final ValidationContext ctx;
  private final Json j;

  MaterialChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  void check() {
    List<ObjectNode> l = ctx.objects("materials");
    Material[] materials = new Material[l.size()];
    ctx.setMaterials(materials);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Material m = new Material();
      materials[i] = m;
      if (o != null) {
        material(o, "/materials/" + i, m);
      }
    }
  }

  private void material(ObjectNode o, String p, Material m) {
    j.members(
        o,
        p,
        Set.of(
            "pbrMetallicRoughness",
            "normalTexture",
            "occlusionTexture",
            "emissiveTexture",
            "emissiveFactor",
            "alphaMode",
            "alphaCutoff",
            "doubleSided",
            "name"));
    ObjectNode pbr = j.obj(o, p, "pbrMetallicRoughness", false);
    if (pbr != null) {
      pbrMetallicRoughness(pbr, p + "/pbrMetallicRoughness", m);
    }
    m.hasNormalTexture = textureInfo(ctx, o, p, "normalTexture", "normal", m) != null;
    textureInfo(ctx, o, p, "occlusionTexture", "occlusion", m);
    textureInfo(ctx, o, p, "emissiveTexture", "", m);
    j.floats(o, p, "emissiveFactor", false, 0, 1, null, 3);
    String alphaMode = j.strEnum(o, p, "alphaMode", false, "OPAQUE", "OPAQUE", "MASK", "BLEND");
    j.num(o, p, "alphaCutoff", 0, Double.NaN, 0.5);
    if (o.has("alphaCutoff") && !"MASK".equals(alphaMode)) {
      j.add(
          IssueCode.MATERIAL_ALPHA_CUTOFF_INVALID_MODE,
          p + "/alphaCutoff",
          "Alpha cutoff is supported only for 'MASK' alpha mode.");
    }
    j.bool(o, p, "doubleSided", false);
    ctx.extensions().material(o, p, m);
  }

  private void pbrMetallicRoughness(ObjectNode pbr, String pp, Material m) {
    j.members(
        pbr,
        pp,
        Set.of(
            "baseColorFactor",
            "baseColorTexture",
            "metallicFactor",
            "roughnessFactor",
            "metallicRoughnessTexture"));
    j.floats(pbr, pp, "baseColorFactor", false, 0, 1, null, 4);
    textureInfo(ctx, pbr, pp, "baseColorTexture", "", m);
    j.num(pbr, pp, "metallicFactor", 0, 1, 1);
    j.num(pbr, pp, "roughnessFactor", 0, 1, 1);
    textureInfo(ctx, pbr, pp, "metallicRoughnessTexture", "", m);
    ctx.extensions().object(pbr, pp, "pbrMetallicRoughness");
  }

  /**
   * Checks the textureInfo {@code owner.name}, if present, and records its binding on the material.
   *
   * @param kind "normal" (has scale), "occlusion" (has strength) or "" (plain textureInfo)
   * @param m the material to record the binding on; null records nothing
   * @return the binding with its effective texCoord (KHR_texture_transform may override it), or
   *     null when {@code owner} has no such object
   */
  static TexRef textureInfo(
      ValidationContext ctx,
      ObjectNode owner,
      String ownerPtr,
      String name,
      String kind,
      Material m) {
    Json j = ctx.json();
    ObjectNode t = j.obj(owner, ownerPtr, name, false);
    if (t == null) {
      return null;
    }
    String p = ptr(ownerPtr, name);
    Set<String> members =
        switch (kind) {
          case "normal" -> Set.of("index", "texCoord", "scale");
          case "occlusion" -> Set.of("index", "texCoord", "strength");
          default -> Set.of("index", "texCoord");
        };
    j.members(t, p, members);
    int index = j.index(t, p, "index", true);
    long texCoord = j.uint(t, p, "texCoord", false, 0, Integer.MAX_VALUE, 0);
    if (kind.equals("normal")) {
      j.num(t, p, "scale", Double.NaN, Double.NaN, 1);
    } else if (kind.equals("occlusion")) {
      j.num(t, p, "strength", 0, 1, 1);
    }
    ctx.ref("textures", index, p + "/index");
    int override = ctx.extensions().object(t, p, "textureInfo");
    int tc = override >= 0 ? override : (int) texCoord;
    TexRef r = new TexRef(p, Math.max(tc, 0));
    if (m != null && texCoord >= 0) {
      m.textures.add(r);
    }
    return r;
  }
}
