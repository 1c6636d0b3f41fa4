package dev.assetgrid.node.processing.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ImageHeader;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What the rasterizer needs of a glTF material: base colour (factor x texture), alpha mode,
 * sidedness, unlit, emissive factor (only without an emissive texture). {@code
 * KHR_materials_pbrSpecularGlossiness} contributes its diffuse factor and texture instead.
 */
final class Material {
  static final int OPAQUE = 0;
  static final int MASK = 1;
  static final int BLEND = 2;

  /** Largest texture side kept after decoding (see {@link Texture#reduce}). */
  static final int MAX_TEXTURE_SIDE = 1024;

  final float[] baseColor;
  final Texture texture;
  final int texCoord;

  /**
   * KHR_texture_transform as an affine 2x3 (u' = t0 u + t1 v + t2, v' = t3 u + t4 v + t5), or null.
   */
  final float[] uvTransform;

  final int alphaMode;
  final float alphaCutoff;
  final boolean doubleSided;
  final boolean unlit;
  final float[] emissive;

  Material(
      float[] baseColor,
      Texture texture,
      int texCoord,
      float[] uvTransform,
      int alphaMode,
      float alphaCutoff,
      boolean doubleSided,
      boolean unlit,
      float[] emissive) {
    this.baseColor = baseColor;
    this.texture = texture;
    this.texCoord = texCoord;
    this.uvTransform = uvTransform;
    this.alphaMode = alphaMode;
    this.alphaCutoff = alphaCutoff;
    this.doubleSided = doubleSided;
    this.unlit = unlit;
    this.emissive = emissive;
  }

  /** The glTF default material: white, opaque, single-sided, lit. */
  static final Material DEFAULT =
      new Material(
          new float[] {1, 1, 1, 1},
          null,
          0,
          null,
          OPAQUE,
          0.5f,
          false,
          false,
          new float[] {0, 0, 0});

  /** Builds materials on demand and decodes each texture once. */
  static final class Library {
    private final GltfAsset asset;
    private final ThumbnailOptions options;
    private final List<String> notes;
    private final Map<Integer, Material> materials = new HashMap<>();
    private final Map<Integer, Texture> textures = new HashMap<>();

    Library(GltfAsset asset, ThumbnailOptions options, List<String> notes) {
      this.asset = asset;
      this.options = options;
      this.notes = notes;
    }

    Material get(int index) {
      if (index < 0 || index >= asset.count("materials")) {
        return DEFAULT;
      }
      return materials.computeIfAbsent(index, this::build);
    }

    private Material build(int index) {
      JsonNode m = asset.element("materials", index);
      JsonNode pbr = m.path("pbrMetallicRoughness");
      JsonNode specGloss = m.path("extensions").path("KHR_materials_pbrSpecularGlossiness");
      float[] factor;
      JsonNode texInfo;
      if (specGloss.isObject() && !m.has("pbrMetallicRoughness")) {
        factor = floats(specGloss.path("diffuseFactor"), 1, 1, 1, 1);
        texInfo = specGloss.path("diffuseTexture");
      } else {
        factor = floats(pbr.path("baseColorFactor"), 1, 1, 1, 1);
        texInfo = pbr.path("baseColorTexture");
      }
      Texture texture = null;
      int texCoord = 0;
      float[] uvTransform = null;
      if (texInfo.isObject() && texInfo.path("index").canConvertToInt()) {
        texture = textures.computeIfAbsent(texInfo.path("index").asInt(), this::texture);
        texCoord = Math.max(0, texInfo.path("texCoord").asInt(0));
        JsonNode tt = texInfo.path("extensions").path("KHR_texture_transform");
        if (tt.isObject()) {
          uvTransform = uvTransform(tt);
          if (tt.path("texCoord").canConvertToInt()) {
            texCoord = Math.max(0, tt.path("texCoord").asInt());
          }
        }
      }
      int alphaMode =
          switch (m.path("alphaMode").asText("OPAQUE")) {
            case "MASK" -> MASK;
            case "BLEND" -> BLEND;
            default -> OPAQUE;
          };
      float cutoff = (float) m.path("alphaCutoff").asDouble(0.5);
      // an emissive texture is mostly black with a few glowing details: its factor alone would
      // paint
      // the whole surface, and sampling it costs a second texture and UV set, so both are left out
      float[] emissive =
          m.has("emissiveTexture") ? new float[3] : floats(m.path("emissiveFactor"), 0, 0, 0);
      float strength =
          (float)
              m.path("extensions")
                  .path("KHR_materials_emissive_strength")
                  .path("emissiveStrength")
                  .asDouble(1);
      for (int i = 0; i < 3; i++) {
        emissive[i] = Math.max(0, emissive[i] * strength);
      }
      for (int i = 0; i < 4; i++) {
        factor[i] = Math.max(0, Math.min(1, Float.isFinite(factor[i]) ? factor[i] : 1));
      }
      return new Material(
          factor,
          texture,
          texCoord,
          uvTransform,
          alphaMode,
          cutoff,
          m.path("doubleSided").asBoolean(false),
          m.path("extensions").has("KHR_materials_unlit"),
          emissive);
    }

