package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.KhronosValidator;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full pipeline on a grid of two nodes: a textured model fans out into one compress-texture
 * task per image beside optimize-mesh, assemble merges them, thumbnail renders the result; without
 * compress-texture there is no assemble and optimize-mesh writes the final GLB. Every final GLB
 * passes the Khronos glTF-Validator.
 */
@Timeout(600)
class PipelineGridTest {
  @TempDir static Path dataDir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    TestCorpus.root();
    grid = TestGrid.start(dataDir);
    grid.startNode(1);
    grid.startNode(1);
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  private byte[] file(String assetId, String name) throws Exception {
    HttpResponse<byte[]> r =
        grid.http.send(
            grid.request("/v1/assets/" + assetId + "/files/" + name).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(name).isEqualTo(200);
    return r.body();
  }

  @Test
  void texturedModelFansOutAcrossNodesAndAssemblesAValidGlb() throws Exception {
    Path model =
        TestCorpus.root()
            .resolve("gltf-sample/TextureSettingsTest/glTF-Binary/TextureSettingsTest.glb");
    String jobId = grid.submit(model, "pipeline=validate,optimize-mesh,compress-texture,thumbnail");
    JsonObject job = grid.awaitJob(jobId, Duration.ofMinutes(8));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonArray tasks = job.getJsonArray("tasks");
    List<String> names = new ArrayList<>();
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      names.add(tasks.getJsonObject(i).getString("name"));
      nodes.add(tasks.getJsonObject(i).getJsonArray("attempts").getJsonObject(0).getString("node"));
    }
    assertThat(names)
        .contains("inspect", "validate", "optimize-mesh", "assemble", "thumbnail")
        .filteredOn(n -> n.startsWith("compress-texture-"))
        .hasSize(3);
    assertThat(nodes.stream().distinct().count()).as("work spread over both nodes").isEqualTo(2);
    // textures to merge: optimize-mesh leaves mesh.glb to assemble, which writes the final GLB
    assertThat(outputs(job, "optimize-mesh")).containsExactly("mesh.glb");
    assertThat(outputs(job, "assemble")).containsExactly("optimized.glb");

    String assetId = job.getString("assetId");
    Path glb = Files.write(dataDir.resolve("optimized.glb"), file(assetId, "optimized.glb"));
    KhronosValidator.Report report = KhronosValidator.require().validate(glb);
    assertThat(report.numErrors()).as(report.messages().toString()).isZero();
    String json = new String(Files.readAllBytes(glb), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(json).contains("KHR_texture_basisu", "EXT_meshopt_compression");

    BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(file(assetId, "thumbnail.png")));
    assertThat(thumb.getWidth()).isEqualTo(512);
    JsonObject validation = new JsonObject(new String(file(assetId, "validation.json")));
    assertThat(validation.getJsonObject("issues").getInteger("numErrors")).isZero();
  }

  /** Output names of the job's task called {@code task}. */
  private static List<String> outputs(JsonObject job, String task) {
    JsonArray tasks = job.getJsonArray("tasks");
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject t = tasks.getJsonObject(i);
      if (t.getString("name").equals(task)) {
        return t.getJsonArray("outputs").stream()
            .map(o -> ((JsonObject) o).getString("name"))
            .toList();
      }
    }
    throw new AssertionError("no task " + task + " in " + job.encodePrettily());
  }

  @Test
  void meshOnlyPipelineIsInspectAndOptimizeMeshWhichWritesAValidOptimizedGlb() throws Exception {
    // textured, skinned and animated: optimize-mesh alone must keep the images and write a valid
    // final GLB
    Path model = TestCorpus.root().resolve("gltf-sample/CesiumMan/glTF-Binary/CesiumMan.glb");
    String jobId = grid.submit(model, "pipeline=optimize-mesh");
    JsonObject job = grid.awaitJob(jobId, Duration.ofMinutes(4));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonArray tasks = job.getJsonArray("tasks");
    assertThat(tasks).hasSize(2);
    assertThat(tasks.stream().map(t -> ((JsonObject) t).getString("name")).toList())
        .containsExactlyInAnyOrder("inspect", "optimize-mesh");
    assertThat(job.getInteger("tasksTotal")).isEqualTo(2);
    assertThat(outputs(job, "optimize-mesh")).containsExactly("optimized.glb");

    String assetId = job.getString("assetId");
    JsonObject asset = new JsonObject(grid.get("/v1/assets/" + assetId).body());
    assertThat(asset.getString("status")).isEqualTo("ready");
    byte[] bytes = file(assetId, "optimized.glb");
    assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("glTF");
    Path glb = Files.write(dataDir.resolve("cesium-man.glb"), bytes);
    KhronosValidator.Report report = KhronosValidator.require().validate(glb);
    assertThat(report.numErrors()).as(report.messages().toString()).isZero();
    String json = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(json).contains("EXT_meshopt_compression").doesNotContain("KHR_texture_basisu");
    assertThat(grid.get("/v1/assets/" + assetId + "/files/mesh.glb").statusCode())
        .as("no intermediate mesh.glb")
        .isEqualTo(404);
  }

  @Test
  void nonGltfUploadIsConvertedAndLaterStagesReadTheConvertedModel() throws Exception {
    Path stl = TestCorpus.root().resolve("stl/Spider_binary.stl");
    String jobId = grid.submit(stl, "pipeline=optimize-mesh,thumbnail");
    JsonObject job = grid.awaitJob(jobId, Duration.ofMinutes(4));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonArray tasks = job.getJsonArray("tasks");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      names.add(tasks.getJsonObject(i).getString("name"));
    }
    // no textures to merge: optimize-mesh writes optimized.glb and thumbnail renders it
    assertThat(names).containsExactlyInAnyOrder("convert", "inspect", "optimize-mesh", "thumbnail");
    assertThat(outputs(job, "optimize-mesh")).containsExactly("optimized.glb");
    String assetId = job.getString("assetId");
    JsonObject asset = new JsonObject(grid.get("/v1/assets/" + assetId).body());
    assertThat(asset.getString("format")).isEqualTo("stl");
    assertThat(asset.getJsonObject("metadata").getLong("triangles")).isEqualTo(1368);
    Path glb = Files.write(dataDir.resolve("spider.glb"), file(assetId, "optimized.glb"));
    KhronosValidator.Report report = KhronosValidator.require().validate(glb);
    assertThat(report.numErrors()).as(report.messages().toString()).isZero();
    assertThat(ImageIO.read(new ByteArrayInputStream(file(assetId, "thumbnail.png"))).getWidth())
        .isEqualTo(512);
  }
}
