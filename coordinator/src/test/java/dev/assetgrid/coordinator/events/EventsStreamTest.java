package dev.assetgrid.coordinator.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.OpenApiContract;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TinyGlb;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/events}: a tenant's events live over SSE, filtered by type, resumable with {@code
 * Last-Event-ID} without a gap or a repeat; nothing for a change that rolled back, nothing of
 * another tenant.
 */
@Timeout(180)
class EventsStreamTest {
  @TempDir static Path root;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(root);
    grid.startNode(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (grid != null) {
      grid.close();
    }
  }

  /** One SSE event as read off the wire. */
  record Sse(String id, String type, JsonObject data) {}

  /** Reads a stream on a thread of its own; {@link #close} cuts the connection. */
  static final class Reader implements AutoCloseable {
    final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();

    /** What openapi.yaml's {@code Event} schema found wrong in the events read. */
    final List<String> invalid = new java.util.concurrent.CopyOnWriteArrayList<>();

    final HttpResponse<Stream<String>> resp;
    private final Thread thread;

    Reader(String query, String lastEventId, String key) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(java.net.URI.create(grid.url("/v1/events" + query)))
              .header("Authorization", "Bearer " + key);
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      resp = grid.http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      thread =
          new Thread(
              () -> {
                String id = null;
                String type = null;
                try {
                  for (String line : (Iterable<String>) resp.body()::iterator) {
                    if (line.startsWith("id: ")) {
                      id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                      type = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                      invalid.addAll(
                          OpenApiContract.get()
                              .eventProblems("/components/schemas/Event", line.substring(6)));
                      events.add(new Sse(id, type, new JsonObject(line.substring(6))));
                    }
                  }
                } catch (RuntimeException e) {
                  // the connection was cut
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    /** The events until one of each of {@code types} arrived. */
    List<Sse> until(String... types) throws Exception {
      List<Sse> out = new ArrayList<>();
      java.util.Set<String> missing = new java.util.HashSet<>(List.of(types));
      while (!missing.isEmpty()) {
        Sse e = events.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("an event before " + missing).isNotNull();
        out.add(e);
        missing.remove(e.type());
      }
      assertThat(invalid).as("events that do not match openapi.yaml's Event").isEmpty();
      return out;
    }

    @Override
    public void close() {
      resp.body().close();
      thread.interrupt();
    }
  }

  static String upload(String name) throws Exception {
    HttpResponse<String> r = grid.uploadBytes(TinyGlb.triangle(), name, "pipeline=validate");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getJsonObject("job").getString("id");
  }

  @Test
  void liveEventsThenAResumeFromLastEventIdWithoutGapOrRepeat() throws Exception {
    List<Sse> first;
    String jobA;
    try (Reader live = new Reader("", null, grid.adminKey())) {
      assertThat(live.resp.statusCode()).isEqualTo(200);
      assertThat(live.resp.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      jobA = upload("a.glb");
      first = live.until("job.succeeded", "asset.ready");
    }
    assertThat(first.stream().map(Sse::type))
        .contains("asset.created", "job.created", "job.started", "job.progress", "asset.ready")
        .doesNotContain("task.leased", "task.succeeded");
    assertThat(
            first.stream()
                .filter(e -> e.type().equals("job.succeeded"))
                .map(e -> e.data().getJsonObject("data").getString("jobId")))
        .containsExactly(jobA);
    assertThat(first).allMatch(e -> e.data().getString("type").equals(e.type()));
    // while nobody listens, another job runs; a reconnect with the last id gets exactly its events
    String last = first.get(first.size() - 1).id();
    String jobB = upload("b.glb");
    grid.awaitJob(jobB, Duration.ofSeconds(60));
    try (Reader again = new Reader("", last, grid.adminKey())) {
      List<Sse> second = again.until("job.succeeded", "asset.ready");
      assertThat(second.get(0).type()).isEqualTo("asset.created");
      assertThat(second)
          .allMatch(e -> !e.data().getJsonObject("data").getString("jobId", jobB).equals(jobA));
      assertThat(
              second.stream()
                  .filter(e -> e.type().equals("job.succeeded"))
                  .map(e -> e.data().getJsonObject("data").getString("jobId")))
          .containsExactly(jobB);
      List<String> ids = new ArrayList<>(first.stream().map(Sse::id).toList());
      ids.addAll(second.stream().map(Sse::id).toList());
      assertThat(ids).doesNotHaveDuplicates();
    }
    // after=0-0 replays everything kept, in order, with the type filter applied
    try (Reader all = new Reader("?types=job.succeeded&after=0-0", null, grid.adminKey())) {
      List<Sse> a = all.until("job.succeeded");
      List<Sse> b = all.until("job.succeeded");
      assertThat(a).hasSize(1);
      assertThat(b).hasSize(1);
      assertThat(a.get(0).data().getJsonObject("data").getString("jobId")).isEqualTo(jobA);
      assertThat(b.get(0).data().getJsonObject("data").getString("jobId")).isEqualTo(jobB);
    }
  }

  @Test
  void aRolledBackChangeWritesNoEventAndAnotherTenantSeesNothing() throws Exception {
    long before = count("asset.%");
    // a change that rolls back: the trigger's event goes with it
    assertThat(
            grid.coordinator
                .pool()
                .withTransaction(
                    c ->
                        c.preparedQuery("UPDATE assets SET tags = '{rolled-back}'")
                            .execute()
                            .compose(
                                rs ->
                                    io.vertx.core.Future.failedFuture(
                                        new IllegalStateException("roll back"))))
                .toCompletionStage()
                .toCompletableFuture()
                .handle((v, e) -> e != null)
                .get())
        .isTrue();
    assertThat(count("asset.%")).isEqualTo(before);
    HttpResponse<String> k =
        grid.post("/v1/keys", "{\"role\": \"reader\", \"tenant\": \"events-other\"}");
    assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
    String other = new JsonObject(k.body()).getString("key");
    try (Reader theirs = new Reader("?after=0-0", null, other)) {
      upload("mine.glb");
      Sse e = theirs.events.poll(2, TimeUnit.SECONDS);
      assertThat(e).isNull();
    }
    HttpResponse<String> bad =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/events?types=JOB").build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(bad.statusCode()).isEqualTo(400);
    HttpResponse<String> badId =
        TestGrid.checked(
            grid.http.send(
                grid.request("/v1/events").header("Last-Event-ID", "12").build(),
                HttpResponse.BodyHandlers.ofString()));
    assertThat(badId.statusCode()).isEqualTo(400);
  }

  static long count(String typeLike) throws Exception {
    return grid.sql("SELECT count(*) AS n FROM events WHERE type LIKE $1", Tuple.of(typeLike))
        .iterator()
        .next()
        .getLong("n");
  }
}
