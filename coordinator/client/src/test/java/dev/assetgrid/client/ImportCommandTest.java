package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import} and {@code imports} against a real coordinator and node, in a tenant of their own
 * (so no other test's uploads make duplicates): a folder under the grid's import root (a .glb, a
 * .gltf with its .bin and PNGs, a stray PNG) is imported and its jobs followed, a second time it is
 * all duplicates; a truncated GLB fails its item with its code; URLs from a real HTTP server on
 * loopback, one of them a 404; the listing is the server's; a running import is cancelled.
 */
class ImportCommandTest {
  static final Pattern STARTED =
      Pattern.compile("^import ([0-9a-f-]{36})  (\\w+)", Pattern.MULTILINE);

  @TempDir static Path home;
  @TempDir static Path files;
  static TestGrid grid;
  static String key;
  static Cli cli;
  static HttpServer web;
  static final CountDownLatch slowRelease = new CountDownLatch(1);
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    TestCorpus.root();
    grid = ClientGrid.get();
    String tenant = "imp" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> k =
        grid.post("/v1/keys", "{\"role\": \"admin\", \"tenant\": \"" + tenant + "\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    key = Json.parseOrNull(k.body()).get("key").asText();
    cli = Cli.of(home, grid.coordinator.baseUrl(), key);

    byte[] glb =
        Files.readAllBytes(
            TestCorpus.path("gltf-sample/VertexColorTest/glTF-Binary/VertexColorTest.glb"));
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.setExecutor(Executors.newCachedThreadPool());
    web.createContext(
        "/",
        ex -> {
          String p = ex.getRequestURI().getPath();
          try {
            if (p.equals("/models/VertexColorTest.glb")) {
              ex.sendResponseHeaders(200, glb.length);
              ex.getResponseBody().write(glb);
            } else if (p.startsWith("/slow/")) {
              slowRelease.await(20, TimeUnit.SECONDS);
              ex.sendResponseHeaders(404, -1);
            } else {
              ex.sendResponseHeaders(404, -1);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            ex.close();
          }
        });
    web.start();
  }

  @AfterAll
  static void stop() {
    slowRelease.countDown();
    if (web != null) {
      web.stop(0);
    }
  }

  /** The tenant's view of {@code path}, as the server gives it. */
  static JsonNode server(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(grid.url(path)))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parseOrNull(r.body());
  }

  static String web(String path) {
    return "http://127.0.0.1:" + web.getAddress().getPort() + path;
  }

  /** A new folder under the import root. */
  static Path folder() throws Exception {
    return Files.createDirectories(
        ClientGrid.importRoot().resolve("batch-" + UUID.randomUUID().toString().substring(0, 8)));
  }

  /** The id the output's first {@code import ID ...} line names. */
  static String importId(Cli.Run r) {
    Matcher m = STARTED.matcher(r.out());
    assertThat(m.find()).as(r.toString()).isTrue();
    return m.group(1);
  }

  @Test
  void aFolderIsImportedWithItsJobsAndASecondTimeIsAllDuplicates() throws Exception {
    Path dir = folder();
    Files.copy(
        TestCorpus.path("gltf-sample/AnimatedMorphCube/glTF-Binary/AnimatedMorphCube.glb"),
        dir.resolve("cube.glb"));
    Path box = Files.createDirectories(dir.resolve("box"));
    try (var s = Files.list(TestCorpus.path("gltf-sample/Box With Spaces/glTF"))) {
      for (Path p : s.toList()) {
        Files.copy(p, box.resolve(p.getFileName().toString()));
      }
    }
    Files.write(dir.resolve("stray.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

    Cli.Run r = cli.run("import", "--dir", dir.toString(), "--tags", "batch,cli", "--wait");

    assertThat(r.exit()).as(r.toString()).isZero();
    String id = importId(r);
    assertThat(r.out())
        .as(r.toString())
        .contains("import " + id + "  listed: 3 found")
        .contains(
            "import "
                + id
                + "  succeeded: 2 imported, 0 duplicate, 1 skipped, 0 failed; jobs: 2 succeeded")
        .doesNotContain("failed:");
    JsonNode view = server("/v1/imports/" + id);
    assertThat(view.get("state").asText()).isEqualTo("succeeded");
    assertThat(view.at("/counts/imported").asLong()).isEqualTo(2);
    assertThat(view.at("/counts/skipped").asLong()).isEqualTo(1);
    assertThat(view.at("/counts/jobs/succeeded").asLong()).isEqualTo(2);
    assertThat(view.get("tags").toString()).isEqualTo("[\"batch\",\"cli\"]");

    // the items as the client lists them are the server's; a state filters them
    JsonNode items = Json.parseOrNull(cli.run("imports", "items", id, "--output", "json").out());
    assertThat(items).isEqualTo(server("/v1/imports/" + id + "/items").get("items"));
    JsonNode skipped =
        Json.parseOrNull(
            cli.run("imports", "items", id, "--state", "skipped", "--output", "json").out());
    assertThat(skipped).hasSize(1);
    assertThat(skipped.get(0).get("name").asText()).isEqualTo("stray.png");
    Cli.Run shown = cli.run("imports", "get", id);
    assertThat(shown.out())
        .as(shown.toString())
        .contains("state:")
        .contains("2 imported, 0 duplicate, 1 skipped, 0 failed; jobs: 2 succeeded");

    Cli.Run again = cli.run("import", "--dir", dir.toString(), "--wait");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out())
        .as(again.toString())
        .contains("succeeded: 0 imported, 2 duplicate, 1 skipped, 0 failed");
  }

  @Test
  void aTruncatedGlbFailsItsItemWithItsCode() throws Exception {
    Path dir = folder();
    byte[] whole =
        Files.readAllBytes(
            TestCorpus.path("gltf-sample/SimpleInstancing/glTF-Binary/SimpleInstancing.glb"));
    Files.write(dir.resolve("broken.glb"), Arrays.copyOf(whole, whole.length / 2));

    Cli.Run r = cli.run("import", "--dir", dir.toString(), "--wait");

    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out())
        .as(r.toString())
        .contains("0 imported, 0 duplicate, 0 skipped, 1 failed")
        .containsPattern("\n  broken\\.glb: GLB_TRUNCATED [^\n]*header declares \\d+ bytes");
  }

  @Test
  void urlsAreFetchedByTheCoordinatorAndA404IsNamed() throws Exception {
    Path list = files.resolve("urls.txt");
    Files.writeString(
        list,
        "# two models\n"
            + web("/models/VertexColorTest.glb")
            + "\n\n   "
            + web("/models/gone.glb")
            + "\n");

    Cli.Run r = cli.run("import", "--urls", list.toString(), "--wait");

    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
    String id = importId(r);
    assertThat(r.out())
        .as(r.toString())
        .contains("1 imported, 0 duplicate, 0 skipped, 1 failed; jobs: 1 succeeded")
        .containsPattern("\n  [^\n]*gone\\.glb[^\n]*: NOT_FOUND ");
    JsonNode failed = server("/v1/imports/" + id + "/items?state=failed").get("items");
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void theListingIsTheServersAndWithoutWaitTheImportIsNamed() throws Exception {
    Path dir = folder();
    Files.write(dir.resolve("notes.txt"), "no model here".getBytes());
    Cli.Run r = cli.run("import", "--dir", dir.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    String id = importId(r);
    assertThat(r.out()).isEqualTo("import " + id + "  listing\n");

    JsonNode listed = Json.parseOrNull(cli.run("imports", "--output", "json").out());
    List<String> ids = new ArrayList<>();
    listed.forEach(i -> ids.add(i.get("id").asText()));
    assertThat(ids).contains(id);
    // an import still running changes between the two reads: compare once all have ended
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (listed.toString().contains("\"listing\"") || listed.toString().contains("\"running\"")) {
      assertThat(System.nanoTime()).as("imports still running: " + listed).isLessThan(end);
      Thread.sleep(200);
      listed = Json.parseOrNull(cli.run("imports", "--output", "json").out());
    }
    assertThat(listed).isEqualTo(server("/v1/imports?limit=50").get("items"));
    Cli.Run table = cli.run("imports");
    assertThat(table.out()).as(table.toString()).contains(id).contains(dir.toString());
  }

  @Test
  void aRunningImportIsCancelled() throws Exception {
    Path list = files.resolve("slow.txt");
    StringBuilder urls = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      urls.append(web("/slow/" + i + ".glb")).append('\n');
    }
    Files.writeString(list, urls);

    Cli.Running waiting = cli.start("import", "--urls", list.toString(), "--wait");
    try {
      assertThat(waiting.awaitOut(o -> o.contains("listed: 40 found"), Duration.ofSeconds(20)))
          .as(waiting.out())
          .isTrue();
      String id = importId(new Cli.Run(0, waiting.out(), ""));
      Cli.Run c = cli.run("imports", "cancel", id);
      assertThat(c.exit()).as(c.toString()).isZero();
      assertThat(c.out()).isEqualTo("import " + id + " is cancelled\n");
      assertThat(server("/v1/imports/" + id).get("state").asText()).isEqualTo("cancelled");

      Cli.Run r = waiting.await(Duration.ofSeconds(10));
      assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.FAILED);
      assertThat(r.out()).as(r.toString()).contains("import " + id + ": CANCELLED");
    } finally {
      slowRelease.countDown();
    }
  }

  @Test
  void aSourceIsGivenOnceAndSecretsNeverAsFlags() throws Exception {
    Cli.Run none = cli.run("import");
    assertThat(none.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(none.err()).contains("give exactly one source");
    Cli.Run secretFlag =
        cli.run("import", "s3://bucket/p", "--access-key-id", "AKIA", "--secret-access-key", "x");
    assertThat(secretFlag.exit()).isEqualTo(ExitCode.USAGE);
    Cli.Run noSecret = cli.run("import", "s3://bucket/p", "--access-key-id", "AKIA");
    assertThat(noSecret.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(noSecret.err()).contains("--secret-access-key-file");
    Cli.Run relative = cli.run("import", "--dir", "batch");
    assertThat(relative.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(relative.err()).contains("absolute path");
  }
}
