package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.node.processing.gltf.TestCorpus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zip uploads through {@link UploadReceiver} (real HTTP server on port 0) and {@link ZipUnpacker}:
 * what a zip turns into, and that every refused zip leaves nothing in the store.
 */
class ZipUnpackerTest {
  /** Tight zip limits: 10 entries, 2 MiB inflated, ratio 200. */
  static final UploadLimits TIGHT = new UploadLimits(16L << 20, 4, 10, 2L << 20, 200);

  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer server;
  static WebClient client;
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    root = dir.resolve("blobs");
    LocalBlobStore store = new LocalBlobStore(vertx, root);
    await(store.start());
    UploadReceiver standard = new UploadReceiver(vertx, store, UploadLimits.DEFAULTS);
    UploadReceiver tight = new UploadReceiver(vertx, store, TIGHT);
    Router router = Router.router(vertx);
    router.post("/upload").handler(ctx -> answer(ctx, standard));
    router.post("/tight").handler(ctx -> answer(ctx, tight));
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  private static void answer(RoutingContext ctx, UploadReceiver receiver) {
    receiver.receive(ctx.request()).onSuccess(upload -> {
      JsonArray files = new JsonArray();
      upload.files().forEach(f -> files.add(new JsonObject().put("field", f.fieldName()).put("filename", f.filename())
          .put("format", f.format() == null ? null : f.format().name()).put("sha256", f.blob().sha256())
          .put("size", f.blob().size()).put("contentType", f.contentType())));
      ctx.json(new JsonObject().put("primary", upload.primary().filename()).put("files", files));
    }).onFailure(t -> {
      ErrorCode code = AssetGridException.codeOf(t);
      ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/problem+json")
          .end(new JsonObject().put("code", code.name()).put("detail", t.getMessage()).encode());
    });
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void nothingIsLeftInStaging() throws Exception {
    try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void corpusGltfWithBinAndTexturesUnpacksIntoModelAndSideFiles() throws Exception {
    Path src = TestCorpus.path("gltf-sample/Box With Spaces/glTF");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(src)) {
      for (Path p : s.sorted().toList()) {
        entries.put("Box With Spaces/glTF/" + p.getFileName(), Files.readAllBytes(p));
      }
    }
    entries.put("Box With Spaces/metadata.json", Samples.text("{\"title\":\"not a model\"}"));
    entries.put("__MACOSX/Box With Spaces/glTF/._Box With Spaces.gltf", new byte[] {0, 5, 22, 7});
    entries.put("Box With Spaces/glTF/.DS_Store", new byte[] {0, 0, 0, 1});
    byte[] zip = zip(entries);

    JsonObject body = ok(client.post(port(), "127.0.0.1", "/upload?filename=box.zip").sendBuffer(Buffer.buffer(zip)));

    assertThat(body.getString("primary")).isEqualTo("Box With Spaces.gltf");
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    body.getJsonArray("files").forEach(o -> byName.put(((JsonObject) o).getString("filename"), (JsonObject) o));
    assertThat(byName.keySet()).containsExactly("Box With Spaces.gltf", "Box With Spaces.bin", "Normal Map.png",
        "Roughness Metallic.png", "glTF Logo With Spaces.png", "Box With Spaces/metadata.json");
    assertThat(byName.get("Box With Spaces.gltf").getString("format")).isEqualTo("GLTF");
    assertThat(byName.get("Box With Spaces.gltf").getString("contentType")).isEqualTo("model/gltf+json");
    assertThat(byName.get("Normal Map.png").getString("format")).isNull();
    assertThat(byName.get("Normal Map.png").getString("contentType")).isEqualTo("image/png");
    assertThat(byName.get("Box With Spaces/metadata.json").getString("format")).isNull();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String base = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
      if (base.startsWith(".")) {
        assertThat(stored(sha256(e.getValue()))).as("junk is not stored").doesNotExist();
        continue;
      }
      JsonObject f = byName.values().stream().filter(x -> x.getString("filename").endsWith(base)).findFirst().orElseThrow();
      assertThat(f.getString("sha256")).isEqualTo(sha256(e.getValue()));
      assertThat(stored(f.getString("sha256"))).hasBinaryContent(e.getValue());
    }
    assertThat(stored(sha256(zip))).as("the zip itself is not kept").doesNotExist();
  }

  @Test
  void objWithMtlAndTextureInAMultipartZip() throws Exception {
    byte[] zip = zip(Map.of("m/model.obj", Samples.OBJ, "m/model.mtl", Samples.MTL, "m/tex/wood.png", Samples.PNG));
    MultipartForm form = MultipartForm.create().binaryFileUpload("file", "upload.zip", Buffer.buffer(zip),
        "application/zip");
    JsonObject body = ok(client.post(port(), "127.0.0.1", "/upload").sendMultipartForm(form));
    assertThat(body.getString("primary")).isEqualTo("model.obj");
    assertThat(body.getJsonArray("files").stream().map(o -> ((JsonObject) o).getString("filename")))
        .containsExactlyInAnyOrder("model.obj", "model.mtl", "tex/wood.png");
    assertThat(body.getJsonArray("files").getJsonObject(0).getString("field")).isEqualTo("file");
  }

