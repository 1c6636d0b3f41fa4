package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.coordinator.http.Transfers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct, resumable uploads ({@code /v1/uploads}) on both stores, with the same client code: the
 * part URLs (the coordinator's for the local store, presigned S3 UploadPart URLs for S3) take a
 * plain PUT with no credentials; a broken upload resumes from {@code GET}; complete checks parts,
 * size, sha256 and format and creates the asset and job; bad input gets 409, 410, 413, 422.
 */
@Timeout(300)
class DirectUploadTest {
  static final HttpClient plain =
      HttpClient.newHttpClient(); // the JDK default (HTTP/2, by h2c upgrade on http://)
  @TempDir static Path root;

  /** A valid GLB of about {@code binBytes} (a JSON chunk and a BIN chunk of random bytes). */
  static byte[] glb(int binBytes, long seed) {
    byte[] json =
        ("{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":" + binBytes + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    int jsonLen = (json.length + 3) / 4 * 4;
    int binLen = (binBytes + 3) / 4 * 4;
    ByteBuffer b =
        ByteBuffer.allocate(12 + 8 + jsonLen + 8 + binLen).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(b.capacity());
    b.putInt(jsonLen).putInt(0x4E4F534A).put(json);
    for (int i = json.length; i < jsonLen; i++) {
      b.put((byte) ' ');
    }
    b.putInt(binLen).putInt(0x004E4942);
    byte[] bin = new byte[binLen];
    new Random(seed).nextBytes(bin);
    b.put(bin);
    return b.array();
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** The shared cases, run against one grid. */
  abstract static class Cases {
    TestGrid grid;

    JsonObject begin(byte[] bytes, String sha) throws Exception {
      JsonObject body =
          new JsonObject()
              .put("name", "big.glb")
              .put("size", bytes.length)
              .put("pipeline", "noop")
              .put("tags", new JsonArray().add("direct"));
      if (sha != null) {
        body.put("sha256", sha);
      }
      HttpResponse<String> r = grid.post("/v1/uploads", body.encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      return new JsonObject(r.body());
    }

    /** PUT of one part, as any HTTP client does it: no Authorization header. */
    static int putPart(JsonObject part, byte[] bytes, long partSize) throws Exception {
      int n = part.getInteger("number");
      int from = (int) ((n - 1) * partSize);
      byte[] slice = Arrays.copyOfRange(bytes, from, from + part.getInteger("size"));
      return plain
          .send(
              HttpRequest.newBuilder(URI.create(part.getString("url")))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(slice))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }

    HttpResponse<String> complete(String id) throws Exception {
      return grid.post("/v1/uploads/" + id + "/complete", "");
    }

    @Test
    void aBrokenUploadResumesAndCompletesIntoAnAssetAndJob() throws Exception {
      byte[] bytes = glb(9 << 20, 1);
      String sha = sha256(bytes);
      long before = grid.coordinator.transfers().bytesIn(Transfers.Route.UPLOADS);
      JsonObject up = begin(bytes, sha);
      String id = up.getString("id");
      long partSize = up.getLong("partSize");
      assertThat(partSize).isEqualTo(8L << 20);
      assertThat(up.getInteger("partCount")).isEqualTo(2);
      JsonArray missing = up.getJsonArray("missing");
      assertThat(missing).hasSize(2);
      // part 1 arrives, then the connection "breaks"
      assertThat(putPart(missing.getJsonObject(0), bytes, partSize)).isEqualTo(200);
      HttpResponse<String> early = complete(id);
      assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
      assertThat(new JsonObject(early.body()).getString("code")).isEqualTo("UPLOAD_PART_MISSING");
      assertThat(early.body()).contains("part 2 of 2");
      // the client resumes: what is there, what is missing (with a URL)
      JsonObject status = new JsonObject(grid.get("/v1/uploads/" + id).body());
      assertThat(status.getString("state")).isEqualTo("open");
      assertThat(status.getJsonArray("received")).hasSize(1);
      assertThat(status.getJsonArray("received").getJsonObject(0).getLong("size"))
          .isEqualTo(partSize);
      JsonArray rest = status.getJsonArray("missing");
      assertThat(rest).hasSize(1);
      assertThat(rest.getJsonObject(0).getInteger("number")).isEqualTo(2);
      // a forged URL (its token or signature changed) is refused
      JsonObject forged = rest.getJsonObject(0).copy();
      forged.put("url", forged.getString("url") + "0");
      int refused;
      try {
        refused = putPart(forged, bytes, partSize);
      } catch (java.io.IOException closed) {
        refused = -1; // s3proxy drops the connection of a bad signature with a body unread
      }
      assertThat(refused).isIn(401, 403, -1);
      assertThat(putPart(rest.getJsonObject(0), bytes, partSize)).isEqualTo(200);

      HttpResponse<String> done = complete(id);
      assertThat(done.statusCode()).as(done.body()).isEqualTo(202);
      JsonObject created = new JsonObject(done.body());
      JsonObject asset = created.getJsonObject("asset");
      assertThat(asset.getString("sha256")).isEqualTo(sha);
      assertThat(asset.getLong("size")).isEqualTo(bytes.length);
      assertThat(asset.getJsonArray("tags")).containsExactly("direct");
      String jobId = created.getJsonObject("job").getString("id");
      assertThat(grid.awaitJob(jobId, java.time.Duration.ofMinutes(1)).getString("state"))
          .isEqualTo("succeeded");
      // the same bytes come back
      HttpResponse<byte[]> file =
          grid.http.send(
              grid.request("/v1/assets/" + asset.getString("id") + "/files/original").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      byte[] got = file.statusCode() == 307 ? follow(file) : file.body();
      assertThat(sha256(got)).isEqualTo(sha);
      // complete again (its answer was lost): the same asset, no second one
      HttpResponse<String> again = complete(id);
      assertThat(again.statusCode()).isEqualTo(202);
      assertThat(new JsonObject(again.body()).getJsonObject("asset").getString("id"))
          .isEqualTo(asset.getString("id"));
      JsonObject end = new JsonObject(grid.get("/v1/uploads/" + id).body());
      assertThat(end.getString("state")).isEqualTo("completed");
      assertThat(end.getString("assetId")).isEqualTo(asset.getString("id"));
      assertThat(end.getString("jobId")).isEqualTo(jobId);
      assertThat(partsLeft(id)).as("parts dropped once published").isZero();
      checkBytesThroughCoordinator(
          grid.coordinator.transfers().bytesIn(Transfers.Route.UPLOADS) - before, bytes.length);
    }

    byte[] follow(HttpResponse<byte[]> redirect) throws Exception {
      return plain
          .send(
              HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("Location").get()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray())
          .body();
    }

    /** What passed through the coordinator's upload routes for one upload of {@code size}. */
    abstract void checkBytesThroughCoordinator(long bytes, long size);

    /** Parts (or multipart uploads) of upload {@code id} still in the store. */
    abstract long partsLeft(String id) throws Exception;

    @Test
    void aChecksumMismatchIs422AndTheBytesAreDeleted() throws Exception {
      byte[] bytes = glb(1000, 2);
      JsonObject up = begin(bytes, "ab".repeat(32));
      String id = up.getString("id");
      assertThat(
              putPart(up.getJsonArray("missing").getJsonObject(0), bytes, up.getLong("partSize")))
          .isEqualTo(200);
      HttpResponse<String> r = complete(id);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      JsonObject problem = new JsonObject(r.body());
      assertThat(problem.getString("code")).isEqualTo("CHECKSUM_MISMATCH");
      assertThat(problem.getString("detail", problem.getString("message", r.body())))
          .contains(sha256(bytes));
      assertThat(partsLeft(id)).isZero();
      assertThat(new JsonObject(grid.get("/v1/uploads/" + id).body()).getString("state"))
          .isEqualTo("aborted");
      assertThat(complete(id).statusCode()).isEqualTo(410);
    }

    @Test
    void aPartOfTheWrongSizeKeepsTheUploadOpen() throws Exception {
      byte[] bytes = glb(1000, 3);
      JsonObject up = begin(bytes, null);
      String id = up.getString("id");
      JsonObject part = up.getJsonArray("missing").getJsonObject(0);
      // half of it
      assertThat(
              plain
                  .send(
                      HttpRequest.newBuilder(URI.create(part.getString("url")))
                          .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(bytes, 500)))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> r = complete(id);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body()).contains("part 1 is 500 bytes");
      JsonObject status = new JsonObject(grid.get("/v1/uploads/" + id).body());
      assertThat(status.getString("state")).isEqualTo("open");
      assertThat(status.getJsonObject("lastError").getString("code"))
          .isEqualTo("CHECKSUM_MISMATCH");
      // sent again whole: it completes
      assertThat(putPart(part, bytes, up.getLong("partSize"))).isEqualTo(200);
      assertThat(complete(id).statusCode()).isEqualTo(202);
    }

    @Test
    void notAModelIs415AndLosesNothingElse() throws Exception {
      byte[] bytes = "just some text, not a model".getBytes(StandardCharsets.UTF_8);
      JsonObject up = begin(bytes, null);
      assertThat(
              putPart(up.getJsonArray("missing").getJsonObject(0), bytes, up.getLong("partSize")))
          .isEqualTo(200);
      HttpResponse<String> r = complete(up.getString("id"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
      assertThat(partsLeft(up.getString("id"))).isZero();
    }

    @Test
    void expiredAndAbortedUploadsAre410AndTheSweeperDropsTheirParts() throws Exception {
      byte[] bytes = glb(1000, 4);
      JsonObject up = begin(bytes, null);
      String id = up.getString("id");
      assertThat(
              putPart(up.getJsonArray("missing").getJsonObject(0), bytes, up.getLong("partSize")))
          .isEqualTo(200);
      TestGrid.sql(
          grid.coordinator.pool(),
          "UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1",
          Tuple.of(java.util.UUID.fromString(id)));
      HttpResponse<String> late = complete(id);
      assertThat(late.statusCode()).as(late.body()).isEqualTo(410);
      assertThat(new JsonObject(late.body()).getString("code")).isEqualTo("UPLOAD_EXPIRED");
      assertThat(new JsonObject(grid.get("/v1/uploads/" + id).body()).getString("state"))
          .isEqualTo("expired");
      assertThat(TestGrid.await(grid.coordinator.sweepUploadsNow())).isGreaterThanOrEqualTo(1);
      assertThat(partsLeft(id)).isZero();

      JsonObject other = begin(bytes, null);
      HttpResponse<String> del =
          TestGrid.checked(
              grid.http.send(
                  grid.request("/v1/uploads/" + other.getString("id")).DELETE().build(),
                  HttpResponse.BodyHandlers.ofString()));
      assertThat(del.statusCode()).as(del.body()).isEqualTo(204);
      assertThat(complete(other.getString("id")).statusCode()).isEqualTo(410);
      if (refusesPartsOfAbortedUploads()) {
        assertThat(
                putPart(
                    other.getJsonArray("missing").getJsonObject(0),
                    bytes,
                    other.getLong("partSize")))
            .isEqualTo(410);
      }
    }

    /**
     * Whether a part PUT after an abort is refused by the store itself (the coordinator's part URLs
     * are; s3proxy's filesystem backend takes the part, where AWS answers 404 NoSuchUpload).
     */
    boolean refusesPartsOfAbortedUploads() {
      return true;
    }

    @Test
    void badRequestsAreRefusedBeforeAnyByte() throws Exception {
      HttpResponse<String> tooBig =
          grid.post(
              "/v1/uploads",
              new JsonObject().put("name", "huge.glb").put("size", 1L << 40).encode());
      assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(413);
      assertThat(new JsonObject(tooBig.body()).getString("code")).isEqualTo("UPLOAD_TOO_LARGE");
      HttpResponse<String> noSize =
          grid.post("/v1/uploads", new JsonObject().put("name", "a.glb").encode());
      assertThat(noSize.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(noSize.body()).getString("pointer")).isEqualTo("/size");
      HttpResponse<String> badPipeline =
          grid.post(
              "/v1/uploads",
              new JsonObject()
                  .put("name", "a.glb")
                  .put("size", 10)
                  .put("pipeline", "fly")
                  .encode());
      assertThat(badPipeline.statusCode()).isEqualTo(400);
      assertThat(grid.get("/v1/uploads/" + java.util.UUID.randomUUID()).statusCode())
          .isEqualTo(404);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnTheLocalStore extends Cases {
    Path dir;

    @BeforeAll
    void start() throws Exception {
      dir = Files.createTempDirectory(root, "local");
      grid = TestGrid.start(dir);
      grid.startNode(1);
    }

    @AfterAll
    void stop() {
      if (grid != null) {
        grid.close();
      }
    }

    @Override
    void checkBytesThroughCoordinator(long bytes, long size) {
      // the coordinator received the parts at its own part URLs
      assertThat(bytes).isGreaterThanOrEqualTo(size);
    }

    @Override
    long partsLeft(String id) throws Exception {
      Path folder = dir.resolve("uploads").resolve(id);
      if (!Files.isDirectory(folder)) {
        return 0;
      }
      try (var files = Files.list(folder)) {
        return files.count() + 1;
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnS3 extends Cases {
    Path dir;
    TestS3 s3;

    @BeforeAll
    void start() throws Exception {
      dir = Files.createTempDirectory(root, "s3");
      s3 = TestS3.start(Files.createDirectories(dir.resolve("s3")));
      System.setProperty("aws.accessKeyId", TestS3.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", TestS3.SECRET_KEY);
      grid =
          TestGrid.start(
              TestGrid.config(
                      Files.createDirectories(dir.resolve("data")), TestPostgres.newDatabase())
                  .withStorage(StorageOptions.defaults().withS3(s3.options())));
      grid.startNode(1);
    }

    @AfterAll
    void stop() throws Exception {
      if (grid != null) {
        grid.close();
      }
      if (s3 != null) {
        s3.close();
      }
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }

    @Override
    void checkBytesThroughCoordinator(long bytes, long size) {
      // the parts went to the store; the coordinator only read the object once to check it
      assertThat(bytes).isZero();
    }

    @Override
    boolean refusesPartsOfAbortedUploads() {
      return false;
    }

    @Override
    long partsLeft(String id) throws Exception {
      return s3.pendingUploads("") + s3.objectCount("") - originals();
    }

    private long originals() {
      return s3.client().listObjectsV2Paginator(r -> r.bucket(s3.bucket())).contents().stream()
          .filter(o -> !o.key().contains("/uploads/"))
          .count();
    }
  }
}
