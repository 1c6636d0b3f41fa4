package dev.assetgrid.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.coordinator.events.JobEvents;
import dev.assetgrid.coordinator.schedule.RetryPolicy;
import dev.assetgrid.coordinator.schedule.Scheduler;
import dev.assetgrid.coordinator.store.QueueStore;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.LeaseRequest;
import dev.assetgrid.shared.protocol.LeasedTask;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob URLs a lease hands to a node reach one task's objects with that lease's token only, and
 * stop working once the task ended: nobody can replay a node's URL afterwards.
 */
@Timeout(120)
class BlobUrlScopeTest {
  @TempDir static Path dataDir;
  static TestGrid grid;
  static Scheduler scheduler;

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(dataDir);
    scheduler =
        new Scheduler(
            new QueueStore(grid.coordinator.pool(), JobEvents.publisher(grid.coordinator.vertx())),
            new Scheduler.Settings(
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400))),
            new Scheduler.Urls() {
              @Override
              public String input(UUID taskId, dev.assetgrid.coordinator.blob.BlobKey key) {
                String sha256 = key.sha256();
                return grid.url("/internal/tasks/" + taskId + "/inputs/" + sha256);
              }

              @Override
              public String outputs(UUID taskId) {
                return grid.url("/internal/tasks/" + taskId + "/outputs");
              }
            },
            () -> {});
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static int get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null) {
      b.header("X-Lease-Token", token);
    }
    return grid.http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static int put(String url, String token) throws Exception {
    return grid.http
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("X-Lease-Token", token)
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static int presign(String url, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + "/presign?sha256=" + "ab".repeat(32) + "&size=10"))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("X-Lease-Token", token);
    }
    return grid.http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aLeasesUrlsServeItsOwnBlobsWithItsTokenUntilTheTaskEnds() throws Exception {
    String mine = grid.submit(writeTemp(TinyGlb.triangle("mine")), "pipeline=noop");
    JsonObject other =
        new JsonObject(
            grid.uploadBytes(TinyGlb.triangle("someone-else"), "o.glb", "pipeline=noop").body());
    String otherSha = other.getJsonObject("asset").getString("sha256");
    List<LeasedTask> leased =
        TestGrid.await(scheduler.lease(new LeaseRequest("test-node", 1, List.of("noop"), 0)));
    assertThat(leased).hasSize(1);
    LeasedTask t = leased.get(0);
    String in = t.inputs().get(0).url();
    String out = t.outputUploadUrl() + "/noop.json";
    assertThat(get(in, t.leaseToken())).isEqualTo(200);
    // no token, another token, another object: refused
    assertThat(get(in, null)).isEqualTo(401);
    assertThat(get(in, "not-the-token")).isEqualTo(409);
    String otherUrl = in.substring(0, in.lastIndexOf('/') + 1) + otherSha;
    assertThat(get(otherUrl, t.leaseToken())).isEqualTo(409);
    assertThat(put(out, t.leaseToken())).isEqualTo(201);
    // asking for a store URL: the token first; the local store takes outputs at PUT only
    assertThat(presign(out, null)).isEqualTo(401);
    assertThat(presign(out, "not-the-token")).isEqualTo(409);
    assertThat(presign(out, t.leaseToken())).isEqualTo(400);
    // the task ends: the same URLs with the same token are refused from now on
    TestGrid.await(scheduler.complete(CompleteRequest.succeeded(t, List.of(), new JsonObject())));
    assertThat(get(in, t.leaseToken())).isEqualTo(409);
    assertThat(put(out, t.leaseToken())).isEqualTo(409);
    assertThat(presign(out, t.leaseToken())).isEqualTo(409);
    assertThat(mine).isNotNull();
  }

  static Path writeTemp(byte[] b) throws Exception {
    Path p = java.nio.file.Files.createTempFile(dataDir, "m", ".glb");
    java.nio.file.Files.write(p, b);
    return p;
  }
}