  @Test
  void gltfIsPreferredOverOtherModelsInTheSameZip() throws Exception {
    byte[] zip = zip(Map.of("a.gltf", Samples.text(Samples.GLTF_JSON), "a.obj", Samples.OBJ, "a.stl", Samples.STL_ASCII));
    JsonObject body = ok(client.post(port(), "127.0.0.1", "/upload").sendBuffer(Buffer.buffer(zip)));
    assertThat(body.getString("primary")).isEqualTo("a.gltf");
    assertThat(body.getJsonArray("files").stream().filter(o -> ((JsonObject) o).getString("format") != null).count())
        .isEqualTo(1);
  }

  @Test
  void twoModelsOfTheSameRankAreAmbiguous() throws Exception {
    Map<String, byte[]> e = Map.of("a.obj", Samples.OBJ, "b/b.ply", Samples.PLY);
    assertRefused("/upload", e, 400, ErrorCode.INVALID_REQUEST);
    assertRefused("/upload", Map.of("a.glb", Samples.glb(), "b.gltf", Samples.text(Samples.GLTF_JSON)), 400,
        ErrorCode.INVALID_REQUEST);
  }

  @Test
  void zipWithoutModelIsUnsupported() throws Exception {
    assertRefused("/upload", Map.of("readme.txt", Samples.text("hello"), "t.png", Samples.PNG,
        "package.json", Samples.text("{\"name\":\"x\"}")), 415, ErrorCode.UNSUPPORTED_FORMAT);
  }

  @Test
  void zipSlipNamesAreRefused() throws Exception {
    for (String evil : new String[] {"../evil.png", "a/../../evil.png", "/etc/evil.png", "C:\\evil.png", "a\\..\\..\\x"}) {
      assertRefused("/upload", Map.of("model.obj", Samples.OBJ, evil, Samples.PNG), 400, ErrorCode.INVALID_REQUEST);
    }
  }

  @Test
  void highRatioEntryIsAZipBomb() throws Exception {
    byte[] zeros = new byte[8 << 20]; // inflates ~1000:1
    assertRefused("/upload", Map.of("model.obj", Samples.OBJ, "padding.bin", zeros), 422,
        ErrorCode.INPUT_LIMIT_EXCEEDED);
  }

  @Test
  void tooManyEntriesAndTooManyInflatedBytesAreRefused() throws Exception {
    Map<String, byte[]> many = new LinkedHashMap<>();
    many.put("model.obj", Samples.OBJ);
    for (int i = 0; i < 10; i++) {
      many.put("side" + i + ".txt", Samples.text("side " + i));
    }
    assertRefused("/tight", many, 422, ErrorCode.INPUT_LIMIT_EXCEEDED);

    byte[] noise = new byte[1536 << 10]; // incompressible: 2 × 1.5 MiB > 2 MiB
    new Random(1).nextBytes(noise);
    byte[] noise2 = noise.clone();
    noise2[0] ^= 1;
    assertRefused("/tight", Map.of("model.obj", Samples.OBJ, "a.bin", noise, "b.bin", noise2), 422,
        ErrorCode.INPUT_LIMIT_EXCEEDED);
  }

  @Test
  void unreadableZipIsAnInvalidRequest() throws Exception {
    byte[] bad = Samples.zip();
    HttpResponse<Buffer> r = await(client.post(port(), "127.0.0.1", "/upload").sendBuffer(Buffer.buffer(bad)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_REQUEST");
  }

  @Test
  void safeNameNormalizesAndRefuses() {
    assertThat(ZipUnpacker.safeName("a\\b/./c.png")).isEqualTo("a/b/c.png");
    assertThat(ZipUnpacker.safeName("dir/")).isEqualTo("dir");
    assertThat(ZipUnpacker.safeName("./")).isNull();
    for (String bad : new String[] {"../x", "/x", "c:/x", "a/../../x", "a\0b"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZipUnpacker.safeName(bad))
          .isInstanceOf(AssetGridException.class);
    }
  }

  // --- helpers ---

  private void assertRefused(String path, Map<String, byte[]> given, int status, ErrorCode code) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(given);
    entries.put("zz-marker.txt", Samples.text("unique " + System.nanoTime())); // never stored before
    byte[] zip = zip(entries);
    java.util.List<String> fresh = new java.util.ArrayList<>(); // contents not stored by an earlier test
    for (byte[] content : entries.values()) {
      if (!Files.exists(stored(sha256(content)))) {
        fresh.add(sha256(content));
      }
    }
    HttpResponse<Buffer> r = await(client.post(port(), "127.0.0.1", path).sendBuffer(Buffer.buffer(zip)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("code")).as(r.bodyAsString()).isEqualTo(code.name());
    assertThat(stored(sha256(zip))).doesNotExist();
    assertThat(fresh).as("refusals below must be able to fail").isNotEmpty();
    for (String sha : fresh) {
      assertThat(stored(sha)).as("nothing of a refused zip is stored").doesNotExist();
    }
    try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
      assertThat(s.count()).isZero();
    }
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static JsonObject ok(Future<HttpResponse<Buffer>> request) throws Exception {
    HttpResponse<Buffer> r = await(request);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static int port() {
    return server.actualPort();
  }

  private static Path stored(String sha) {
    return root.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
