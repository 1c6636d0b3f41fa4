package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing and admin commands against a real coordinator: {@code --output json} gives the
 * server's items, tables name them; keys are made, listed, used and revoked; {@code get} writes the
 * exact bytes; errors are one sentence with the server's code and the documented exit code.
 */
class ListingCommandsTest {
  @TempDir static Path home;
  static TestGrid grid;
  static Cli cli;
  static String tag;
  static List<String> assets = new ArrayList<>();
  static List<String> jobs = new ArrayList<>();
  static Path fox;
  static String foxAsset;

  @BeforeAll
  static void submitTwo() throws Exception {
    grid = ClientGrid.get();
    cli = Cli.of(home, grid.coordinator.baseUrl(), grid.adminKey());
    tag = "list-" + UUID.randomUUID().toString().substring(0, 8);
    fox = TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb");
    Path box =
        TestCorpus.path(
            "gltf-sample/BoxTexturedNonPowerOfTwo/glTF-Binary/BoxTexturedNonPowerOfTwo.glb");
    Cli.Run r = cli.run("submit", fox.toString(), box.toString(), "--tags", tag, "--wait");
    assertThat(r.exit()).as(r.toString()).isZero();
    Matcher m = SubmitCommandTest.LINE.matcher(r.out());
    while (m.find()) {
      assets.add(m.group(2));
      jobs.add(m.group(3));
      if (m.group(1).endsWith("Fox.glb")) {
        foxAsset = m.group(2);
      }
    }
    assertThat(assets).hasSize(2);
  }

  static JsonNode json(Cli.Run r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode j = Json.parseOrNull(r.out());
    assertThat(j).as(r.toString()).isNotNull();
    return j;
  }

