package dev.assetgrid.client.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.ClientGrid;
import dev.assetgrid.client.config.ClientConfig;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@link JobFollower} against a real grid: a job that ended before the follower opened its stream
 * (so the stream never tells of it) is reported by the first check of {@link JobFollower#awaitAll},
 * well before the periodic one.
 */
class JobFollowerTest {
  @Test
  void aJobThatEndedBeforeTheStreamOpenedIsReportedAtOnce() throws Exception {
    TestGrid grid = ClientGrid.get();
    JsonNode created =
        Json.parseOrNull(
            grid.upload(TestCorpus.path("gltf-sample/Fox/glTF-Binary/Fox.glb"), null).body());
    String jobId = created.get("job").get("id").asText();
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!state(grid, jobId).equals("succeeded") && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(state(grid, jobId)).isEqualTo("succeeded");

    Map<String, JsonNode> finished = new ConcurrentHashMap<>();
    Map<String, Double> progress = new ConcurrentHashMap<>();
    Api api =
        new Api(new ClientConfig(URI.create(grid.coordinator.baseUrl()), grid.adminKey(), null));
    try (JobFollower f =
        JobFollower.open(
            api,
            new JobFollower.Listener() {
              @Override
              public void progress(String id, double p) {
                progress.put(id, p);
              }

              @Override
              public void finished(String id, JsonNode job) {
                finished.put(id, job);
              }
            })) {
      f.add(jobId);
      assertTimeoutPreemptively(JobFollower.SAFETY_CHECK.dividedBy(2), f::awaitAll);
    }

    assertThat(finished).containsOnlyKeys(jobId);
    assertThat(finished.get(jobId).get("state").asText()).isEqualTo("succeeded");
    assertThat(progress).containsEntry(jobId, 1.0);
  }

  private static String state(TestGrid grid, String jobId) throws Exception {
    return Json.parseOrNull(grid.get("/v1/jobs/" + jobId).body()).get("state").asText();
  }
}
