package dev.assetgrid.node.processing.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.convert.SourceScene.EmbeddedTexture;
import dev.assetgrid.node.processing.convert.SourceScene.Material;
import dev.assetgrid.node.processing.convert.SourceScene.Mesh;
import dev.assetgrid.node.processing.convert.SourceScene.Mode;
import dev.assetgrid.node.processing.convert.SourceScene.Node;
import dev.assetgrid.node.processing.convert.SourceScene.TextureRef;
import dev.assetgrid.node.processing.convert.SourceScene.TextureSlot;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Convert#build} over tiny procedural scenes: exact JSON, buffers and counts. */
class ConvertBuildTest {
  static final float[] IDENTITY = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

  @TempDir Path tmp;

  /** A unit quad in z = 0: 4 vertices, 2 triangles, one UV set. */
  static Mesh quad(int material) {
    return new Mesh(
        "quad",
        Mode.TRIANGLES,
        new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0},
        new float[] {0, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 1},
        null,
        null,
        List.of(new float[] {0, 1, 1, 1, 1, 0, 0, 0}),
        null,
        new int[] {0, 1, 2, 0, 2, 3},
        material);
  }

  static Material legacy(String name, Map<TextureSlot, TextureRef> textures) {
    return new Material(
        name,
        new float[] {0.5f, 0.25f, 0.125f, 1},
        null,
        0.5f,
        98f,
        null,
        null,
        new float[] {0, 0, 0},
        true,
        false,
        textures);
  }

  static ConvertResult build(SourceScene scene, ResourceResolver side) {
    return Convert.build(
        scene, "test", 0, side, ConvertOptions.DEFAULTS, TestNatives.IMAGE_DECODER, 0);
  }

  @Test
  void quadBecomesOneIndexedPrimitiveWithExactData() {
    SourceScene scene =
        new SourceScene(
            List.of(new Node("root", IDENTITY, new int[] {0}, new int[0])),
            List.of(quad(0)),
            List.of(legacy("m", Map.of())),
            List.of(),
            Map.of());
    ConvertResult r = build(scene, ResourceResolver.none());
    GltfAsset a = r.asset();
    JsonNode prim = a.json().path("meshes").get(0).path("primitives").get(0);
    assertThat(prim.has("mode")).isFalse();
    assertThat(prim.path("attributes").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("POSITION", "NORMAL", "TEXCOORD_0");
    JsonNode pos = a.json().path("accessors").get(prim.path("attributes").path("POSITION").asInt());
    assertThat(pos.path("min").toString()).isEqualTo("[0.0,0.0,0.0]");
    assertThat(pos.path("max").toString()).isEqualTo("[1.0,1.0,0.0]");
    JsonNode idx = a.json().path("accessors").get(prim.path("indices").asInt());
    assertThat(idx.path("componentType").asInt()).isEqualTo(5123);
    assertThat(Accessors.readInts(a, prim.path("indices").asInt()))
        .containsExactly(0, 1, 2, 0, 2, 3);
    float[] normals = Accessors.readFloats(a, prim.path("attributes").path("NORMAL").asInt());
    assertThat(normals[2]).isEqualTo(1f); // (0,0,2) normalized
    assertThat(r.report().triangles()).isEqualTo(2);
    assertThat(r.report().sourceTriangles()).isEqualTo(2);
    assertThat(r.report().vertices()).isEqualTo(4);
    assertThat(r.report().warnings()).isEmpty();
  }

  @Test
  void legacyMaterialMapsToMetallicRoughness() {
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0}, new int[0])),
            List.of(quad(0)),
            List.of(legacy("paint", Map.of())),
            List.of(),
            Map.of());
    JsonNode m = build(scene, ResourceResolver.none()).asset().json().path("materials").get(0);
    assertThat(m.path("name").asText()).isEqualTo("paint");
    JsonNode pbr = m.path("pbrMetallicRoughness");
    assertThat(pbr.path("baseColorFactor").toString()).isEqualTo("[0.5,0.25,0.125,0.5]");
    assertThat(pbr.path("metallicFactor").asDouble()).isZero();
    assertThat(pbr.path("roughnessFactor").asDouble())
        .isCloseTo(Math.sqrt(2.0 / 100), within(1e-6));
    assertThat(m.path("alphaMode").asText()).isEqualTo("BLEND");
    assertThat(m.path("doubleSided").asBoolean()).isTrue();
  }

  @Test
  void texturesFromSideFilesAndEmbeddedPixelsAreBoundAndDeduplicated() throws Exception {
    byte[] png =
        PngEncoder.encode(
            2, 1, new byte[] {(byte) 255, 0, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255});
    Map<TextureSlot, TextureRef> tex =
        Map.of(
            TextureSlot.BASE_COLOR, new TextureRef("C:\\work\\wood.png", 0, 33071, 10497),
            TextureSlot.NORMAL, new TextureRef("maps/wood.png", 0, 33071, 10497),
            TextureSlot.EMISSIVE, new TextureRef("*0", 0, 10497, 10497),
            TextureSlot.OCCLUSION, new TextureRef("missing.png", 0, 10497, 10497));
    EmbeddedTexture raw =
        new EmbeddedTexture("", "", null, 1, 1, new byte[] {10, 20, 30, (byte) 128});
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0}, new int[0])),
            List.of(quad(0)),
            List.of(legacy("wood", tex)),
            List.of(raw),
            Map.of());
    ConvertResult r =
        build(scene, ResourceResolver.ofMap(Map.of("wood.png", png, "maps/wood.png", png.clone())));
    JsonNode json = r.asset().json();
    JsonNode m = json.path("materials").get(0);
    assertThat(json.path("images"))
        .hasSize(2); // wood once (two files, same bytes), the embedded pixels once
    assertThat(m.path("pbrMetallicRoughness").path("baseColorFactor").toString())
        .as("the texture replaces the diffuse color")
        .isEqualTo("[1.0,1.0,1.0,0.5]");
    int base = m.path("pbrMetallicRoughness").path("baseColorTexture").path("index").asInt();
    assertThat(m.path("normalTexture").path("index").asInt()).isEqualTo(base);
    assertThat(
            json.path("samplers")
                .get(json.path("textures").get(base).path("sampler").asInt())
                .path("wrapS")
                .asInt())
        .isEqualTo(33071);
    assertThat(m.path("emissiveFactor").toString()).isEqualTo("[1.0,1.0,1.0]");
    assertThat(m.has("occlusionTexture")).isFalse();
    assertThat(r.report().warnings())
        .anySatisfy(w -> assertThat(w).contains("missing.png").contains("not found"));
    // the embedded raw texel became a real PNG with the same pixel
    int emissive =
        json.path("textures")
            .get(m.path("emissiveTexture").path("index").asInt())
            .path("source")
            .asInt();
    BufferedImage img =
        ImageIO.read(new ByteArrayInputStream(r.asset().imageBytes(emissive).bytes()));
    assertThat(img.getRGB(0, 0)).isEqualTo((128 << 24) | (10 << 16) | (20 << 8) | 30);
    validate(r);
  }

  @Test
  void aTextureGltfCannotCarryIsReEncodedWithTheImageDecoderAndFailsWithACodeWithoutOne()
      throws Exception {
    BufferedImage red = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    red.setRGB(0, 0, 0xff0000);
    java.io.ByteArrayOutputStream bmp = new java.io.ByteArrayOutputStream();
    assertThat(ImageIO.write(red, "bmp", bmp)).isTrue();
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0}, new int[0])),
            List.of(quad(0)),
            List.of(
                legacy(
                    "m",
                    Map.of(TextureSlot.BASE_COLOR, new TextureRef("red.bmp", 0, 10497, 10497)))),
            List.of(),
            Map.of());
    ResourceResolver side = ResourceResolver.ofMap(Map.of("red.bmp", bmp.toByteArray()));

    ConvertResult r = build(scene, side);
    assertThat(r.asset().imageBytes(0).mimeType()).isEqualTo("image/png");
    assertThat(r.report().warnings())
        .anySatisfy(w -> assertThat(w).contains("red.bmp").contains("re-encoded as PNG"));

    assertThatThrownBy(
            () -> Convert.build(scene, "test", 0, side, ConvertOptions.DEFAULTS, null, 0))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NATIVE_UNAVAILABLE);
              assertThat(e.getMessage()).contains("stb", "red.bmp");
            });
  }

  @Test
  void textureNeedingAMissingUvSetIsLeftOut() {
    Mesh noUv =
        new Mesh(
            "p",
            Mode.TRIANGLES,
            new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0},
            null,
            null,
            null,
            List.of(),
            null,
            new int[] {0, 1, 2},
            0);
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0}, new int[0])),
            List.of(noUv),
            List.of(
                legacy(
                    "m", Map.of(TextureSlot.BASE_COLOR, new TextureRef("a.png", 0, 10497, 10497)))),
            List.of(),
            Map.of());
    ConvertResult r = build(scene, ResourceResolver.ofMap(Map.of("a.png", new byte[] {1})));
    assertThat(
            r.asset()
                .json()
                .path("materials")
                .get(0)
                .path("pbrMetallicRoughness")
                .has("baseColorTexture"))
        .isFalse();
    assertThat(r.report().warnings()).anySatisfy(w -> assertThat(w).contains("UV set 0"));
  }

  @Test
  void linesAndPointsKeepTheirModesOrAreDroppedAndCounted() {
    Mesh lines =
        new Mesh(
            "l",
            Mode.LINES,
            new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0},
            null,
            null,
            null,
            List.of(),
            null,
            new int[] {0, 1, 1, 2},
            -1);
    Mesh points =
        new Mesh(
            "p",
            Mode.POINTS,
            new float[] {0, 0, 0, 5, 5, 5},
            null,
            null,
            null,
            List.of(),
            new float[] {2, 0.5f, Float.NaN, 1, 0, 0, 0, 1},
            new int[] {0, 1},
            -1);
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0, 1}, new int[0])),
            List.of(lines, points),
            List.of(),
            List.of(),
            Map.of());
    ConvertResult kept = build(scene, ResourceResolver.none());
    JsonNode prims = kept.asset().json().path("meshes").get(0).path("primitives");
    assertThat(prims.get(0).path("mode").asInt()).isEqualTo(1);
    assertThat(prims.get(1).path("mode").asInt()).isEqualTo(0);
    float[] colors =
        Accessors.readFloats(kept.asset(), prims.get(1).path("attributes").path("COLOR_0").asInt());
    assertThat(colors).containsExactly(1, 0.5f, 1, 1, 0, 0, 0, 1);
    assertThat(kept.report().lines()).isEqualTo(2);
    assertThat(kept.report().points()).isEqualTo(2);
    validate(kept);

    ConvertOptions drop =
        new ConvertOptions(true, 80, false, true, 1 << 20, 1 << 20, 1000, 1000, null);
    ConvertResult dropped =
        Convert.build(scene, "t", 0, ResourceResolver.none(), drop, TestNatives.IMAGE_DECODER, 0);
    assertThat(dropped.asset().json().has("meshes")).isFalse();
    assertThat(dropped.report().sourceLines()).isEqualTo(2);
    assertThat(dropped.report().lines()).isZero();
    assertThat(dropped.report().warnings())
        .anySatisfy(w -> assertThat(w).contains("2 line(s) and 2 point(s) dropped"));
  }

  @Test
  void transformsBecomeTrsAndHierarchyAndSharedMeshesAreKept() {
    // child: x → 2z, y → 2y, z → 2x (a mirror: determinant -8), translated by (1, 2, 3);
    // column-major
    float[] m = {0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 0, 1, 2, 3, 1};
    SourceScene scene =
        new SourceScene(
            List.of(
                new Node("root", IDENTITY, new int[0], new int[] {1, 2}),
                new Node("a", m, new int[] {0}, new int[0]),
                new Node("b", IDENTITY, new int[] {0}, new int[0])),
            List.of(quad(-1), quad(-1)),
            List.of(),
            List.of(),
            Map.of());
    ConvertResult r = build(scene, ResourceResolver.none());
    JsonNode nodes = r.asset().json().path("nodes");
    assertThat(nodes.get(0).path("children").toString())
        .isEqualTo("[1,2,3]"); // + the unreferenced mesh
    assertThat(nodes.get(1).path("mesh").asInt()).isEqualTo(nodes.get(2).path("mesh").asInt());
    assertThat(nodes.get(1).path("translation").toString()).isEqualTo("[1.0,2.0,3.0]");
    JsonNode s = nodes.get(1).path("scale");
    assertThat(s.get(0).asDouble() * s.get(1).asDouble() * s.get(2).asDouble())
        .isCloseTo(-8, within(1e-6));
    JsonNode q = nodes.get(1).path("rotation");
    double len =
        Math.sqrt(
            q.get(0).asDouble() * q.get(0).asDouble()
                + q.get(1).asDouble() * q.get(1).asDouble()
                + q.get(2).asDouble() * q.get(2).asDouble()
                + q.get(3).asDouble() * q.get(3).asDouble());
    assertThat(len).isCloseTo(1, within(1e-9));
    assertThat(nodes.get(3).path("name").asText()).isEqualTo("unreferenced meshes");
    assertThat(r.report().triangles()).isEqualTo(4);
    assertThat(r.report().warnings()).noneMatch(w -> w.contains("sheared"));
    validate(r);
  }

  @Test
  void quaternionOfAQuarterTurnAboutY() {
    double[] q = GltfBuilder.quaternion(new double[][] {{0, 0, -1}, {0, 1, 0}, {1, 0, 0}});
    assertThat(q[0]).isCloseTo(0, within(1e-12));
    assertThat(q[1]).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(q[2]).isCloseTo(0, within(1e-12));
    assertThat(q[3]).isCloseTo(Math.sqrt(0.5), within(1e-12));
  }

  @Test
  void moreThan65535VerticesUseUnsignedIntIndices() {
    int n = 65_536;
    float[] pos = new float[n * 3];
    int[] idx = new int[(n / 3) * 3];
    for (int i = 0; i < n; i++) {
      pos[3 * i] = i;
      pos[3 * i + 1] = i % 7;
    }
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Mesh big = new Mesh("big", Mode.TRIANGLES, pos, null, null, null, List.of(), null, idx, -1);
    SourceScene scene =
        new SourceScene(
            List.of(new Node("", IDENTITY, new int[] {0}, new int[0])),
            List.of(big),
            List.of(),
            List.of(),
            Map.of());
    GltfAsset a = build(scene, ResourceResolver.none()).asset();
    int indices = a.json().path("meshes").get(0).path("primitives").get(0).path("indices").asInt();
    assertThat(a.json().path("accessors").get(indices).path("componentType").asInt())
        .isEqualTo(5125);
  }

  @Test
  void pngEncoderRoundTripsThroughImageIo() throws Exception {
    byte[] rgba = new byte[3 * 2 * 4];
    for (int i = 0; i < rgba.length; i++) {
      rgba[i] = (byte) (i * 11);
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(3, 2, rgba)));
    assertThat(img.getWidth()).isEqualTo(3);
    for (int p = 0; p < 6; p++) {
      int argb = img.getRGB(p % 3, p / 3);
      int expected =
          ((rgba[4 * p + 3] & 0xFF) << 24)
              | ((rgba[4 * p] & 0xFF) << 16)
              | ((rgba[4 * p + 1] & 0xFF) << 8)
              | (rgba[4 * p + 2] & 0xFF);
      assertThat(argb).isEqualTo(expected);
    }
  }

  private void validate(ConvertResult r) {
    KhronosValidator v = KhronosValidator.require();
    try {
      Path f =
          Files.write(tmp.resolve("t" + System.nanoTime() + ".glb"), GlbWriter.write(r.asset()));
      KhronosValidator.Report rep = v.validate(f);
      assertThat(rep.numErrors()).as(rep.messages().toString()).isZero();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
