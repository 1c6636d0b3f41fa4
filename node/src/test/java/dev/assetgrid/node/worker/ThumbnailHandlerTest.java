package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.TestAssets;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailHandlerTest {
  @TempDir Path dir;

  /** The test triangle, unlit red, double-sided (visible from the default 3/4 view). */
  private static byte[] triangleGlb() {
    String json =
        TestAssets.TRIANGLE_JSON
            .replace(
                "'nodes':[{'mesh':0}]",
                "'nodes':[{'mesh':0}],'materials':[{'doubleSided':true,"
                    + "'pbrMetallicRoughness':{'baseColorFactor':[1,0,0,1]},'extensions':{'KHR_materials_unlit':{}}}]")
            .replace("'indices':1}", "'indices':1,'material':0}");
    return TestAssets.glb(json, TestAssets.triangleBin());
  }

  private TaskWork work(String params, Map<String, Path> inputs) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    return new TaskWork(
        "t1",
        1,
        PlannedInputs.withPlannedInput((ObjectNode) TestAssets.json(params), inputs),
        inputs,
        dir,
        work,
        p -> {},
        () -> false);
  }

  @Test
  void rendersTheLatestModelToThumbnailPng() throws Exception {
    Path original =
        Files.write(dir.resolve("original"), new byte[] {1, 2, 3}); // not a model: must not be read
    Path mesh = Files.write(dir.resolve("mesh.glb"), triangleGlb());
    TaskWork w =
        work(
            "{'size':64,'supersample':2,'background':'#ffffff'}",
            Map.of(OutputNames.ORIGINAL, original, OutputNames.MESH_GLB, mesh));
    ThumbnailHandler handler = new ThumbnailHandler(TestNatives.reader());
    assertThat(handler.type()).isEqualTo(TaskType.THUMBNAIL);
    TaskResult r = handler.run(w);

    assertThat(r.outputs())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo("thumbnail.png");
              assertThat(o.contentType()).isEqualTo("image/png");
            });
    BufferedImage png = ImageIO.read(r.outputs().get(0).file().toFile());
    assertThat(png.getWidth()).isEqualTo(64);
    assertThat(png.getHeight()).isEqualTo(64);
    assertThat(png.getRGB(0, 0)).isEqualTo(0xffffffff);
    assertThat(r.result().path("size").asInt()).isEqualTo(64);
    assertThat(r.result().path("coverage").asDouble()).isBetween(0.1, 0.9);
    assertThat(r.result().path("ms").isIntegralNumber()).isTrue();
    assertThat(r.result().path("options").path("background").asText()).isEqualTo("#ffffffff");
  }

  @Test
  void rendersTheMeshWithItsOriginalTexturesNotTheKtx2Assembly() throws Exception {
    Path original = Files.write(dir.resolve("original"), triangleGlb());
    Path assembled =
        Files.write(dir.resolve("optimized.glb"), new byte[] {9, 9, 9}); // must not be read
    Path mesh = Files.write(dir.resolve("mesh.glb"), triangleGlb());
    TaskResult r =
        new ThumbnailHandler(TestNatives.reader())
            .run(
                work(
                    "{'size':32}",
                    Map.of(
                        OutputNames.ORIGINAL,
                        original,
                        OutputNames.OPTIMIZED_GLB,
                        assembled,
                        OutputNames.MESH_GLB,
                        mesh)));
    assertThat(r.result().path("coverage").asDouble()).isPositive();
  }

  @Test
  void rendersTheOptimizedGlbOptimizeMeshWroteWhenThereIsNoMeshGlb() throws Exception {
    // a job without textures: optimize-mesh writes the final optimized.glb and no mesh.glb
    Path original =
        Files.write(dir.resolve("original"), new byte[] {1, 2, 3}); // not a model: must not be read
    Path converted =
        Files.write(dir.resolve("converted.glb"), new byte[] {4, 5, 6}); // older than optimized.glb
    Path optimized = Files.write(dir.resolve("optimized.glb"), triangleGlb());
    TaskResult r =
        new ThumbnailHandler(TestNatives.reader())
            .run(
                work(
                    "{'size':32,'onError':'fail'}",
                    Map.of(
                        OutputNames.ORIGINAL,
                        original,
                        OutputNames.CONVERTED_GLB,
                        converted,
                        OutputNames.OPTIMIZED_GLB,
                        optimized)));
    assertThat(r.outputs()).extracting(TaskResult.Output::name).containsExactly("thumbnail.png");
    assertThat(r.result().path("coverage").asDouble()).isPositive();
  }

  @Test
  void writesATurntableStripWhenAsked() throws Exception {
    Path original = Files.write(dir.resolve("original"), triangleGlb());
    TaskResult r =
        new ThumbnailHandler(TestNatives.reader())
            .run(work("{'size':32,'turntableViews':4}", Map.of(OutputNames.ORIGINAL, original)));
    assertThat(r.outputs())
        .extracting(TaskResult.Output::name)
        .containsExactly("thumbnail.png", "turntable.png");
    BufferedImage strip = ImageIO.read(r.outputs().get(1).file().toFile());
    assertThat(strip.getWidth()).isEqualTo(128);
    assertThat(strip.getHeight()).isEqualTo(32);
    assertThat(r.result().path("turntable").path("views").asInt()).isEqualTo(4);
  }

  @Test
  void badParamsFailDracoIsSkippedUnlessAskedToFail() throws Exception {
    Path original = Files.write(dir.resolve("original"), triangleGlb());
    assertThatThrownBy(
            () ->
                new ThumbnailHandler(TestNatives.reader())
                    .run(work("{'size':1}", Map.of(OutputNames.ORIGINAL, original))))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));

    String draco =
        TestAssets.TRIANGLE_JSON.replace(
            "'asset':{'version':'2.0'}",
            "'asset':{'version':'2.0'},'extensionsUsed':['KHR_draco_mesh_compression']");
    Path dracoFile =
        Files.write(dir.resolve("draco.glb"), TestAssets.glb(draco, TestAssets.triangleBin()));
    assertThatThrownBy(
            () ->
                new ThumbnailHandler(TestNatives.reader())
                    .run(work("{'onError':'fail'}", Map.of(OutputNames.ORIGINAL, dracoFile))))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
              assertThat(e.retryable()).isFalse();
            });
    // by default an undrawable model is a skipped preview, not a failed job
    TaskResult skipped =
        new ThumbnailHandler(TestNatives.reader())
            .run(work("{}", Map.of(OutputNames.ORIGINAL, dracoFile)));
    assertThat(skipped.outputs()).isEmpty();
    assertThat(skipped.result().path("skipped").asBoolean()).isTrue();
    assertThat(skipped.result().path("code").asText()).isEqualTo("UNSUPPORTED_FORMAT");
  }
}
