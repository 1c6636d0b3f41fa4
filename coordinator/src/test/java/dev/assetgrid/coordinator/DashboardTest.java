package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.TestCorpus;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard at {@code /} in a real headless Chromium driven by playwright-core ({@code
 * src/test/dashboard/e2e.mjs}) against a real grid: a corpus model dropped on the upload page, its
 * job watched to success, its thumbnail in the catalog, its optimized GLB (meshopt, KTX2) drawn by
 * the 3D preview, no console errors, and a reader without write controls. Screenshots stay in
 * {@code target/dashboard/}. Needs Debian's chromium and the npm playwright-core ({@code .ci/run}
 * installs both); without them the test is skipped, and in CI it fails.
 */
@Timeout(600)
class DashboardTest {
  @TempDir static Path dataDir;
  static TestGrid grid;

  static final String PIPELINE = "validate,optimize-mesh,compress-texture,thumbnail";

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(dataDir);
    grid.startNode(2);
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static Path playwright() {
    String given = System.getenv("ASSETGRID_PLAYWRIGHT");
    return given != null
        ? Path.of(given)
        : Path.of("..", ".tools", "node_modules", "playwright-core").toAbsolutePath().normalize();
  }

  static Path chromium() {
    String given = System.getenv("ASSETGRID_CHROMIUM");
    return Path.of(given != null ? given : "/usr/bin/chromium");
  }

  @Test
  void theStaticFilesComeFromTheJarWithAStrictPolicy() throws Exception {
    HttpResponse<String> page =
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'")
        .contains("frame-ancestors 'none'");
    // nothing from another origin
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");
    for (String asset :
        List.of(
            "/dashboard/app.js",
            "/dashboard/vendor/three/build/three.module.js",
            "/dashboard/vendor/three/examples/jsm/libs/basis/basis_transcoder.wasm")) {
      HttpResponse<byte[]> r =
          grid.http.send(
              HttpRequest.newBuilder(URI.create(grid.url(asset))).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(r.body().length).as(asset).isGreaterThan(1000);
    }
    HttpResponse<String> missing =
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/dashboard/../admin.key"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isIn(400, 404);
    assertThat(missing.body()).doesNotContain("ag_");
  }

  @Test
  void aModelDroppedOnThePageIsProcessedCataloguedAndDrawn() throws Exception {
    Path pw = playwright();
    Path browser = chromium();
    boolean ready = Files.isDirectory(pw) && Files.isExecutable(browser);
    TestCorpus.need(
        ready,
        "the dashboard test needs playwright-core at "
            + pw
            + " (npm install playwright-core under .tools) and Chromium at "
            + browser
            + " (apt-get install chromium)");
    Path model =
        TestCorpus.path(
            "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb");
    HttpResponse<String> k = grid.post("/v1/keys", "{\"role\":\"reader\",\"name\":\"e2e\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    String reader = new JsonObject(k.body()).getString("key");
    Path out = Path.of("target", "dashboard").toAbsolutePath();
    Files.createDirectories(out);
    List<String> cmd = new ArrayList<>(List.of("node", "src/test/dashboard/e2e.mjs"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("e2e.log").toFile());
    pb.environment().put("BASE", grid.url(""));
    pb.environment().put("ADMIN_KEY", grid.adminKey());
    pb.environment().put("READER_KEY", reader);
    pb.environment().put("MODEL", model.toString());
    pb.environment().put("PIPELINE", PIPELINE);
    pb.environment().put("OUT", out.toString());
    pb.environment().put("PLAYWRIGHT", pw.toString());
    pb.environment().put("CHROMIUM", browser.toString());
    Process p = pb.start();
    assertThat(p.waitFor(480, TimeUnit.SECONDS)).as("e2e.mjs ended").isTrue();
    String log = Files.readString(out.resolve("e2e.log"));
    JsonObject result = new JsonObject(Files.readString(out.resolve("result.json")));
    assertThat(result.getString("failure")).as(log).isNull();
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(result.getJsonArray("errors")).as("console errors").isEmpty();
    // the job the page queued is the grid's, and succeeded with the pipeline asked for
    JsonObject job = grid.job(result.getString("jobId"));
    assertThat(job.getString("state")).isEqualTo("succeeded");
    assertThat(result.getInteger("lanes")).isEqualTo(job.getJsonArray("tasks").size());
    assertThat(result.getInteger("thumbnailWidth")).isGreaterThan(0);
    assertThat(result.getJsonArray("derivatives").getList())
        .contains("optimized.glb", "thumbnail.png", "validation.json");
    assertThat(result.getString("validation")).contains("0 errors");
    // what the preview drew is our own output: meshopt-compressed, with KTX2 textures
    String assetId = job.getString("assetId");
    HttpResponse<byte[]> glb =
        grid.http.send(
            grid.request("/v1/assets/" + assetId + "/files/optimized.glb").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(glb.statusCode()).isEqualTo(200);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.wrap(glb.body()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int jsonLength = b.getInt(12);
    JsonObject gltf =
        new JsonObject(
            new String(glb.body(), 20, jsonLength, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(gltf.getJsonArray("extensionsUsed").getList())
        .contains("EXT_meshopt_compression", "KHR_texture_basisu");
    JsonObject preview = result.getJsonObject("preview");
    assertThat(result.getInteger("meshes")).isPositive();
    assertThat(preview.getDouble("drawnFraction")).as(preview.encode()).isGreaterThan(0.01);
    assertThat(result.getBoolean("adminSeesDelete")).isTrue();
    assertThat(result.getBoolean("readerSeesUpload")).isFalse();
    assertThat(result.getInteger("readerWriteButtons")).isZero();
    for (String shot : List.of("job.png", "catalog.png", "asset.png", "overview.png")) {
      assertThat(Files.size(out.resolve(shot))).as(shot).isGreaterThan(10_000);
    }
  }
}
