package dev.assetgrid.coordinator.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.assetgrid.coordinator.CoordinatorConfig;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.coordinator.net.Cidr;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Batch imports end to end with real parts: a folder under an import root (grouping a .gltf with
 * its files and an OBJ with its MTL and maps, reporting stray files, never following a link out),
 * URLs from a real HTTP server on loopback (redirects, size cap, refused addresses), a prefix of a
 * real S3-compatible bucket (s3proxy); duplicates and reprocess, cancel, and a restart mid-import
 * that finishes without making anything twice.
 */
@Timeout(400)
class ImportsTest {
  @TempDir static Path tmp;
  static Path root;
  static Path batch;
  static TestGrid grid;
  static HttpServer web;
  static final long MAX_UPLOAD = 4L << 20;

  static CoordinatorConfig config(Path dir, String db) {
    return TestGrid.config(dir, db)
        .withMaxUploadBytes(MAX_UPLOAD)
        .withImports(
            ImportOptions.defaults()
                .withRoots(List.of(root))
                .withSources(true, List.of(Cidr.parse("127.0.0.0/8")))
                .withTimeout(Duration.ofSeconds(2))
                .withInflight(2));
  }

  @BeforeAll
  static void start() throws Exception {
    Path corpus = TestCorpus.root();
    root = Files.createDirectories(tmp.resolve("imports"));
    batch = Files.createDirectories(root.resolve("batch"));
    Path box = Files.createDirectories(batch.resolve("box"));
    try (var s = Files.list(corpus.resolve("gltf-sample/Box With Spaces/glTF"))) {
      for (Path p : s.toList()) {
        Files.copy(p, box.resolve(p.getFileName().toString()));
      }
    }
    Path spider = Files.createDirectories(batch.resolve("spider"));
    try (var s = Files.list(corpus.resolve("obj/assimp-spider"))) {
      for (Path p : s.toList()) {
        Files.copy(p, spider.resolve(p.getFileName().toString()));
      }
    }
    Files.copy(
        corpus.resolve(
            "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb"),
        batch.resolve("textured.glb"));
    // a zip of one model and a file beside it
    try (var zip =
        new java.util.zip.ZipOutputStream(Files.newOutputStream(batch.resolve("duck.zip")))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("duck/Duck.gltf"));
      zip.write(Files.readAllBytes(corpus.resolve("gltf-sample/Duck/glTF-Embedded/Duck.gltf")));
      zip.putNextEntry(new java.util.zip.ZipEntry("duck/LICENSE.md"));
      zip.write(Files.readAllBytes(corpus.resolve("gltf-sample/Duck/LICENSE.md")));
    }
    Files.write(batch.resolve("stray.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Files.writeString(batch.resolve("README.txt"), "not a model");
    // a link that leads out of the root: never followed
    Files.createSymbolicLink(batch.resolve("escape"), corpus.resolve("stl"));
    Files.createSymbolicLink(root.resolve("outside"), corpus.resolve("obj"));

    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] glb = Files.readAllBytes(batch.resolve("textured.glb"));
    web.createContext(
        "/",
        ex -> {
          String p = ex.getRequestURI().getPath();
          if (p.equals("/models/textured.glb")) {
            ex.sendResponseHeaders(200, glb.length);
            ex.getResponseBody().write(glb);
          } else if (p.startsWith("/hop/")) {
            int n = Integer.parseInt(p.substring(5));
            ex.getResponseHeaders()
                .add("Location", n == 0 ? "/models/textured.glb" : "/hop/" + (n - 1));
            ex.sendResponseHeaders(302, -1);
          } else if (p.equals("/slow.glb")) {
            try {
              Thread.sleep(5_000); // longer than the import's time-out
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, glb.length);
            ex.getResponseBody().write(glb);
          } else if (p.equals("/big.glb")) {
            ex.sendResponseHeaders(200, MAX_UPLOAD + 1);
            ex.getResponseBody().write(new byte[(int) MAX_UPLOAD + 1]);
          } else {
            ex.sendResponseHeaders(404, -1);
          }
          ex.close();
        });
    web.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    web.start();
    grid = TestGrid.start(config(tmp.resolve("grid"), TestPostgres.newDatabase()));
    grid.startNode(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
    if (web != null) {
      web.stop(0);
    }
  }

  static String web(String path) {
    return "http://127.0.0.1:" + web.getAddress().getPort() + path;
  }

  static JsonObject begin(TestGrid g, JsonObject body) throws Exception {
    HttpResponse<String> r = g.post("/v1/imports", body.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location")).isPresent();
    return new JsonObject(r.body());
  }

  static JsonObject awaitImport(TestGrid g, String id) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      JsonObject i = new JsonObject(g.get("/v1/imports/" + id).body());
      String state = i.getString("state");
      if (!state.equals("listing") && !state.equals("running")) {
        return i;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("import still " + state + ": " + i.encodePrettily());
      }
      Thread.sleep(100);
    }
  }