  static List<String> ids(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(i.get("id").asText()));
    return out;
  }

  @Test
  void assetsAndJobsAsJsonAreTheServersItems() throws Exception {
    JsonNode listed = json(cli.run("assets", "--tag", tag, "--output", "json"));
    JsonNode server = Json.parseOrNull(grid.get("/v1/assets?tag=" + tag).body()).get("items");
    assertThat(listed).isEqualTo(server);
    assertThat(ids(listed)).containsExactlyInAnyOrderElementsOf(assets);

    JsonNode ready =
        json(
            cli.run(
                "assets", "--tag", tag, "--status", "ready", "--limit", "1", "--output", "json"));
    assertThat(ready).hasSize(1);

    JsonNode ofFox = json(cli.run("jobs", "--asset", assets.get(0), "--output", "json"));
    assertThat(ids(ofFox)).containsExactly(jobs.get(0));
    assertThat(ofFox.get(0).get("state").asText()).isEqualTo("succeeded");

    JsonNode succeeded =
        json(cli.run("jobs", "--state", "succeeded", "--limit", "500", "--output", "json"));
    assertThat(ids(succeeded)).containsAll(jobs);

    JsonNode job = json(cli.run("job", jobs.get(1), "--output", "json"));
    assertThat(job).isEqualTo(Json.parseOrNull(grid.get("/v1/jobs/" + jobs.get(1)).body()));
    JsonNode asset = json(cli.run("asset", assets.get(1), "--output", "json"));
    assertThat(asset.get("id").asText()).isEqualTo(assets.get(1));

    JsonNode nodes = json(cli.run("nodes", "--output", "json"));
    assertThat(nodes).hasSize(1);
    assertThat(nodes.get(0).get("slots").asInt()).isEqualTo(2);
    assertThat(nodes.get(0).has("busy")).isTrue(); // how many tasks, never whose (every tenant's)
    assertThat(nodes.get(0).has("running")).isFalse();
    Cli.Run table = cli.run("nodes");
    assertThat(table.exit()).as(table.toString()).isZero();
    assertThat(table.out()).contains("RUNNING");
  }

  @Test
  void tablesAreAlignedAndNameTheItems() {
    Cli.Run r = cli.run("assets", "--tag", tag);
    assertThat(r.exit()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ID").contains("NAME").contains("STATUS");
    assertThat(lines).hasSize(3);
    int nameColumn = lines.get(0).indexOf("NAME");
    assertThat(lines.subList(1, 3))
        .allSatisfy(l -> assertThat(l.substring(nameColumn)).matches("^(Fox|BoxTextured).*"));
    assertThat(r.out()).contains(assets.get(0)).contains(tag);

    Cli.Run job = cli.run("job", jobs.get(0));
    assertThat(job.out())
        .contains("state:")
        .contains("succeeded")
        .contains("TASK")
        .contains("inspect");
  }

  @Test
  void getWritesTheExactBytes(@TempDir Path out) throws Exception {
    Path target = out.resolve("fox-copy.glb");
    Cli.Run r = cli.run("get", foxAsset, "original", "-o", target.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(fox));
    assertThat(r.out()).contains("wrote " + target);

    Cli.Run missing =
        cli.run("get", assets.get(0), "no-such-file.bin", "-o", out.resolve("x").toString());
    assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("NOT_FOUND").contains("no-such-file.bin");
    assertThat(out.resolve("x")).doesNotExist();
  }

  @Test
  void keysAreMadeListedUsedAndRevoked() {
    JsonNode made =
        json(
            cli.run(
                "keys",
                "create",
                "--role",
                "reader",
                "--name",
                "cli-test",
                "--ttl",
                "1d",
                "--output",
                "json"));
    String id = made.get("id").asText();
    String key = made.get("key").asText();
    assertThat(key).startsWith("ag_" + id + "_");
    assertThat(made.get("expiresAt").isNull()).isFalse();

    JsonNode listed = json(cli.run("keys", "list", "--output", "json"));
    JsonNode mine = null;
    for (JsonNode k : listed) {
      if (k.get("id").asText().equals(id)) {
        mine = k;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("name").asText()).isEqualTo("cli-test");
    assertThat(mine.get("state").asText()).isEqualTo("active");
    assertThat(mine.has("key")).as("no secret in a listing").isFalse();

    Cli reader = Cli.of(home, grid.coordinator.baseUrl(), key);
    assertThat(reader.run("assets", "--tag", tag).exit()).isZero();
    Cli.Run denied = reader.run("keys", "list");
    assertThat(denied.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(denied.err()).contains("FORBIDDEN");

    Cli.Run revoked = cli.run("keys", "revoke", id);
    assertThat(revoked.exit()).as(revoked.toString()).isZero();
    assertThat(revoked.out()).contains("key " + id + " is revoked");
    Cli.Run after = reader.run("assets");
    assertThat(after.exit()).isEqualTo(ExitCode.USAGE);
    assertOneSentence(after.err());
    assertThat(after.err()).contains("UNAUTHORIZED").contains("--key");
  }

  @Test
  void cancelAndRetryTellTheServersAnswer(@TempDir Path dir) throws Exception {
    Path broken = Files.write(dir.resolve("broken.glb"), TestModels.accessorPastItsBuffer());
    Cli.Run failed = cli.run("submit", broken.toString(), "--wait");
    assertThat(failed.exit()).isEqualTo(ExitCode.FAILED);
    Matcher m = SubmitCommandTest.LINE.matcher(failed.out());
    assertThat(m.find()).isTrue();
    String job = m.group(3);

    Cli.Run cancel = cli.run("cancel", job);
    assertThat(cancel.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(cancel.err()).contains("CONFLICT").contains("is already failed");

    Cli.Run retry = cli.run("retry", job);
    assertThat(retry.exit()).as(retry.toString()).isZero();
    assertThat(retry.out()).startsWith("job " + job + " is ");
    assertThat(grid.awaitJob(job, Duration.ofSeconds(30)).getString("state")).isEqualTo("failed");
  }

  @Test
  void errorsAreOneSentenceWithoutJava() {
    String unknown = UUID.randomUUID().toString();
    Cli.Run r = cli.run("job", unknown);
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
    assertOneSentence(r.err());
    assertThat(r.err()).isEqualTo("assetgrid: Not found: job " + unknown + " (NOT_FOUND).\n");

    Cli.Run bad = Cli.of(home, grid.coordinator.baseUrl(), "ag_0000000000000000_nope").run("jobs");
    assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
    assertOneSentence(bad.err());
    assertThat(bad.err()).contains("UNAUTHORIZED");

    Cli.Run down = Cli.of(home, "http://127.0.0.1:1", grid.adminKey()).run("jobs");
    assertThat(down.exit()).isEqualTo(ExitCode.UNAVAILABLE);
    assertOneSentence(down.err());
    assertThat(down.err()).contains("cannot connect to http://127.0.0.1:1");

    Cli.Run usage = cli.run("jobs", "--limit", "many");
    assertThat(usage.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(usage.err()).doesNotContain("Exception");

    Cli.Run debug = cli.run("job", unknown, "--debug");
    assertThat(debug.err()).contains("ServerProblem").contains("at dev.assetgrid");
  }

  static void assertOneSentence(String err) {
    assertThat(err.strip().lines()).as(err).hasSize(1);
    assertThat(err).doesNotContain("Exception").doesNotContain("java.").doesNotContain("\tat ");
  }
}
