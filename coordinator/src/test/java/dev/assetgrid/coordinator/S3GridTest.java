package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.blob.S3FaultInjector;
import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.coordinator.http.Transfers;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A grid on S3 (s3proxy in this JVM, behind a fault injector): the coordinator only sees the
 * upload; nodes fetch inputs and put outputs with presigned URLs; the bucket reads per tenant and
 * kind; downloads redirect to the store; a store that is down or lies is caught.
 */
@Timeout(300)
class S3GridTest {
  private static final Pattern KEY =
      Pattern.compile(
          "[0-9a-f-]{36}/(originals|derivatives|thumbnails)/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}");

  @TempDir static Path dir;
  static TestS3 s3;
  static Vertx vertx;
  static S3FaultInjector faults;
  static TestGrid grid;
  static final HttpClient plain = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    TestCorpus.root();
    s3 = TestS3.start(Files.createDirectories(dir.resolve("s3")));
    vertx = Vertx.vertx();
    faults = TestGrid.await(S3FaultInjector.start(vertx, s3.endpoint()));
    // the coordinator finds its credentials through the SDK's default chain
    System.setProperty("aws.accessKeyId", TestS3.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", TestS3.SECRET_KEY);
    CoordinatorConfig config =
        TestGrid.config(Files.createDirectories(dir.resolve("data")), TestPostgres.newDatabase());
    grid =
        TestGrid.start(
            config.withStorage(
                StorageOptions.defaults()
                    .withS3(s3.options(faults.endpoint()).withPrefix("grid"))));
    grid.startNode(1);
    grid.startNode(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
    if (faults != null) {
      TestGrid.await(faults.close());
    }
    if (vertx != null) {
      TestGrid.await(vertx.close());
    }
    if (s3 != null) {
      s3.close();
    }
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @AfterEach
  void clearFaults() {
    faults.clear();
  }

  private static boolean presigned(io.vertx.core.http.HttpServerRequest r) {
    return r.uri().contains("X-Amz-Signature=");
  }

  @Test
  void texturedModelRunsTheFullPipelineWithTaskBytesNeverPassingTheCoordinator() throws Exception {
    Path model =
        TestCorpus.root()
            .resolve(
                "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb");
    Transfers t = grid.coordinator.transfers();
    long uploadsBefore = t.bytesIn(Transfers.Route.UPLOADS);
    faults.forgetSeen();

    String jobId = grid.submit(model, "pipeline=validate,optimize-mesh,compress-texture,thumbnail");
    JsonObject job = grid.awaitJob(jobId, Duration.ofMinutes(3));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");

    // the coordinator saw the upload and nothing of the tasks' bytes
    long uploaded = t.bytesIn(Transfers.Route.UPLOADS) - uploadsBefore;
    assertThat(uploaded).isBetween(Files.size(model), Files.size(model) + 4096);
    JsonObject transfer = new JsonObject(grid.get("/v1/stats").body()).getJsonObject("transfer");
    assertThat(transfer.getJsonObject("taskInputs").getLong("requests")).isZero();
    assertThat(transfer.getJsonObject("taskOutputs").getLong("requests")).isZero();
    assertThat(t.bytesOut(Transfers.Route.TASK_INPUTS) + t.bytesIn(Transfers.Route.TASK_OUTPUTS))
        .isZero();
    // ...the nodes moved them with presigned URLs
    List<S3FaultInjector.Seen> direct =
        faults.seen().stream().filter(s -> s.uri().contains("X-Amz-Signature=")).toList();
    assertThat(direct).extracting(S3FaultInjector.Seen::method).contains("GET", "PUT");
    assertThat(direct)
        .filteredOn(s -> s.method().equals("GET"))
        .allSatisfy(s -> assertThat(s.headers().contains("X-Lease-Token")).isFalse());

    // the bucket reads per tenant and kind, content-addressed
    List<String> keys =
        s3
            .client()
            .listObjectsV2Paginator(r -> r.bucket(s3.bucket()).prefix("grid/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .map(k -> k.substring("grid/".length()))
            .toList();
    assertThat(keys).allSatisfy(k -> assertThat(k).matches(KEY));
    assertThat(keys)
        .anyMatch(k -> k.contains("/originals/"))
        .anyMatch(k -> k.contains("/derivatives/"))
        .anyMatch(k -> k.contains("/thumbnails/"));
    String originalSha = sha256(Files.readAllBytes(model));
    assertThat(keys)
        .anyMatch(
            k ->
                k.endsWith(
                    "/originals/"
                        + originalSha.substring(0, 2)
                        + "/"
                        + originalSha.substring(2, 4)
                        + "/"
                        + originalSha));

    // downloads: 307 to the store, which serves the same bytes (and ranges)
    String assetId = job.getString("assetId");
    JsonArray files =
        new JsonObject(grid.get("/v1/assets/" + assetId).body()).getJsonArray("files");
    assertThat(files).isNotEmpty();
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      String name = f.getString("name");
      HttpResponse<byte[]> redirect =
          grid.http.send(
              grid.request("/v1/assets/" + assetId + "/files/" + name).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(redirect.statusCode()).as(name).isEqualTo(307);
      String etag = redirect.headers().firstValue("ETag").orElseThrow();
      URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      assertThat(location.getPort()).isEqualTo(faults.endpoint().getPort());
      HttpResponse<byte[]> body =
          plain.send(
              HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(body.statusCode()).as(name).isEqualTo(200);
      assertThat("\"" + sha256(body.body()) + "\"").as(name).isEqualTo(etag);
      assertThat(body.body()).hasSize(f.getInteger("size"));
      if (body.body().length > 10) {
        HttpResponse<byte[]> part =
            plain.send(
                HttpRequest.newBuilder(location).header("Range", "bytes=2-9").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(body.body(), 2, 10));
      }
      HttpResponse<Void> same =
          grid.http.send(
              grid.request("/v1/assets/" + assetId + "/files/" + name)
                  .header("If-None-Match", etag)
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(same.statusCode()).isEqualTo(304);
    }
    assertThat(t.toJson().getLong("fileRedirects")).isGreaterThanOrEqualTo(files.size());
  }

  @Test
  void aStoreThatIsDownGivesUploads503WithRetryAfterAndTasksRetry() throws Exception {
    long assetsBefore = countAssets();
    faults.failAll(503);
    HttpResponse<String> refused =
        grid.uploadBytes(TinyGlb.triangle("down-" + System.nanoTime()), "t.glb", "pipeline=noop");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("STORAGE_UNAVAILABLE");
    assertThat(refused.body()).doesNotContain("Exception").doesNotContain("software.amazon");
    faults.clear();
    assertThat(countAssets()).as("nothing recorded half").isEqualTo(assetsBefore);

    // the nodes' first presigned fetch fails; the task is retried and succeeds
    AtomicInteger left = new AtomicInteger(1);
    faults.failWhen(
        r -> presigned(r) && r.method().name().equals("GET") && left.getAndDecrement() > 0, 503);
    HttpResponse<String> ok =
        grid.uploadBytes(
            TinyGlb.triangle("retry-" + System.nanoTime()), "t.glb", "pipeline=validate");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    JsonObject job =
        grid.awaitJob(
            new JsonObject(ok.body()).getJsonObject("job").getString("id"), Duration.ofMinutes(1));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(faults.injected()).isGreaterThanOrEqualTo(1);
    assertThat(job.encode()).contains("TRANSFER_FAILED");
  }

  @Test
  void outputsTheStoreDidNotKeepAreCaughtAtCompletion() throws Exception {
    // a store that answers 200 to the nodes' PUTs and keeps nothing
    faults.dropWhen(r -> presigned(r) && r.method().name().equals("PUT"));
    HttpResponse<String> r =
        grid.uploadBytes(
            TinyGlb.triangle("lost-" + System.nanoTime()), "t.glb", "pipeline=optimize-mesh");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String jobId = new JsonObject(r.body()).getJsonObject("job").getString("id");
    JsonObject failed = grid.awaitJob(jobId, Duration.ofMinutes(1));
    assertThat(failed.getString("state")).as(failed.encodePrettily()).isEqualTo("failed");
    assertThat(failed.encode()).contains("TRANSFER_FAILED").contains("is not in the blob store");

    faults.clear();
    HttpResponse<String> retry = grid.post("/v1/jobs/" + jobId + "/retry", "{}");
    assertThat(retry.statusCode()).as(retry.body()).isBetween(200, 202);
    JsonObject done =
        grid.awaitJobWhere(
            jobId, j -> j.getString("state").equals("succeeded"), Duration.ofMinutes(1));
    assertThat(done.getString("state")).isEqualTo("succeeded");
  }

  @Test
  void theScrubFindsAnObjectChangedInTheBucketBehindTheGridsBack() throws Exception {
    byte[] glb = TinyGlb.triangle("scrub-" + System.nanoTime());
    HttpResponse<String> r = grid.uploadBytes(glb, "s.glb", "pipeline=noop");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject asset = new JsonObject(r.body()).getJsonObject("asset");
    String sha = asset.getString("sha256");
    String key =
        s3
            .client()
            .listObjectsV2Paginator(l -> l.bucket(s3.bucket()).prefix("grid/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .filter(
                k ->
                    k.endsWith(
                        "/originals/"
                            + sha.substring(0, 2)
                            + "/"
                            + sha.substring(2, 4)
                            + "/"
                            + sha))
            .findFirst()
            .orElseThrow();
    byte[] other = glb.clone();
    other[other.length - 1] ^= 1;
    s3.client()
        .putObject(
            p -> p.bucket(s3.bucket()).key(key),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(other));

    HttpResponse<String> scrub = grid.post("/v1/admin/scrub", "");
    assertThat(scrub.statusCode()).as(scrub.body()).isEqualTo(200);
    assertThat(new JsonObject(scrub.body()).getInteger("corrupt")).isGreaterThanOrEqualTo(1);
    JsonObject after = new JsonObject(grid.get("/v1/assets/" + asset.getString("id")).body());
    assertThat(after.getString("status")).isEqualTo("corrupt");
  }

  private long countAssets() throws Exception {
    return TestGrid.sql(
            grid.coordinator.pool(),
            "SELECT count(*) FROM assets",
            io.vertx.sqlclient.Tuple.tuple())
        .iterator()
        .next()
        .getLong(0);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
