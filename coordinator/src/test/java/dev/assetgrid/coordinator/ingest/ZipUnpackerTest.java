package dev.assetgrid.coordinator.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.blob.LocalBlobStore;
import dev.assetgrid.node.processing.gltf.TestCorpus;
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
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zip uploads through {@link UploadReceiver} (real HTTP server on port 0) and {@link ZipUnpacker}:
 * what a zip turns into, and that every refused zip leaves nothing in the store.
 */
@ExtendWith(VertxExtension.class)
class ZipUnpackerTest {
  /** Tight zip limits: 10 entries, 2 MiB inflated, ratio 200. */
  static final UploadLimits TIGHT = new UploadLimits(16L << 20, 4, 10, 2L << 20, 200);

  @TempDir static Path dir;
  static HttpServer server;
  static WebClient client;
  static Path root;

  /**
   * One server for the class, on the extension's class-wide Vert.x instance (which it closes after
   * the last test).
   */
  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    root = dir.resolve("blobs");
    LocalBlobStore store = new LocalBlobStore(vertx, root);
    UploadReceiver standard = new UploadReceiver(vertx, store, UploadLimits.DEFAULTS);
    UploadReceiver tight = new UploadReceiver(vertx, store, TIGHT);
    Router router = Router.router(vertx);
    router.post("/upload").handler(rc -> answer(rc, standard));
    router.post("/tight").handler(rc -> answer(rc, tight));
    store
        .start()
        .compose(v -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"))
        .onComplete(
            ctx.succeeding(
                s -> {
                  server = s;
                  client = WebClient.create(vertx);
                  ctx.completeNow();
                }));
  }

  private static void answer(RoutingContext ctx, UploadReceiver receiver) {
    receiver
        .receive(
            ctx.request(),
            new dev.assetgrid.coordinator.blob.BlobSpace(
                dev.assetgrid.coordinator.access.Principal.DEFAULT_TENANT,
                dev.assetgrid.coordinator.blob.BlobKind.ORIGINAL))
        .onSuccess(
            upload -> {
              JsonArray files = new JsonArray();
              upload
                  .files()
                  .forEach(
                      f ->
                          files.add(
                              new JsonObject()
                                  .put("field", f.fieldName())
                                  .put("filename", f.filename())
                                  .put("format", f.format() == null ? null : f.format().name())
                                  .put("sha256", f.blob().sha256())
                                  .put("size", f.blob().size())
                                  .put("contentType", f.contentType())));
              ctx.json(
                  new JsonObject().put("primary", upload.primary().filename()).put("files", files));
            })
        .onFailure(
            t -> {
              ErrorCode code = AssetGridException.codeOf(t);
              ctx.response()
                  .setStatusCode(code.httpStatus())
                  .putHeader("content-type", "application/problem+json")
                  .end(
                      new JsonObject()
                          .put("code", code.name())
                          .put("detail", t.getMessage())
                          .encode());
            });
  }

  @AfterEach
  void nothingIsLeftInStaging() throws Exception {
    try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void corpusGltfWithBinAndTexturesUnpacksIntoModelAndSideFiles(VertxTestContext ctx)
      throws Exception {
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

    ok(
            ctx,
            client
                .post(port(), "127.0.0.1", "/upload?filename=box.zip")
                .sendBuffer(Buffer.buffer(zip)))
        .onComplete(
            ctx.succeeding(
                body ->
                    ctx.verify(
                        () -> {
                          assertThat(body.getString("primary")).isEqualTo("Box With Spaces.gltf");
                          Map<String, JsonObject> byName = new LinkedHashMap<>();
                          body.getJsonArray("files")
                              .forEach(
                                  o ->
                                      byName.put(
                                          ((JsonObject) o).getString("filename"), (JsonObject) o));
                          assertThat(byName.keySet())
                              .containsExactly(
                                  "Box With Spaces.gltf",
                                  "Box With Spaces.bin",
                                  "Normal Map.png",
                                  "Roughness Metallic.png",
                                  "glTF Logo With Spaces.png",
                                  "Box With Spaces/metadata.json");
                          assertThat(byName.get("Box With Spaces.gltf").getString("format"))
                              .isEqualTo("GLTF");
                          assertThat(byName.get("Box With Spaces.gltf").getString("contentType"))
                              .isEqualTo("model/gltf+json");
                          assertThat(byName.get("Normal Map.png").getString("format")).isNull();
                          assertThat(byName.get("Normal Map.png").getString("contentType"))
                              .isEqualTo("image/png");
                          assertThat(
                                  byName.get("Box With Spaces/metadata.json").getString("format"))
                              .isNull();
                          for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                            String base = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
                            if (base.startsWith(".")) {
                              assertThat(stored(sha256(e.getValue())))
                                  .as("junk is not stored")
                                  .doesNotExist();
                              continue;
                            }
                            JsonObject f =
                                byName.values().stream()
                                    .filter(x -> x.getString("filename").endsWith(base))
                                    .findFirst()
                                    .orElseThrow();
                            assertThat(f.getString("sha256")).isEqualTo(sha256(e.getValue()));
                            assertThat(stored(f.getString("sha256")))
                                .hasBinaryContent(e.getValue());
                          }
                          assertThat(stored(sha256(zip)))
                              .as("the zip itself is not kept")
                              .doesNotExist();
                          ctx.completeNow();
                        })));
  }

