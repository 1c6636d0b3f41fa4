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
 * state; a folder with a broken model exits 1 naming the failure's code. The jobs are followed over
 * one tenant stream ({@code GET /v1/events?types=job.*}), seen from a proxy between client and
 * coordinator: no per-job stream, and a stream the proxy cuts is resumed with {@code
 * Last-Event-ID}.
 */
class SubmitCommandTest {
  static final Pattern LINE =
      Pattern.compile(
          "^(.+?)  asset ([0-9a-f-]{36})  job ([0-9a-f-]{36})  (\\w+)$", Pattern.MULTILINE);

  static final String JOB_STREAM = "/v1/events?types=job.*";

  @TempDir static Path home;
  static TestGrid grid;
  static Cli cli;

  @BeforeAll
  static void start() throws Exception {
    TestCorpus.root();
    grid = ClientGrid.get();
    cli = Cli.of(home, grid.coordinator.baseUrl(), grid.adminKey());
  }

  /** A proxy in front of the shared grid, and a client that goes through it. */
  static CuttingProxy proxy() throws IOException {
    CuttingProxy proxy = new CuttingProxy();
    proxy.target(grid.coordinator.httpPort());
    return proxy;
  }

  static Cli through(CuttingProxy proxy) {
    return Cli.of(home, "http://127.0.0.1:" + proxy.port(), grid.adminKey());
  }

  /** The three corpus models of the folder test, in {@code dir}; their labels. */
  static List<String> threeModels(Path dir) throws IOException {
    copy("gltf-sample/Box With Spaces/glTF", dir.resolve("box"));
    Files.copy(TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb"), dir.resolve("Fox.glb"));
    copy("obj/assimp-spider", dir.resolve("spider"));
    return List.of(
        dir.resolve("Fox.glb").toString(),
        dir.resolve("box/Box With Spaces.gltf").toString(),
        dir.resolve("spider/spider.obj").toString());
  }

  /** The labels of the files {@code out} says ended {@code state}. */
  static List<String> ended(String out, String state) {
    Matcher m = LINE.matcher(out);
    List<String> labels = new java.util.ArrayList<>();
    while (m.find()) {
      if (m.group(4).equals(state)) {
        labels.add(m.group(1));
      }
    }
    return labels;
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
    List<String> files = threeModels(dir);

    Cli.Run r;
    List<String> requests;
    try (CuttingProxy proxy = proxy()) {
      r = through(proxy).run("submit", dir.toString(), "--wait", "--tags", "cli,submit");
      requests = proxy.requests();
    }

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
    assertThat(labels).containsExactlyInAnyOrderElementsOf(files);
    List<String> lines = requests.stream().map(h -> h.lines().findFirst().orElseThrow()).toList();
    assertThat(lines.stream().filter(l -> l.startsWith("POST /v1/assets?"))).hasSize(3);
    assertThat(lines.stream().filter(l -> l.matches("GET /v1/jobs/[^ ]+/events.*")))
        .as("no per-job stream: %s", lines)
        .isEmpty();
    assertThat(lines.stream().filter(l -> l.startsWith("GET " + JOB_STREAM + " ")))
        .as("one tenant stream: %s", lines)
        .hasSize(1);
    assertThat(lines.get(0)).as("the stream opens before the first upload").contains(JOB_STREAM);
    JsonNode box = assetNamed("Box With Spaces.gltf");
    assertThat(box.get("files").toString())
        .contains("Box With Spaces.bin")
        .contains("Normal Map.png")
        .contains("glTF Logo With Spaces.png");
  }

  @Test
  void aCutStreamIsResumedAndEveryJobReported(@TempDir Path dir) throws Exception {
    List<String> files = threeModels(dir);

    Cli.Run r;
    List<String> streams;
    try (CuttingProxy proxy = proxy()) {
      // before the client sees a job start: that event comes again only by the replay
      proxy.cutStreamOnce("/v1/events", "event: job.started");
      r = through(proxy).run("submit", dir.toString(), "--wait");
      assertThat(proxy.streamCut()).as("the proxy cut the stream").isTrue();
      streams = proxy.requests("/v1/events");
      assertThat(proxy.requests("/v1/jobs/").stream().filter(h -> h.contains("/events ")))
          .isEmpty();
    }

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).as(r.toString()).isEmpty();
    assertThat(ended(r.out(), "succeeded")).containsExactlyInAnyOrderElementsOf(files);
    assertThat(streams).as("the stream and its one reconnect").hasSize(2);
    assertThat(streams.get(0)).doesNotContainIgnoringCase("Last-Event-ID");
    assertThat(streams.get(1)).containsPattern("(?i)\\nLast-Event-ID: \\d+-\\d+(\\n|$)");
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
