package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.http.Transfers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big file goes through the resumable upload API; the network breaks in its second part (a proxy
 * between client and coordinator cuts the connection and stays down): {@code submit} exits 3 with
 * one sentence saying how to go on, and keeps a 0600 note of the upload. The same {@code submit}
 * once the network is back sends only the parts the server does not hold, and the asset's sha256 is
 * the file's.
 */
class ResumeUploadTest {
  static final long PART = 8L << 20; // the server's smallest part size

  @TempDir static Path dir;
  static CuttingProxy proxy;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    proxy = new CuttingProxy();
    // the part URLs the coordinator hands out lead through the proxy too
    grid =
        TestGrid.start(
            TestGrid.config(dir.resolve("grid"), TestPostgres.newDatabase())
                .withPublicUrl("http://127.0.0.1:" + proxy.port()));
    proxy.target(grid.coordinator.httpPort());
    grid.startNode(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aBrokenUploadResumesWithTheMissingPartsOnly() throws Exception {
    byte[] bytes = TestModels.bigBuffer((int) (2 * PART + (3 << 20)), 7); // 3 parts: 8, 8, ~3 MiB
    Path file = Files.write(dir.resolve("big.glb"), bytes);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    Path state = dir.resolve("state");
    Cli cli =
        Cli.of(dir, "http://127.0.0.1:" + proxy.port(), grid.adminKey())
            .env("XDG_STATE_HOME", state.toString());

    proxy.cutAfter(PART + (PART / 2)); // part 1 whole, part 2 half-way
    Cli.Run broken = cli.run("submit", file.toString(), "--multipart-threshold", "1MiB", "--wait");

    assertThat(broken.exit()).as(broken.toString()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(broken.err().strip().lines()).as(broken.toString()).hasSize(1);
    assertThat(broken.err())
        .contains("broke off")
        .contains("8.0 MiB of 19.0 MiB of the upload are on the server")
        .contains("submit the same file again")
        .doesNotContain("Exception")
        .doesNotContain("java.");
    Path note = state.resolve("assetgrid/uploads/" + sha + "-" + bytes.length + ".json");
    assertThat(note).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(note)))
        .isEqualTo("rw-------");
    String uploadId = Json.parseOrNull(Files.readString(note)).get("uploadId").asText();
    JsonNode status = Json.parseOrNull(grid.get("/v1/uploads/" + uploadId).body());
    assertThat(status.get("state").asText()).isEqualTo("open");
    assertThat(numbers(status.get("received"))).containsExactly(1);

    // the broken part's request is counted once the coordinator has seen it end: part 1 and it
    awaitUploadRequests(2);
    proxy.heal();
    long proxiedBefore = proxy.upstreamBytes();
    long receivedBefore = grid.coordinator.transfers().bytesIn(Transfers.Route.UPLOADS);
    Cli.Run resumed = cli.run("submit", file.toString(), "--multipart-threshold", "1MiB", "--wait");

    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertThat(resumed.out())
        .containsPattern("big.glb  asset [0-9a-f-]{36}  job [0-9a-f-]{36}  succeeded");
    long rest = bytes.length - PART;
    long sent = proxy.upstreamBytes() - proxiedBefore;
    assertThat(sent).as("only parts 2 and 3 went again").isBetween(rest, rest + (64 << 10));
    long received = awaitUploadBytes(receivedBefore, rest);
    assertThat(received)
        .as("the coordinator received parts 2 and 3 only")
        .isBetween(rest, rest + (64 << 10));
    JsonNode done = Json.parseOrNull(grid.get("/v1/uploads/" + uploadId).body());
    assertThat(done.get("state").asText()).isEqualTo("completed");
    JsonNode asset =
        Json.parseOrNull(grid.get("/v1/assets/" + done.get("assetId").asText()).body());
    assertThat(asset.get("sha256").asText()).isEqualTo(sha);
    assertThat(asset.get("size").asLong()).isEqualTo(bytes.length);
    assertThat(note).as("the note is dropped once the upload completed").doesNotExist();
    try (Stream<Path> left = Files.list(note.getParent())) {
      assertThat(left.toList()).isEmpty();
    }
  }

  private static void awaitUploadRequests(long n) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (uploadRequests() < n && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(uploadRequests()).isEqualTo(n);
  }

  private static long uploadRequests() {
    return grid.coordinator.transfers().toJson().getJsonObject("uploads").getLong("requests");
  }

  /**
   * Upload bytes counted since {@code before} (counted as each request ends), at least {@code
   * want}.
   */
  private static long awaitUploadBytes(long before, long want) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    long got = grid.coordinator.transfers().bytesIn(Transfers.Route.UPLOADS) - before;
    while (got < want && System.nanoTime() < end) {
      Thread.sleep(20);
      got = grid.coordinator.transfers().bytesIn(Transfers.Route.UPLOADS) - before;
    }
    return got;
  }

  private static List<Integer> numbers(JsonNode parts) {
    List<Integer> out = new java.util.ArrayList<>();
    parts.forEach(p -> out.add(p.get("number").asInt()));
    return out;
  }
}