  @Test
  void objWithMtlAndTextureInAMultipartZip(VertxTestContext ctx) throws Exception {
    byte[] zip =
        zip(
            Map.of(
                "m/model.obj",
                Samples.OBJ,
                "m/model.mtl",
                Samples.MTL,
                "m/tex/wood.png",
                Samples.PNG));
    MultipartForm form =
        MultipartForm.create()
            .binaryFileUpload("file", "upload.zip", Buffer.buffer(zip), "application/zip");
    ok(ctx, client.post(port(), "127.0.0.1", "/upload").sendMultipartForm(form))
        .onComplete(
            ctx.succeeding(
                body ->
                    ctx.verify(
                        () -> {
                          assertThat(body.getString("primary")).isEqualTo("model.obj");
                          assertThat(
                                  body.getJsonArray("files").stream()
                                      .map(o -> ((JsonObject) o).getString("filename")))
                              .containsExactlyInAnyOrder("model.obj", "model.mtl", "tex/wood.png");
                          assertThat(body.getJsonArray("files").getJsonObject(0).getString("field"))
                              .isEqualTo("file");
                          ctx.completeNow();
                        })));
  }

  @Test
  void gltfIsPreferredOverOtherModelsInTheSameZip(VertxTestContext ctx) throws Exception {
    byte[] zip =
        zip(
            Map.of(
                "a.gltf",
                Samples.text(Samples.GLTF_JSON),
                "a.obj",
                Samples.OBJ,
                "a.stl",
                Samples.STL_ASCII));
    ok(ctx, client.post(port(), "127.0.0.1", "/upload").sendBuffer(Buffer.buffer(zip)))
        .onComplete(
            ctx.succeeding(
                body ->
                    ctx.verify(
                        () -> {
                          assertThat(body.getString("primary")).isEqualTo("a.gltf");
                          assertThat(
                                  body.getJsonArray("files").stream()
                                      .filter(o -> ((JsonObject) o).getString("format") != null)
                                      .count())
                              .isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void twoModelsOfTheSameRankAreAmbiguous(VertxTestContext ctx) {
    Map<String, byte[]> e = Map.of("a.obj", Samples.OBJ, "b/b.ply", Samples.PLY);
    assertRefused(ctx, "/upload", e, 400, ErrorCode.INVALID_REQUEST)
        .compose(
            v ->
                assertRefused(
                    ctx,
                    "/upload",
                    Map.of("a.glb", Samples.glb(), "b.gltf", Samples.text(Samples.GLTF_JSON)),
                    400,
                    ErrorCode.INVALID_REQUEST))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void zipWithoutModelIsUnsupported(VertxTestContext ctx) {
    assertRefused(
            ctx,
            "/upload",
            Map.of(
                "readme.txt",
                Samples.text("hello"),
                "t.png",
                Samples.PNG,
                "package.json",
                Samples.text("{\"name\":\"x\"}")),
            415,
            ErrorCode.UNSUPPORTED_FORMAT)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void zipSlipNamesAreRefused(VertxTestContext ctx) {
    Future<Void> refusals = Future.succeededFuture();
    for (String evil :
        new String[] {
          "../evil.png", "a/../../evil.png", "/etc/evil.png", "C:\\evil.png", "a\\..\\..\\x"
        }) {
      // one after the other: each refusal checks that staging is empty when it is answered
      refusals =
          refusals.compose(
              v ->
                  assertRefused(
                      ctx,
                      "/upload",
                      Map.of("model.obj", Samples.OBJ, evil, Samples.PNG),
                      400,
                      ErrorCode.INVALID_REQUEST));
    }
    refusals.onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void highRatioEntryIsAZipBomb(VertxTestContext ctx) {
    byte[] zeros = new byte[8 << 20]; // inflates ~1000:1
    assertRefused(
            ctx,
            "/upload",
            Map.of("model.obj", Samples.OBJ, "padding.bin", zeros),
            422,
            ErrorCode.INPUT_LIMIT_EXCEEDED)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void tooManyEntriesAndTooManyInflatedBytesAreRefused(VertxTestContext ctx) {
    Map<String, byte[]> many = new LinkedHashMap<>();
    many.put("model.obj", Samples.OBJ);
    for (int i = 0; i < 10; i++) {
      many.put("side" + i + ".txt", Samples.text("side " + i));
    }
    byte[] noise = new byte[1536 << 10]; // incompressible: 2 × 1.5 MiB > 2 MiB
    new Random(1).nextBytes(noise);
    byte[] noise2 = noise.clone();
    noise2[0] ^= 1;

    assertRefused(ctx, "/tight", many, 422, ErrorCode.INPUT_LIMIT_EXCEEDED)
        .compose(
            v ->
                assertRefused(
                    ctx,
                    "/tight",
                    Map.of("model.obj", Samples.OBJ, "a.bin", noise, "b.bin", noise2),
                    422,
                    ErrorCode.INPUT_LIMIT_EXCEEDED))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unreadableZipIsAnInvalidRequest(VertxTestContext ctx) {
    byte[] bad = Samples.zip();
    client
        .post(port(), "127.0.0.1", "/upload")
        .sendBuffer(Buffer.buffer(bad))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
                          assertThat(r.bodyAsJsonObject().getString("code"))
                              .isEqualTo("INVALID_REQUEST");
                          ctx.completeNow();
                        })));
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

  /**
   * Sends a zip of {@code given} plus a unique marker entry and checks the refusal: status, code,
   * and that nothing of the zip (the zip itself, any entry not stored before) is in the store or
   * staging.
   */
  private Future<Void> assertRefused(
      VertxTestContext ctx, String path, Map<String, byte[]> given, int status, ErrorCode code) {
    Map<String, byte[]> entries = new LinkedHashMap<>(given);
    entries.put(
        "zz-marker.txt", Samples.text("unique " + System.nanoTime())); // never stored before
    byte[] zip = zip(entries);
    List<String> fresh = new ArrayList<>(); // contents not stored by an earlier test
    for (byte[] content : entries.values()) {
      if (!Files.exists(stored(sha256(content)))) {
        fresh.add(sha256(content));
      }
    }
    return client
        .post(port(), "127.0.0.1", path)
        .sendBuffer(Buffer.buffer(zip))
        .compose(
            r ->
                verified(
                    ctx,
                    () -> {
                      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
                      assertThat(r.bodyAsJsonObject().getString("code"))
                          .as(r.bodyAsString())
                          .isEqualTo(code.name());
                      assertThat(stored(sha256(zip))).doesNotExist();
                      assertThat(fresh).as("refusals below must be able to fail").isNotEmpty();
                      for (String sha : fresh) {
                        assertThat(stored(sha))
                            .as("nothing of a refused zip is stored")
                            .doesNotExist();
                      }
                      try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
                        assertThat(s.count()).isZero();
                      }
                    }));
  }

  static byte[] zip(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The response's JSON body, once checked to be a 200. */
  private static Future<JsonObject> ok(VertxTestContext ctx, Future<HttpResponse<Buffer>> request) {
    return request.compose(
        r ->
            verified(ctx, () -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200))
                .map(v -> r.bodyAsJsonObject()));
  }

  /** Runs {@code assertions} in {@code ctx.verify}; the chain goes on only if they held. */
  private static Future<Void> verified(
      VertxTestContext ctx, VertxTestContext.ExecutionBlock assertions) {
    ctx.verify(assertions);
    return ctx.failed() ? Future.failedFuture(ctx.causeOfFailure()) : Future.succeededFuture();
  }

  private static int port() {
    return server.actualPort();
  }

  private static Path stored(String sha) {
    return root.resolve(
        new dev.assetgrid.coordinator.blob.BlobKey(
                dev.assetgrid.coordinator.access.Principal.DEFAULT_TENANT,
                dev.assetgrid.coordinator.blob.BlobKind.ORIGINAL,
                sha)
            .path());
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
