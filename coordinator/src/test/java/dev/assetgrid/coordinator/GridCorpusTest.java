package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.TestCorpus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real parts: every GLB of the corpus uploaded over HTTP to a coordinator with
 * two clustered nodes; every job succeeds and the inspected triangle counts equal MANIFEST.md.
 */
class GridCorpusTest {
  @TempDir static Path dataDir;

  static TestGrid grid;

  @BeforeAll
  static void startGrid() throws Exception {
    TestCorpus.root();
    grid = TestGrid.start(dataDir);
    grid.startNode(2);
    grid.startNode(2);
  }

  @AfterAll
  static void stopGrid() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void everyCorpusGlbIsInspectedOnTheGridWithManifestTriangleCounts() throws Exception {
    Path corpus = TestCorpus.root();
    Map<String, Long> expected = TestCorpus.trianglesByPath();
    List<Path> glbs;
    try (Stream<Path> s = Files.walk(corpus.resolve("gltf-sample"))) {
      glbs = s.filter(p -> p.toString().endsWith(".glb")).sorted().toList();
    }
    assertThat(glbs).hasSizeGreaterThan(15);
    Map<String, String> jobs = new LinkedHashMap<>();
    for (Path glb : glbs) {
      jobs.put(corpus.relativize(glb).toString(), grid.submit(glb, null));
    }
    List<String> mismatches = new ArrayList<>();
    for (var e : jobs.entrySet()) {
      JsonObject job = grid.awaitJob(e.getValue(), Duration.ofSeconds(120));
      assertThat(job.getString("state"))
          .as(e.getKey() + ": " + job.encodePrettily())
          .isEqualTo("succeeded");
      assertThat(job.getDouble("progress")).isEqualTo(1.0);
      JsonObject result = job.getJsonArray("tasks").getJsonObject(0).getJsonObject("result");
      Long want = expected.get(e.getKey());
      assertThat(want).as("manifest row for " + e.getKey()).isNotNull();
      if (result.getLong("triangles").longValue() != want) {
        mismatches.add(e.getKey() + ": got " + result.getLong("triangles") + ", manifest " + want);
      }
      // the asset carries the inspect result and the report file
      String assetId = job.getString("assetId");
      JsonObject asset = new JsonObject(grid.get("/v1/assets/" + assetId).body());
      assertThat(asset.getString("status")).isEqualTo("ready");
      assertThat(asset.getJsonObject("metadata").getLong("triangles")).isEqualTo(want);
      HttpResponse<String> report = grid.get("/v1/assets/" + assetId + "/files/inspect.json");
      assertThat(report.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(report.body()).getLong("triangles")).isEqualTo(want);
    }
    assertThat(mismatches).isEmpty();

    // both nodes took part, and no task ran twice
    Set<String> owners = new HashSet<>();
    int attempts = 0;
    for (Row r : grid.sql("SELECT node_id FROM task_attempts", Tuple.tuple())) {
      owners.add(r.getString("node_id"));
      attempts++;
    }
    assertThat(owners).hasSize(2);
    assertThat(attempts).isEqualTo(jobs.size());
  }

  @Test
  void gltfWithSideFilesUploadsAsMultipartAndResolvesItsResources() throws Exception {
    Path dir = TestCorpus.root().resolve("gltf-sample/Box With Spaces/glTF");
    String boundary = "----agtest" + System.nanoTime();
    var body = new java.io.ByteArrayOutputStream();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.sorted().toList()) {
        body.write(
            ("--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + f.getFileName()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes());
        body.write(Files.readAllBytes(f));
        body.write("\r\n".getBytes());
      }
    }
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nbox,spaces\r\n")
            .getBytes());
    body.write(("--" + boundary + "--\r\n").getBytes());
    HttpResponse<String> r =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/assets")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject created = new JsonObject(r.body());
    assertThat(created.getJsonObject("asset").getString("format")).isEqualTo("gltf");
    assertThat(created.getJsonObject("asset").getJsonArray("tags").getList())
        .containsExactly("box", "spaces");
    JsonObject job =
        grid.awaitJob(created.getJsonObject("job").getString("id"), Duration.ofSeconds(60));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonObject result = job.getJsonArray("tasks").getJsonObject(0).getJsonObject("result");
    assertThat(result.getLong("triangles")).isEqualTo(12);
    assertThat(result.getJsonArray("textures").size()).isEqualTo(3);
  }
}