  static Map<String, JsonObject> items(TestGrid g, String id) throws Exception {
    Map<String, JsonObject> out = new HashMap<>();
    String after = null;
    do {
      JsonObject page =
          new JsonObject(
              g.get(
                      "/v1/imports/"
                          + id
                          + "/items?limit=2"
                          + (after == null ? "" : "&after=" + after))
                  .body());
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        out.put(item.getString("name"), item);
      }
      after = page.getString("next");
    } while (after != null);
    return out;
  }

  @Test
  void aFolderBecomesOneAssetPerModelWithItsFilesAndTheRestIsReported() throws Exception {
    JsonObject started =
        begin(
            grid,
            new JsonObject()
                .put("directory", batch.toString())
                .put("tags", new JsonArray().add("imported")));
    assertThat(started.getString("kind")).isEqualTo("directory");
    JsonObject done = awaitImport(grid, started.getString("id"));
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
    JsonObject counts = done.getJsonObject("counts");
    assertThat(counts.getLong("imported")).isEqualTo(4);
    assertThat(counts.getLong("skipped")).isEqualTo(2);
    assertThat(counts.getLong("found")).isEqualTo(6);
    Map<String, JsonObject> items = items(grid, started.getString("id"));
    assertThat(items.keySet())
        .containsExactlyInAnyOrder(
            "box/Box With Spaces.gltf",
            "spider/spider.obj",
            "textured.glb",
            "duck.zip",
            "stray.png",
            "README.txt");
    assertThat(items.get("stray.png").getString("state")).isEqualTo("skipped");
    assertThat(items.get("stray.png").getString("message")).contains("not imported on its own");
    // the .gltf took its buffer and images, the OBJ its MTL and maps: none of them is an item
    JsonObject gltf = items.get("box/Box With Spaces.gltf");
    assertThat(gltf.getJsonArray("files").stream().map(f -> ((JsonObject) f).getString("name")))
        .containsExactlyInAnyOrder(
            "box/Box With Spaces.gltf",
            "Box With Spaces.bin",
            "Roughness Metallic.png",
            "glTF Logo With Spaces.png",
            "Normal Map.png");
    JsonObject obj = items.get("spider/spider.obj");
    assertThat(obj.getJsonArray("files").stream().map(f -> ((JsonObject) f).getString("name")))
        .contains("spider.mtl", "SpiderTex.jpg");
    for (String name :
        List.of("box/Box With Spaces.gltf", "spider/spider.obj", "textured.glb", "duck.zip")) {
      JsonObject item = items.get(name);
      assertThat(item.getString("state")).as(name).isEqualTo("imported");
      JsonObject job = grid.awaitJob(item.getString("jobId"), Duration.ofSeconds(60));
      assertThat(job.getString("state")).as(name + ": " + job.encode()).isEqualTo("succeeded");
      JsonObject asset = new JsonObject(grid.get("/v1/assets/" + item.getString("assetId")).body());
      assertThat(asset.getJsonArray("tags")).containsExactly("imported");
      assertThat(asset.getString("sha256")).isEqualTo(item.getString("sha256"));
    }
    JsonObject box = new JsonObject(grid.get("/v1/assets/" + gltf.getString("assetId")).body());
    assertThat(box.encode()).contains("Box With Spaces.bin").contains("Normal Map.png");
    // its events: created, listed, at least one progress, completed with the counts
    String events =
        "SELECT count(*) AS n FROM events WHERE subject = '"
            + started.getString("id")
            + "' AND type = ";
    assertThat(count(events + "'import.created'")).isEqualTo(1);
    assertThat(count(events + "'import.listed'")).isEqualTo(1);
    assertThat(count(events + "'import.progress'")).isGreaterThanOrEqualTo(1);
    assertThat(count(events + "'import.completed'")).isEqualTo(1);
    // the link to the corpus' STL folder was not followed
    assertThat(items.keySet()).noneMatch(n -> n.startsWith("escape"));
    assertThat(
            new JsonObject(grid.get("/v1/imports/" + started.getString("id")).body())
                .getJsonObject("counts")
                .getJsonObject("jobs")
                .getLong("succeeded", 0L))
        .isEqualTo(4);

    // the same folder again: every model is a duplicate of the asset that has its bytes
    JsonObject again =
        awaitImport(
            grid, begin(grid, new JsonObject().put("directory", batch.toString())).getString("id"));
    assertThat(again.getJsonObject("counts").getLong("duplicate")).isEqualTo(4);
    assertThat(again.getJsonObject("counts").getLong("imported")).isZero();
    Map<String, JsonObject> dup = items(grid, again.getString("id"));
    assertThat(dup.get("textured.glb").getString("assetId"))
        .isEqualTo(items.get("textured.glb").getString("assetId"));
    assertThat(dup.get("textured.glb").getString("jobId")).isNull();
    // ...and with reprocess, a new job on each stored asset
    JsonObject re =
        awaitImport(
            grid,
            begin(grid, new JsonObject().put("directory", batch.toString()).put("reprocess", true))
                .getString("id"));
    Map<String, JsonObject> reItems = items(grid, re.getString("id"));
    assertThat(reItems.get("textured.glb").getString("state")).isEqualTo("duplicate");
    assertThat(reItems.get("textured.glb").getString("jobId")).isNotNull();
    assertThat(count("SELECT count(*) AS n FROM assets WHERE tags @> '{imported}'")).isEqualTo(4);
    // the list shows each import's counts too
    JsonObject listed =
        new JsonObject(grid.get("/v1/imports?limit=500").body())
            .getJsonArray("items").stream()
                .map(o -> (JsonObject) o)
                .filter(i -> i.getString("id").equals(started.getString("id")))
                .findFirst()
                .orElseThrow();
    assertThat(listed.getJsonObject("counts").getLong("imported")).isEqualTo(4);
    assertThat(listed.getJsonObject("counts").getLong("found")).isEqualTo(6);
    // the zip's asset is its model, with the other file beside it
    JsonObject duck =
        new JsonObject(grid.get("/v1/assets/" + items.get("duck.zip").getString("assetId")).body());
    assertThat(duck.getString("format")).isEqualTo("gltf");
    assertThat(duck.encode()).contains("LICENSE.md");
  }

  @Test
  void foldersOutsideTheRootsAndNonAdminsAreRefused() throws Exception {
    for (String dir :
        List.of(
            tmp.resolve("grid").toString(),
            batch + "/../..",
            root.resolve("outside").toString(),
            "/etc")) {
      HttpResponse<String> r =
          grid.post("/v1/imports", new JsonObject().put("directory", dir).encode());
      assertThat(r.statusCode()).as(dir + ": " + r.body()).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("detail")).contains("import root");
    }
    HttpResponse<String> missing =
        grid.post("/v1/imports", new JsonObject().put("directory", root + "/nope").encode());
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpResponse<String> relative =
        grid.post("/v1/imports", new JsonObject().put("directory", "batch").encode());
    assertThat(relative.statusCode()).isEqualTo(400);
    HttpResponse<String> two =
        grid.post(
            "/v1/imports",
            new JsonObject()
                .put("directory", batch.toString())
                .put("urls", new JsonArray())
                .encode());
    assertThat(two.statusCode()).isEqualTo(400);
    String writer =
        new JsonObject(grid.post("/v1/keys", "{\"role\": \"writer\"}").body()).getString("key");
    HttpResponse<String> w =
        TestGrid.checked(
            grid.http.send(
                HttpRequest.newBuilder(URI.create(grid.url("/v1/imports")))
                    .header("Authorization", "Bearer " + writer)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject().put("directory", batch.toString()).encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(w.statusCode()).isEqualTo(403);
    assertThat(w.body()).contains("admin key");
  }

  @Test
  void urlsAreFetchedWithRedirectsCapsAndTheAddressRules() throws Exception {
    HttpResponse<String> internal =
        grid.post(
            "/v1/imports",
            new JsonObject()
                .put(
                    "urls",
                    new JsonArray().add(web("/models/textured.glb")).add("http://10.1.2.3/x.glb"))
                .encode());
    assertThat(internal.statusCode()).as(internal.body()).isEqualTo(422);
    assertThat(internal.body()).contains("URL_NOT_ALLOWED").contains("/urls/1");
    JsonObject started =
        begin(
            grid,
            new JsonObject()
                .put(
                    "urls",
                    new JsonArray()
                        .add(web("/hop/2"))
                        .add(web("/hop/3"))
                        .add(web("/big.glb"))
                        .add(web("/slow.glb"))
                        .add(web("/gone.glb")))
                .put("tags", new JsonArray().add("from-urls"))
                .put("reprocess", true));
    JsonObject done = awaitImport(grid, started.getString("id"));
    Map<String, JsonObject> items = items(grid, started.getString("id"));
    assertThat(items.get("2").getString("state"))
        .as(items.toString())
        .isIn("imported", "duplicate");
    assertThat(items.get("3").getString("state")).isEqualTo("failed");
    assertThat(items.get("3").getString("message")).contains("redirects more than 3 times");
    assertThat(items.get("big.glb").getString("code")).isEqualTo("UPLOAD_TOO_LARGE");
    assertThat(items.get("gone.glb").getString("code")).isEqualTo("NOT_FOUND");
    assertThat(items.get("slow.glb").getString("code")).isEqualTo("TRANSFER_FAILED");
    assertThat(items.get("slow.glb").getString("message")).contains("time-out");
    assertThat(
            done.getJsonObject("counts").getJsonObject("failedByCode").getLong("UPLOAD_TOO_LARGE"))
        .isEqualTo(1);
    assertThat(done.getString("state")).isEqualTo("succeeded"); // some items made it
    // an import none of whose items could be imported fails, with the commonest failure's code
    JsonObject none =
        awaitImport(
            grid,
            begin(grid, new JsonObject().put("urls", new JsonArray().add(web("/gone/x.glb"))))
                .getString("id"));
    assertThat(none.getString("state")).isEqualTo("failed");
    assertThat(none.getString("errorCode")).isEqualTo("NOT_FOUND");
    assertThat(none.getString("error")).startsWith("no item could be imported");
  }

  @Test
  void aBucketPrefixIsImportedWithTheCredentialsGiven() throws Exception {
    try (TestS3 s3 = TestS3.start(Files.createDirectories(tmp.resolve("s3")))) {
      String bucket = s3.createBucket();
      byte[] fox =
          Files.readAllBytes(TestCorpus.root().resolve("gltf-sample/Fox/glTF-Binary/Fox.glb"));
      s3.client()
          .putObject(
              PutObjectRequest.builder().bucket(bucket).key("in/animals/fox.glb").build(),
              RequestBody.fromBytes(fox));
      s3.client()
          .putObject(
              PutObjectRequest.builder().bucket(bucket).key("elsewhere/fox2.glb").build(),
              RequestBody.fromBytes(fox));
      JsonObject body =
          new JsonObject()
              .put(
                  "s3",
                  new JsonObject()
                      .put("bucket", bucket)
                      .put("prefix", "in")
                      .put("endpoint", s3.endpoint().toString())
                      .put("pathStyle", true)
                      .put(
                          "credentials",
                          new JsonObject()
                              .put("accessKeyId", TestS3.ACCESS_KEY)
                              .put("secretAccessKey", TestS3.SECRET_KEY)));
      JsonObject started = begin(grid, body);
      assertThat(started.encode()).doesNotContain(TestS3.SECRET_KEY);
      JsonObject done = awaitImport(grid, started.getString("id"));
      assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("succeeded");
      Map<String, JsonObject> items = items(grid, started.getString("id"));
      assertThat(items.keySet()).containsExactly("animals/fox.glb");
      assertThat(items.get("animals/fox.glb").getString("state")).isEqualTo("imported");
      assertThat(count("SELECT count(*) AS n FROM imports WHERE secret_sealed IS NOT NULL"))
          .isZero();
      // wrong credentials: the listing fails with a sentence
      body.getJsonObject("s3").getJsonObject("credentials").put("secretAccessKey", "wrong");
      JsonObject refused = awaitImport(grid, begin(grid, body).getString("id"));
      assertThat(refused.getString("state")).isEqualTo("failed");
      assertThat(refused.getString("error")).contains("refused the credentials");
    }
  }

  @Test
  void anImportStoppedMidwayFinishesAfterTheRestartWithNothingTwice() throws Exception {
    Path dir = Files.createDirectories(root.resolve("restart"));
    byte[] base = Files.readAllBytes(batch.resolve("textured.glb"));
    for (int i = 0; i < 12; i++) {
      // distinct bytes: the same GLB with a different generator string in its JSON is too much
      // work; a trailing chunk-aligned padding of zeros changes the digest and stays valid
      byte[] b = java.util.Arrays.copyOf(base, base.length);
      b[b.length - 1] = (byte) i; // the BIN chunk's last byte: still a valid GLB
      Files.write(dir.resolve("m" + i + ".glb"), b);
    }
    String db = TestPostgres.newDatabase();
    CoordinatorConfig c =
        config(tmp.resolve("restart-grid"), db)
            .withImports(ImportOptions.defaults().withRoots(List.of(root)).withInflight(1));
    TestGrid first = TestGrid.start(c);
    String id;
    try {
      id =
          begin(first, new JsonObject().put("directory", dir.toString()).put("pipeline", "noop"))
              .getString("id");
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (count(first, "SELECT count(*) AS n FROM import_items WHERE state = 'imported'") < 2) {
        assertThat(System.nanoTime()).isLessThan(end);
        Thread.sleep(20);
      }
    } finally {
      first.close();
    }
    long before = count(db, "SELECT count(*) AS n FROM import_items WHERE state = 'imported'");
    assertThat(before).isLessThan(12);
    // and an item a coordinator that died had leased: its lease runs out
    sql(
        db,
        "UPDATE import_items SET state = 'importing', lease_owner = 'dead', lease_until = now() - interval '1 s'"
            + " WHERE n = (SELECT max(n) FROM import_items WHERE state = 'pending')");
    // the leases of the coordinator that stopped run out too (30 s; here at once)
    sql(
        db,
        "UPDATE import_items SET lease_until = now() - interval '1 s' WHERE state = 'importing'");
    TestGrid second = TestGrid.start(c);
    try {
      JsonObject done = awaitImport(second, id);
      assertThat(done.getString("state")).isEqualTo("succeeded");
      assertThat(done.getJsonObject("counts").getLong("imported")).isEqualTo(12);
      assertThat(count(second, "SELECT count(*) AS n FROM assets")).isEqualTo(12);
      assertThat(count(second, "SELECT count(DISTINCT sha256) AS n FROM assets")).isEqualTo(12);
    } finally {
      second.close();
    }
  }

  @Test
  void aCancelledImportStopsAndSaysSo() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 200; i++) {
      urls.add(web("/gone/" + i + ".glb"));
    }
    JsonObject started = begin(grid, new JsonObject().put("urls", urls));
    HttpResponse<String> c = grid.post("/v1/imports/" + started.getString("id") + "/cancel", "");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
    assertThat(new JsonObject(c.body()).getString("state")).isEqualTo("cancelled");
    Thread.sleep(1000);
    JsonObject after = new JsonObject(grid.get("/v1/imports/" + started.getString("id")).body());
    assertThat(after.getString("state")).isEqualTo("cancelled");
    assertThat(after.getJsonObject("counts").getLong("pending")).isZero();
    HttpResponse<String> events =
        grid.get("/v1/imports/" + started.getString("id") + "/items?state=bogus");
    assertThat(events.statusCode()).isEqualTo(400);
  }

  static long count(String q) throws Exception {
    return count(grid, q);
  }

  static long count(TestGrid g, String q) throws Exception {
    return g.sql(q, Tuple.tuple()).iterator().next().getLong("n");
  }

  /** A query on a database no coordinator runs on right now (plain JDBC). */
  static long count(String db, String q) throws Exception {
    try (var c = jdbc(db);
        var st = c.createStatement();
        var rs = st.executeQuery(q)) {
      rs.next();
      return rs.getLong("n");
    }
  }

  static void sql(String db, String q) throws Exception {
    try (var c = jdbc(db);
        var st = c.createStatement()) {
      st.execute(q);
    }
  }

  private static java.sql.Connection jdbc(String url) throws Exception {
    URI u = URI.create(url);
    String[] user = u.getUserInfo().split(":");
    return java.sql.DriverManager.getConnection(
        "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(), user[0], user[1]);
  }

  static Map<String, Long> byState(List<JsonObject> items) {
    return items.stream()
        .collect(Collectors.groupingBy(i -> i.getString("state"), Collectors.counting()));
  }
}
