package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code events} against a real coordinator: {@code --after 0-0} replays the events of an earlier
 * {@code submit} (JSON lines with their cursors, or one line each), and a server that goes away
 * ends it with exit 3 and the cursor to resume from, after its reconnects failed.
 */
class EventsCommandTest {
  @TempDir static Path home;
  static TestGrid grid;
  static Cli cli;
  static String assetId;
  static String jobId;

  @BeforeAll
  static void submitOne() throws Exception {
    grid = ClientGrid.get();
    cli = Cli.of(home, grid.coordinator.baseUrl(), grid.adminKey());
    Cli.Run r =
        cli.run(
            "submit", TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb").toString(), "--wait");
    assertThat(r.exit()).as(r.toString()).isZero();
    Matcher m = SubmitCommandTest.LINE.matcher(r.out());
    assertThat(m.find()).as(r.toString()).isTrue();
    assetId = m.group(2);
    jobId = m.group(3);
  }

  @Test
  void jsonLinesReplayAnEarlierSubmit() throws Exception {
    Cli.Running events = cli.start("events", "--output", "json", "--after", "0-0");
    boolean seen =
        events.awaitOut(
            out -> out.contains("\"job.succeeded\"") && out.contains(jobId),
            Duration.ofSeconds(20));
    Cli.Run r = events.stop();
    assertThat(seen).as(r.toString()).isTrue();
    assertThat(r.exit()).as(r.toString()).isZero();

    List<JsonNode> lines = r.out().lines().map(Json::parseOrNull).toList();
    assertThat(lines).as(r.toString()).doesNotContainNull();
    List<String> ofTheJob =
        lines.stream()
            .filter(e -> jobId.equals(Json.text(e.get("data"), "jobId")))
            .map(e -> Json.text(e, "type"))
            .toList();
    assertThat(ofTheJob).containsSubsequence("job.created", "job.started", "job.succeeded");
    assertThat(
            lines.stream()
                .filter(e -> assetId.equals(Json.text(e, "subject")))
                .map(e -> Json.text(e, "type")))
        .contains("asset.created", "asset.ready");
    for (JsonNode e : lines) {
      assertThat(Json.text(e, "id")).startsWith("evt_");
      assertThat(Json.text(e, "cursor")).matches("\\d+-\\d+");
      assertThat(e.get("timestamp")).isNotNull();
    }
  }

  @Test
  void linesSayTimeTypeSubjectAndASummary() throws Exception {
    Cli.Running events =
        cli.start("events", "--types", "job.succeeded,asset.ready", "--after", "0-0");
    boolean seen =
        events.awaitOut(
            out -> out.contains(jobId + "  asset ") && out.contains(assetId + "  Fox"),
            Duration.ofSeconds(20));
    Cli.Run r = events.stop();
    assertThat(seen).as(r.toString()).isTrue();
    assertThat(r.out())
        .containsPattern(
            "(?m)^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z  job\\.succeeded     "
                + jobId
                + "  asset "
                + assetId
                + "$")
        .containsPattern(
            "(?m)^\\S+Z  asset\\.ready       " + assetId + "  Fox\\.glb  ready \\(was \\w+\\)$");
    assertThat(r.out()).doesNotContain("job.created").doesNotContain("asset.created");
  }

  @Test
  void aServerThatGoesAwayEndsItWithExitThree() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy()) {
      proxy.target(grid.coordinator.httpPort());
      Cli.Running events =
          Cli.of(home, "http://127.0.0.1:" + proxy.port(), grid.adminKey())
              .start("events", "--types", "job.*", "--after", "0-0");
      assertThat(events.awaitOut(out -> out.contains(jobId), Duration.ofSeconds(20))).isTrue();
      proxy.goDown();
      Cli.Run r = events.await(Duration.ofSeconds(30));

      assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCode.UNAVAILABLE);
      assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
      assertThat(r.err())
          .contains("the event stream of http://127.0.0.1:" + proxy.port() + " broke off")
          .containsPattern("resume with --after \\d+-\\d+")
          .doesNotContain("Exception");
      assertThat(proxy.requests("/v1/events")).hasSizeGreaterThan(0);
    }
  }
}
