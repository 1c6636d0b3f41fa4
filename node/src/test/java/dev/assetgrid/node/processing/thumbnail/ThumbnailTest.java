package dev.assetgrid.node.processing.thumbnail;

import static dev.assetgrid.node.processing.thumbnail.Meshes.QUAD;
import static dev.assetgrid.node.processing.thumbnail.Meshes.QUAD_UV;
import static dev.assetgrid.node.processing.thumbnail.Meshes.quad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Tiny inline scenes with exact expectations. */
class ThumbnailTest {
  static final String UNLIT = "'extensions':{'KHR_materials_unlit':{}}";
  static final String RED = "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,1]}," + UNLIT + "}";
  static final String GREEN =
      "{'pbrMetallicRoughness':{'baseColorFactor':[0,1,0,1]}," + UNLIT + "}";

  /** 64², looking at the model's front (from +Z), level. */
  static final ThumbnailOptions FRONT = ThumbnailOptions.DEFAULTS.withSize(64).withView(0, 0);

  // ------------------------------------------------------------ rasterizer

  private static float[] v(float x, float y, float a) {
    return new float[] {x, y, 1, 0, 0, 1, 1, 1, a};
  }

  @Test
  void triangleCoversExactlyThePixelsWhoseCentresAreInside() {
    Raster r = new Raster(8, 8);
    r.material(null, Material.OPAQUE, 0.5f, new float[3]);
    r.triangle(v(0, 0, 1), v(8, 0, 1), v(0, 8, 1));
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        // centres on the hypotenuse (x + y = 7) lie on a bottom-right edge: not drawn
        assertThat(r.alpha[y * 8 + x]).as("pixel %d,%d", x, y).isEqualTo(x + y < 7 ? 1f : 0f);
      }
    }
  }

  @Test
  void sharedEdgesAreDrawnExactlyOnce() {
    Raster r = new Raster(8, 8);
    r.material(null, Material.BLEND, 0.5f, new float[3]);
    r.triangle(v(0, 0, 0.5f), v(8, 0, 0.5f), v(0, 8, 0.5f));
    r.triangle(v(8, 0, 0.5f), v(8, 8, 0.5f), v(0, 8, 0.5f));
    for (int i = 0; i < 64; i++) {
      assertThat(r.alpha[i]).as("sample %d", i).isEqualTo(0.5f);
    }
  }

  @Test
  void resolveAveragesSamplesAndReportsCoverage() {
    Raster r = new Raster(4, 4);
    r.material(null, Material.OPAQUE, 0.5f, new float[3]);
    r.triangle(v(0, 0, 1), v(2, 0, 1), v(2, 2, 1));
    r.triangle(v(0, 0, 1), v(2, 2, 1), v(0, 2, 1)); // top-left output pixel fully covered
    double[] coverage = new double[1];
    int[] out = r.resolve(2, ThumbnailOptions.TRANSPARENT, coverage);
    assertThat(out).containsExactly(0xffffffff, 0, 0, 0);
    assertThat(coverage[0]).isEqualTo(0.25);
  }

  // ------------------------------------------------------------ whole pipeline

  private static GltfAsset quadScene(String material) {
    Meshes m = new Meshes();
    m.add(quad(1, 0), QUAD, material, null, null);
    return m.build();
  }

  @Test
  void unlitColourIsExactAndTheModelFillsTheFrameWithAMargin() {
    ThumbnailImage img = Thumbnail.render(quadScene(RED), FRONT);
    assertThat(img.width()).isEqualTo(64);
    assertThat(img.pixel(32, 32)).isEqualTo(0xffff0000);
    assertThat(img.pixel(0, 0)).isZero();
    double side = 1 - 2 * Camera.MARGIN / 2; // MARGIN is per side of the half image
    assertThat(img.coverage()).isCloseTo(side * side, within(0.05));
    assertThat(img.notes()).isEmpty();
  }

  @Test
  void depthTestKeepsTheNearestSurfaceWhateverTheDrawOrder() {
    for (boolean nearFirst : new boolean[] {true, false}) {
      Meshes m = new Meshes();
      if (nearFirst) {
        m.add(quad(0.5f, 0.5f), QUAD, GREEN, null, null);
      }
      m.add(quad(1, 0), QUAD, RED, null, null);
      if (!nearFirst) {
        m.add(quad(0.5f, 0.5f), QUAD, GREEN, null, null);
      }
      ThumbnailImage img = Thumbnail.render(m.build(), FRONT);
      assertThat(img.pixel(32, 32)).as("centre, near first %s", nearFirst).isEqualTo(0xff00ff00);
      assertThat(img.pixel(32, 6)).as("rim, near first %s", nearFirst).isEqualTo(0xffff0000);
    }
  }

  @Test
  void maskDiscardsSamplesBelowTheCutoffAndKeepsTheOthersOpaque() {
    String below =
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,0.4]},'alphaMode':'MASK','alphaCutoff':0.5,"
            + UNLIT
            + "}";
    assertThat(Thumbnail.render(quadScene(below), FRONT).coverage()).isZero();
    String above =
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,0.4]},'alphaMode':'MASK','alphaCutoff':0.3,"
            + UNLIT
            + "}";
    assertThat(Thumbnail.render(quadScene(above), FRONT).pixel(32, 32)).isEqualTo(0xffff0000);
    // per vertex: COLOR_0 alpha 0 on the left edge, 1 on the right; cutoff 0.5 keeps the right half
    Meshes m = new Meshes();
    m.add(
        quad(1, 0),
        QUAD,
        "{'alphaMode':'MASK'," + UNLIT + "}",
        null,
        new float[] {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0});
    ThumbnailImage img = Thumbnail.render(m.build(), FRONT);
    assertThat(img.pixel(20, 32)).isZero();
    assertThat(img.pixel(44, 32)).isEqualTo(0xffffffff);
  }

  @Test
  void opaqueIgnoresAlpha() {
    String opaque = "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,0.1]}," + UNLIT + "}";
    assertThat(Thumbnail.render(quadScene(opaque), FRONT).pixel(32, 32)).isEqualTo(0xffff0000);
  }

  @Test
  void backFacesAreCulledUnlessDoubleSided() {
    ThumbnailOptions behind = FRONT.withView(180, 0);
    assertThat(Thumbnail.render(quadScene(RED), FRONT).coverage()).isGreaterThan(0.5);
    assertThat(Thumbnail.render(quadScene(RED), behind).coverage()).isZero();
    String twoSided =
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,1]},'doubleSided':true," + UNLIT + "}";
    assertThat(Thumbnail.render(quadScene(twoSided), behind).pixel(32, 32)).isEqualTo(0xffff0000);
  }

  @Test
  void mirroringTransformsFlipTheFrontFace() {
    Meshes m = new Meshes();
    int node = m.add(quad(1, 0), QUAD, RED, null, null);
    m.node(node)
        .putArray("scale")
        .add(-1)
        .add(1)
        .add(1); // winding now clockwise, still front-facing
    assertThat(Thumbnail.render(m.build(), FRONT).pixel(32, 32)).isEqualTo(0xffff0000);
    assertThat(Thumbnail.render(m.build(), FRONT.withView(180, 0)).coverage()).isZero();
  }

  @Test
  void blendCompositesOverTheBackground() {
    String half =
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,0.5]},'alphaMode':'BLEND',"
            + UNLIT
            + "}";
    int g = Srgb.encode(0.5f); // white behind half-transparent red, in linear light
    ThumbnailImage onWhite = Thumbnail.render(quadScene(half), FRONT.withBackground(0xffffffff));
    assertThat(onWhite.pixel(32, 32)).isEqualTo(0xffff0000 | g << 8 | g);
    assertThat(onWhite.pixel(0, 0)).isEqualTo(0xffffffff);
    ThumbnailImage transparent = Thumbnail.render(quadScene(half), FRONT);
    assertThat(transparent.pixel(32, 32)).isEqualTo(0x80ff0000);
    assertThat(transparent.coverage()).isGreaterThan(0.5);
  }

  @Test
  void blendedSurfacesAreSortedBackToFront() {
    String nearGreen =
        "{'pbrMetallicRoughness':{'baseColorFactor':[0,1,0,0.5]},'alphaMode':'BLEND',"
            + UNLIT
            + "}";
    String farRed =
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,0.5]},'alphaMode':'BLEND',"
            + UNLIT
            + "}";
    Meshes m = new Meshes();
    m.add(quad(0.5f, 0.5f), QUAD, nearGreen, null, null); // drawn first in file order, but nearer
    m.add(quad(1, 0), QUAD, farRed, null, null);
    int p = Thumbnail.render(m.build(), FRONT).pixel(32, 32);
    // green over (red over nothing): alpha 0.75, linear premultiplied r 0.25, g 0.5
    assertThat(p >>> 24).isEqualTo(191);
    assertThat((p >> 8) & 0xff).isGreaterThan((p >> 16) & 0xff);
  }

  @Test
  void vertexColoursMultiplyTheBaseColour() {
    Meshes m = new Meshes();
    m.add(
        quad(1, 0),
        QUAD,
        "{'pbrMetallicRoughness':{'baseColorFactor':[1,1,0,1]}," + UNLIT + "}",
        null,
        new float[] {0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1});
    assertThat(Thumbnail.render(m.build(), FRONT).pixel(32, 32)).isEqualTo(0xff00ff00);
  }

  @Test
  void lightingShadesLitSurfacesBetweenAmbientAndFull() {
    ThumbnailImage img =
        Thumbnail.render(quadScene("{}"), FRONT); // default material: white, lit, face normal
    int c = img.pixel(32, 32);
    int expected =
        Srgb.encode(
            Renderer.AMBIENT
                + Renderer.KEY * 0.72f / (float) Math.sqrt(0.35 * 0.35 + 0.6 * 0.6 + 0.72 * 0.72));
    assertThat(c & 0xff).isCloseTo(expected, within(1));
    assertThat(c >>> 24).isEqualTo(255);
  }

  // ------------------------------------------------------------ textures

  /** A 2x1 PNG: left texel red, right texel blue. */
  static byte[] redBluePng() throws Exception {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0xffff0000);
    img.setRGB(1, 0, 0xff0000ff);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static GltfAsset texturedQuad(String textureInfoExtras) throws Exception {
    return texturedQuad(textureInfoExtras, quad(1, 0));
  }

  private static GltfAsset texturedQuad(String textureInfoExtras, float[] positions)
      throws Exception {
    Meshes m = new Meshes();
    int tex = m.texture(redBluePng(), "{'magFilter':9728,'wrapS':10497,'wrapT':33071}");
    m.add(
        positions,
        QUAD,
        "{'pbrMetallicRoughness':{'baseColorTexture':{'index':"
            + tex
            + textureInfoExtras
            + "}},"
            + UNLIT
            + "}",
        QUAD_UV,
        null);
    return m.build();
  }

  @Test
  void textureIsSampledWithPerspectiveCorrectUvs() throws Exception {
    GltfAsset asset = texturedQuad("");
    ThumbnailImage front = Thumbnail.render(asset, FRONT);
    assertThat(front.pixel(16, 32)).isEqualTo(0xffff0000);
    assertThat(front.pixel(48, 32)).isEqualTo(0xff0000ff);

    // from 70° to the side the texture seam (u = 0.5, the quad's centre) projects well off the
    // middle
    // of the projected quad, where affine (screen-linear) interpolation would put it
    ThumbnailOptions side = FRONT.withSize(128).withView(70, 0);
    asset =
        texturedQuad(
            "", new float[] {-1, -0.1f, 0, 1, -0.1f, 0, 1, 0.1f, 0, -1, 0.1f, 0}); // a wide strip
    ThumbnailImage img = Thumbnail.render(asset, side);
    SceneGeometry scene = SceneGeometry.build(asset, side, new ArrayList<>());
    Thumbnail.Bounds b = Thumbnail.Bounds.of(scene);
    Camera cam = Camera.fit(b.points, b.box, 70, 0, true);
    double[] rel = {-cam.eye[0], -cam.eye[1], -cam.eye[2]};
    double depth = -(rel[0] * cam.back[0] + rel[1] * cam.back[1] + rel[2] * cam.back[2]);
    double x = rel[0] * cam.right[0] + rel[1] * cam.right[1] + rel[2] * cam.right[2];
    double seam = (cam.scale * x / depth + cam.offsetX + 1) * 64;
    int row = 64;
    assertThat(img.pixel((int) Math.round(seam) - 2, row)).isEqualTo(0xffff0000);
    assertThat(img.pixel((int) Math.round(seam) + 1, row)).isEqualTo(0xff0000ff);
    int left = 128;
    int right = -1;
    for (int px = 0; px < 128; px++) {
      if (img.pixel(px, row) != 0) {
        left = Math.min(left, px);
        right = Math.max(right, px);
      }
    }
    double midpoint = (left + right + 1) / 2.0;
    assertThat(Math.abs(seam - midpoint)).as("seam vs midpoint").isGreaterThan(15);
  }

  @Test
  void textureTransformOffsetsUvs() throws Exception {
    GltfAsset asset = texturedQuad(",'extensions':{'KHR_texture_transform':{'offset':[0.5,0]}}");
    ThumbnailImage img = Thumbnail.render(asset, FRONT);
    assertThat(img.pixel(16, 32)).isEqualTo(0xff0000ff);
    assertThat(img.pixel(48, 32)).isEqualTo(0xffff0000);
  }

  @Test
  void texturesOverThePixelLimitFallBackToTheFactor() throws Exception {
    GltfAsset asset = texturedQuad("");
    ThumbnailImage img = Thumbnail.render(asset, FRONT.withMaxTexturePixels(1));
    assertThat(img.pixel(16, 32)).isEqualTo(0xffffffff);
    assertThat(img.notes()).singleElement().asString().contains("maxTexturePixels");
  }

  @Test
  void undecodableTexturesFallBackToTheFactor() throws Exception {
    Meshes m = new Meshes();
    byte[] broken = redBluePng();
    broken = java.util.Arrays.copyOf(broken, 40); // header intact, data cut
    int tex = m.texture(broken, null);
    m.add(
        quad(1, 0),
        QUAD,
        "{'pbrMetallicRoughness':{'baseColorTexture':{'index':" + tex + "}}," + UNLIT + "}",
        QUAD_UV,
        null);
    ThumbnailImage img = Thumbnail.render(m.build(), FRONT);
    assertThat(img.pixel(32, 32)).isEqualTo(0xffffffff);
    assertThat(img.notes()).singleElement().asString().contains("could not be decoded");
  }

  // ------------------------------------------------------------ geometry

  @Test
  void nearPlaneClipsTrianglesThatReachBehindTheEye() {
    Meshes m = new Meshes();
    float[] floor = {-100, 0, 100, 100, 0, 100, 100, 0, -100, -100, 0, -100};
    m.add(floor, QUAD, "{'doubleSided':true," + UNLIT + "}", null, null);
    SceneGeometry scene = SceneGeometry.build(m.build(), FRONT, new ArrayList<>());
    Camera cam = Camera.lookAt(new double[] {0, 1, 0}, new double[] {0, 1, -1}, 90, 0.01);
    Raster raster = new Raster(64, 64);
    new Renderer(cam, raster).draw(scene.draws);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        // the floor's far edge (depth 100) projects to row 32.32; everything below is floor
        assertThat(raster.alpha[y * 64 + x]).as("pixel %d,%d", x, y).isEqualTo(y >= 32 ? 1f : 0f);
      }
    }
  }

  @Test
  void stripsAndFansFollowTheSpecVertexOrder() {
    assertThat(SceneGeometry.triangulate(new int[] {0, 1, 2, 3, 4}, 5))
        .containsExactly(0, 1, 2, 1, 3, 2, 2, 3, 4);
    assertThat(SceneGeometry.triangulate(new int[] {0, 1, 2, 3}, 6))
        .containsExactly(1, 2, 0, 2, 3, 0);
    assertThat(SceneGeometry.triangulate(new int[] {0, 1, 2, 3}, 4)).containsExactly(0, 1, 2);
  }

  @Test
  void pointsAndLinesAreSkipped() {
    Meshes m = new Meshes();
    m.add(quad(1, 0), QUAD, RED, null, null);
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            m.json().get("meshes").get(0).get("primitives").get(0))
        .put("mode", 1);
    SceneGeometry scene = SceneGeometry.build(m.build(), FRONT, new ArrayList<>());
    assertThat(scene.draws).isEmpty();
    assertThat(Thumbnail.render(m.build(), FRONT).coverage()).isZero();
  }

  @Test
  void instancesAndNodeTransformsPlaceCopies() {
    Meshes m = new Meshes();
    int node = m.add(quad(0.5f, 0), QUAD, RED, null, null);
    int translations = m.floatAccessor(new float[] {-2, 0, 0, 2, 0, 0}, "VEC3", 2);
    m.node(node)
        .putObject("extensions")
        .putObject("EXT_mesh_gpu_instancing")
        .putObject("attributes")
        .put("TRANSLATION", translations);
    m.node(node).putArray("translation").add(0).add(5).add(0);
    ThumbnailImage img = Thumbnail.render(m.build(), FRONT);
    assertThat(img.pixel(32, 32)).as("gap between the instances").isZero();
    assertThat(img.pixel(8, 32)).isEqualTo(0xffff0000);
    assertThat(img.pixel(56, 32)).isEqualTo(0xffff0000);
  }

  @Test
  void dracoIsRefusedWithAClearError() {
    GltfAsset asset =
        TestAssets.asset(
            TestAssets.TRIANGLE_JSON.replace(
                "'asset':{'version':'2.0'}",
                "'asset':{'version':'2.0'},'extensionsUsed':['KHR_draco_mesh_compression']"),
            TestAssets.triangleBin());
    assertThatThrownBy(() -> Thumbnail.render(asset, FRONT))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT))
        .hasMessageContaining("Draco");
  }

  // ------------------------------------------------------------ output

  @Test
  void pngRoundTripsThePixels() throws Exception {
    ThumbnailImage img = Thumbnail.render(quadScene(RED), FRONT);
    BufferedImage decoded =
        ImageIO.read(new ByteArrayInputStream(Thumbnail.png(quadScene(RED), FRONT)));
    assertThat(decoded.getWidth()).isEqualTo(64);
    assertThat(decoded.getRGB(32, 32)).isEqualTo(img.pixel(32, 32));
    assertThat(decoded.getRGB(0, 0) >>> 24).isZero();
  }

  @Test
  void turntableIsAStripOfViewsAroundTheModel() {
    Meshes m = new Meshes();
    m.add(quad(1, 0), QUAD, RED, null, null);
    m.add(quad(1, 0), new int[] {0, 2, 1, 0, 3, 2}, GREEN, null, null); // the back side, facing -Z
    ThumbnailImage strip = Thumbnail.turntable(m.build(), FRONT.withTurntableViews(4));
    assertThat(strip.width()).isEqualTo(4 * 64);
    assertThat(strip.height()).isEqualTo(64);
    assertThat(strip.pixel(32, 32)).as("view 0 from the front").isEqualTo(0xffff0000);
    assertThat(strip.pixel(2 * 64 + 32, 32)).as("view 2 from behind").isEqualTo(0xff00ff00);
  }

  // ------------------------------------------------------------ options

  @Test
  void optionsRoundTripThroughJsonAndRejectBadValues() {
    ThumbnailOptions o = new ThumbnailOptions(256, 3, -30, 10, 0x80ff0000, 8, 1000);
    assertThat(ThumbnailOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(o.toJson().path("background").asText()).isEqualTo("#ff000080");
    assertThat(ThumbnailOptions.fromJson(null)).isEqualTo(ThumbnailOptions.DEFAULTS);
    assertThat(ThumbnailOptions.fromJson(TestAssets.json("{}")))
        .isEqualTo(ThumbnailOptions.DEFAULTS);
    assertThat(ThumbnailOptions.fromJson(TestAssets.json("{'background':'#00ff00'}")).background())
        .isEqualTo(0xff00ff00);
    assertThat(ThumbnailOptions.DEFAULTS.toJson().path("background").asText())
        .isEqualTo("transparent");
    List<String> bad =
        List.of(
            "{'size':8}",
            "{'size':'big'}",
            "{'supersample':5}",
            "{'size':1024,'supersample':4}",
            "{'pitch':90}",
            "{'turntableViews':1}",
            "{'background':'red'}",
            "{'maxTexturePixels':-1}",
            "{'yaw':'x'}");
    for (String json : bad) {
      assertThatThrownBy(() -> ThumbnailOptions.fromJson(TestAssets.json(json)))
          .as(json)
          .isInstanceOfSatisfying(
              AssetGridException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
  }
}