    private static float[] uvTransform(JsonNode tt) {
      float[] offset = floats(tt.path("offset"), 0, 0);
      float[] scale = floats(tt.path("scale"), 1, 1);
      float rotation = (float) tt.path("rotation").asDouble(0);
      float c = (float) Math.cos(rotation);
      float s = (float) Math.sin(rotation);
      // T * R * S as the extension defines it, R = [[cos, sin], [-sin, cos]]
      return new float[] {
        c * scale[0], s * scale[1], offset[0], -s * scale[0], c * scale[1], offset[1]
      };
    }

    /** The texture's PNG/JPEG image decoded, or null (KTX2/WebP only, too large, undecodable). */
    private Texture texture(int index) {
      JsonNode t = asset.element("textures", index);
      int image = t.path("source").asInt(-1);
      if (image < 0 || image >= asset.count("images")) {
        notes.add(
            "textures/"
                + index
                + " has no PNG/JPEG source (KTX2/WebP are not decoded): base colour factor used");
        return null;
      }
      if (options.maxTexturePixels() == 0) {
        return null;
      }
      try {
        ImageData data = asset.imageBytes(image);
        ImageHeader header = ImageHeader.parse(data.bytes()).orElse(null);
        if (header == null
            || !(header.mimeType().equals("image/png") || header.mimeType().equals("image/jpeg"))) {
          notes.add(
              "images/"
                  + image
                  + " is not PNG/JPEG ("
                  + (header == null ? data.mimeType() : header.mimeType())
                  + "): base colour factor used");
          return null;
        }
        long pixels = (long) header.width() * header.height();
        if (pixels > options.maxTexturePixels()) {
          notes.add(
              "images/"
                  + image
                  + " has "
                  + header.width()
                  + "x"
                  + header.height()
                  + " pixels, more than maxTexturePixels "
                  + options.maxTexturePixels()
                  + ": base colour factor used");
          return null;
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(data.bytes()));
        if (img == null || img.getWidth() != header.width() || img.getHeight() != header.height()) {
          notes.add("images/" + image + " could not be decoded: base colour factor used");
          return null;
        }
        int[] size = {img.getWidth(), img.getHeight()};
        int[] argb = img.getRGB(0, 0, size[0], size[1], null, 0, size[0]);
        argb = Texture.reduce(argb, size, MAX_TEXTURE_SIDE);
        JsonNode sampler = asset.element("samplers", t.path("sampler").asInt(-1));
        return new Texture(
            size[0],
            size[1],
            argb,
            sampler.path("wrapS").asInt(Texture.REPEAT),
            sampler.path("wrapT").asInt(Texture.REPEAT),
            sampler.path("magFilter").asInt(0) == Texture.NEAREST);
      } catch (
          Exception
              e) { // bad texture bytes must not fail the thumbnail; the validator reports them
        notes.add(
            "images/"
                + image
                + " could not be decoded ("
                + e.getMessage()
                + "): base colour factor used");
        return null;
      }
    }
  }

  private static float[] floats(JsonNode n, float... dflt) {
    if (!n.isArray() || n.size() != dflt.length) {
      return dflt.clone();
    }
    float[] out = new float[dflt.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).isNumber() ? (float) n.get(i).asDouble() : dflt[i];
    }
    return out;
  }
}
