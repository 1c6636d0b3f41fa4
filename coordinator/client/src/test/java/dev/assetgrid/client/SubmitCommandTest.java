package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit DIR --wait} against a real coordinator and node: a folder of corpus models (a .gltf
 * with its .bin and three PNGs, whose names have spaces; a .glb; an OBJ with its .mtl and JPEGs)
 * becomes one asset each, every job succeeds, the output names each file with its asset and final
 * state; a folder with a broken model exits 1 naming the failure's code.
 */
class SubmitCommandTest {
  static final Pattern LINE =
      Pattern.compile(
          "^(.+?)  asset ([0-9a-f-]{36})  job ([0-9a-f-]{36})  (\\w+)$", Pattern.MULTILINE);

  @TempDir static Path home;
  static TestGrid grid;
  static Cli cli;

  @BeforeAll
  static void start() throws Exception {
    TestCorpus.root();
    grid = ClientGrid.get();
    cli = Cli.of(home, grid.coordinator.baseUrl(), grid.adminKey());
  }

  /** Copies a corpus folder into {@code to}. */
  static void copy(String corpusFolder, Path to) throws IOException {
    Path from = TestCorpus.path(corpusFolder);
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void aFolderOfModelsIsSubmittedAndFollowedToTheEnd(@TempDir Path dir) throws Exception {
    copy("gltf-sample/Box With Spaces/glTF", dir.resolve("box"));
    Files.copy(TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb"), dir.resolve("Fox.glb"));
    copy("obj/assimp-spider", dir.resolve("spider"));

    Cli.Run r = cli.run("submit", dir.toString(), "--wait", "--tags", "cli,submit");

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).as(r.toString()).isEmpty();
    Matcher m = LINE.matcher(r.out());
    List<String> labels = new java.util.ArrayList<>();
    while (m.find()) {
      labels.add(m.group(1));
      assertThat(m.group(4)).as(m.group()).isEqualTo("succeeded");
      JsonNode asset = Json.parseOrNull(grid.get("/v1/assets/" + m.group(2)).body());
      assertThat(asset.get("status").asText()).isEqualTo("ready");
      assertThat(asset.get("tags").toString()).isEqualTo("[\"cli\",\"submit\"]");
      JsonNode job = Json.parseOrNull(grid.get("/v1/jobs/" + m.group(3)).body());
      assertThat(job.get("assetId").asText()).isEqualTo(m.group(2));
      assertThat(job.get("state").asText()).isEqualTo("succeeded");
      String name = asset.get("name").asText();
      assertThat(m.group(1)).endsWith(name);
      if (name.endsWith(".gltf") || name.endsWith(".obj")) {
        // sent as one zip: the side files are files of the asset
        assertThat(asset.get("files").toString()).contains("\"role\":\"side\"");
      }
    }
    assertThat(labels)
        .containsExactlyInAnyOrder(
            dir.resolve("Fox.glb").toString(),
            dir.resolve("box/Box With Spaces.gltf").toString(),
            dir.resolve("spider/spider.obj").toString());
    JsonNode box = assetNamed("Box With Spaces.gltf");
    assertThat(box.get("files").toString())
        .contains("Box With Spaces.bin")
        .contains("Normal Map.png")
        .contains("glTF Logo With Spaces.png");
  }

  @Test
  void aFailedJobExitsOneWithItsCode(@TempDir Path dir) throws Exception {
    Files.copy(TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb"), dir.resolve("a-fox.glb"));
    Files.write(dir.resolve("b-broken.glb"), TestModels.accessorPastItsBuffer());

    Cli.Run r = cli.run("submit", dir.toString(), "--wait");

    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    Matcher m = LINE.matcher(r.out());
    String brokenJob = null;
    while (m.find()) {
      if (m.group(1).endsWith("b-broken.glb")) {
        assertThat(m.group(4)).isEqualTo("failed");
        brokenJob = m.group(3);
      } else {
        assertThat(m.group(4)).isEqualTo("succeeded");
      }
    }
    assertThat(brokenJob).as(r.toString()).isNotNull();
    JsonNode job = Json.parseOrNull(grid.get("/v1/jobs/" + brokenJob).body());
    String code = job.get("error").get("code").asText();
    assertThat(r.out())
        .contains("1 of 2 failed:")
        .contains(
            dir.resolve("b-broken.glb")
                + ": "
                + code
                + " "
                + job.get("error").get("message").asText());
    assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("at dev.");
  }

  @Test
  void aGltfWhoseBufferIsMissingIsNotSentAndNamed(@TempDir Path dir) throws Exception {
    copy("gltf-sample/Box With Spaces/glTF", dir);
    Files.delete(dir.resolve("Box With Spaces.bin"));

    Cli.Run r = cli.run("submit", dir.resolve("Box With Spaces.gltf").toString());

    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out()).contains("it references Box With Spaces.bin, which are not there");
  }

  @Test
  void aFileTheServerRefusesFailsThatFileAndTheRestGoOn(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a-notes.obj"), "this is not a model\n");
    Files.copy(TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb"), dir.resolve("b-fox.glb"));

    Cli.Run r = cli.run("submit", dir.toString());

    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out())
        .containsPattern("b-fox.glb  asset [0-9a-f-]{36}  job [0-9a-f-]{36}  queued");
    assertThat(r.out()).containsPattern("a-notes.obj: [A-Z_]+ ");
  }

  static JsonNode assetNamed(String name) throws Exception {
    JsonNode page = Json.parseOrNull(grid.get("/v1/assets?limit=500").body());
    for (JsonNode a : page.get("items")) {
      if (a.get("name").asText().equals(name)) {
        return Json.parseOrNull(grid.get("/v1/assets/" + a.get("id").asText()).body());
      }
    }
    throw new AssertionError("no asset named " + name);
  }
}
