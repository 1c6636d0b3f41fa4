package dev.assetgrid.node.worker;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.protocol.CompleteRequest;
import dev.assetgrid.shared.protocol.CompleteRequest.Outcome;
import dev.assetgrid.shared.protocol.Heartbeat;
import dev.assetgrid.shared.protocol.LeasedTask;
import dev.assetgrid.shared.protocol.TaskInput;
import dev.assetgrid.shared.protocol.TaskOutput;
import dev.assetgrid.shared.state.TaskType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker shell against {@link StubCoordinator}: leases, transfers, work directories,
 * heartbeats, cancellation and drain.
 */
@Timeout(60)
class WorkerVerticleTest {
  @TempDir
  Path tmp;
  Path workRoot;
  WatchService watch;
  StubCoordinator coordinator;

  @BeforeEach
  void watchWorkRoot() throws IOException {
    workRoot = Files.createDirectories(tmp.resolve("work"));
    watch = workRoot.getFileSystem().newWatchService();
    workRoot.register(watch, ENTRY_CREATE);
  }

  @AfterEach
  void close() throws IOException {
    if (coordinator != null) {
      coordinator.close();
    }
    watch.close();
  }

  private String deploy(int slots, long drainTimeoutMs, TaskHandler... handlers) {
    WorkerVerticle worker = new WorkerVerticle("node-test", "127.0.0.1", "test",
        new WorkerOptions(slots, workRoot, 10_000, drainTimeoutMs, 60_000), List.of(handlers), List.of());
    return coordinator.vertx.deployVerticle(worker).await();
  }

  private List<CompleteRequest> completions(int n) throws InterruptedException {
    List<CompleteRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompleteRequest c = coordinator.nextCompletion(20_000);
      assertThat(c).as("completion %d of %d", i + 1, n).isNotNull();
      out.add(c);
    }
    return out;
  }

  /** Names created directly under the work root since the last call (inotify on Linux, so prompt). */
  private List<String> createdInWorkRoot() throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (WatchKey key = watch.poll(300, TimeUnit.MILLISECONDS); key != null;
        key = watch.poll(300, TimeUnit.MILLISECONDS)) {
      for (WatchEvent<?> e : key.pollEvents()) {
        names.add(String.valueOf(e.context()));
      }
      key.reset();
    }
    return names;
  }

  private void awaitWorkRootEmpty() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!entries(workRoot).isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(entries(workRoot)).as("left in the work root").isEmpty();
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void noopTasksNeverTouchTheDisk() throws Exception {
    coordinator = new StubCoordinator(true);
    deploy(4, 5_000, new NoopHandler());
    coordinator.offer(IntStream.range(0, 40)
        .mapToObj(i -> coordinator.task("n" + i, "noop", new JsonObject(), List.of())).toList());

    List<CompleteRequest> done = completions(40);

    assertThat(done).extracting(CompleteRequest::outcome).containsOnly(Outcome.SUCCEEDED);
    assertThat(done).extracting(c -> c.result().getInteger("attempt")).containsOnly(1);
    assertThat(done).allSatisfy(c -> assertThat(c.result().getLong("elapsedMs")).isNotNegative());
    assertThat(done).extracting(CompleteRequest::taskId).doesNotHaveDuplicates().hasSize(40);
    assertThat(createdInWorkRoot()).as("directories made for no-op tasks").isEmpty();
    assertThat(entries(workRoot)).isEmpty();
  }

  @Test
  void outputsAreUploadedWithTheirHashAndTheDirectoryIsRemoved() throws Exception {
    coordinator = new StubCoordinator(true);
    deploy(2, 5_000, new NoopHandler());
    coordinator.offer(List.of(coordinator.task("out1", "noop", new JsonObject().put("output", true), List.of())));

    CompleteRequest c = completions(1).get(0);

    byte[] expected = "{\"task\":\"out1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(c.outcome()).as(String.valueOf(c.error())).isEqualTo(Outcome.SUCCEEDED);
    assertThat(c.outputs()).singleElement().satisfies(o -> {
      assertThat(o.name()).isEqualTo("noop.json");
      assertThat(o.sha256()).isEqualTo(StubCoordinator.sha256(expected));
      assertThat(o.size()).isEqualTo(expected.length);
      assertThat(o.contentType()).isEqualTo("application/json");
    });
    assertThat(coordinator.uploads.get("out1/noop.json").getBytes()).isEqualTo(expected);
    assertThat(createdInWorkRoot()).containsExactly("out1-1");
    awaitWorkRootEmpty();
  }

  /** Reads every input, reports what it found, and writes the inputs' concatenation as its output. */
  private static final class ConcatHandler implements TaskHandler {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public TaskType type() {
      return TaskType.ASSEMBLE;
    }

    @Override
    public TaskResult run(TaskWork work) throws IOException {
      runs.incrementAndGet();
      ObjectNode r = JsonNodeFactory.instance.objectNode();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (Map.Entry<String, Path> in : work.inputs().entrySet()) {
        byte[] bytes = Files.readAllBytes(in.getValue());
        r.put(in.getKey(), new String(bytes, StandardCharsets.UTF_8));
        r.put(in.getKey() + ":inInputDir", in.getValue().equals(work.inputDir().resolve(in.getKey())));
        all.write(bytes);
      }
      try (Stream<Path> files = Files.walk(work.inputDir()); Stream<Path> scratch = Files.list(work.workDir())) {
        r.put("inputFiles", files.filter(Files::isRegularFile).count());
        r.put("workDirEntries", scratch.count());
      }
      r.put("label", work.params().path("label").asText());
      Path out = work.workDir().resolve("all.bin");
      Files.write(out, all.toByteArray());
      return new TaskResult(r, List.of(new TaskResult.Output("all.bin", out, "application/octet-stream")));
    }
  }

  @Test
  void inputsAreDownloadedIntoTheirFoldersAndEverythingIsRemovedAfterwards() throws Exception {
    coordinator = new StubCoordinator(true);
    ConcatHandler handler = new ConcatHandler();
    deploy(2, 5_000, handler);
    List<TaskInput> inputs = List.of(coordinator.blob("original", "model;".getBytes(StandardCharsets.UTF_8)),
        coordinator.blob("textures/wood.png", "texture".getBytes(StandardCharsets.UTF_8)));
    coordinator.offer(List.of(coordinator.task("in1", "assemble", new JsonObject().put("label", "x"), inputs)));

    CompleteRequest c = completions(1).get(0);

    assertThat(c.outcome()).as(String.valueOf(c.error())).isEqualTo(Outcome.SUCCEEDED);
    JsonObject r = c.result();
    assertThat(r.getString("original")).isEqualTo("model;");
    assertThat(r.getString("textures/wood.png")).isEqualTo("texture");
    assertThat(r.getBoolean("original:inInputDir")).isTrue();
    assertThat(r.getBoolean("textures/wood.png:inInputDir")).isTrue();
    assertThat(r.getLong("inputFiles")).isEqualTo(2);
    assertThat(r.getString("label")).isEqualTo("x");
    assertThat(coordinator.uploads.get("in1/all.bin").toString(StandardCharsets.UTF_8)).isEqualTo("model;texture");
    assertThat(c.outputs()).extracting(TaskOutput::sha256)
        .containsExactly(StubCoordinator.sha256("model;texture".getBytes(StandardCharsets.UTF_8)));
    assertThat(coordinator.downloads).containsExactlyInAnyOrder("original", "textures/wood.png");
    assertThat(createdInWorkRoot()).containsExactly("in1-1");
    awaitWorkRootEmpty();
  }

  @Test
  void anInputWithTheWrongHashFailsTheTaskBeforeTheHandlerRuns() throws Exception {
    coordinator = new StubCoordinator(true);
    ConcatHandler handler = new ConcatHandler();
    deploy(2, 5_000, handler);
    TaskInput good = coordinator.blob("original", "model".getBytes(StandardCharsets.UTF_8));
    TaskInput lying = new TaskInput(good.name(), StubCoordinator.sha256(new byte[] {1}), good.size(), good.url());
    coordinator.offer(List.of(coordinator.task("bad1", "assemble", new JsonObject(), List.of(lying))));

    CompleteRequest c = completions(1).get(0);

    assertThat(c.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.error().code()).isEqualTo(ErrorCode.BLOB_CHECKSUM_MISMATCH.name());
    assertThat(handler.runs).hasValue(0);
    awaitWorkRootEmpty();
  }

  @Test
  void aLeftoverOfTheSameAttemptIsRemovedBeforeTheDirectoryIsReused() throws Exception {
    Path stale = workRoot.resolve("old1-1");
    Files.createDirectories(stale.resolve("out"));
    Files.createDirectories(stale.resolve("in/textures"));
    Files.writeString(stale.resolve("out/stale.glb"), "stale");
    Files.writeString(stale.resolve("in/textures/stale.png"), "stale");
    coordinator = new StubCoordinator(true);
    deploy(2, 5_000, new ConcatHandler());
    List<TaskInput> inputs = List.of(coordinator.blob("original", "fresh".getBytes(StandardCharsets.UTF_8)));
    coordinator.offer(List.of(coordinator.task("old1", "assemble", new JsonObject(), inputs)));

    CompleteRequest c = completions(1).get(0);

    assertThat(c.outcome()).as(String.valueOf(c.error())).isEqualTo(Outcome.SUCCEEDED);
    assertThat(c.result().getLong("inputFiles")).as("only the fresh input").isEqualTo(1);
    assertThat(c.result().getLong("workDirEntries")).as("an empty scratch directory").isZero();
    awaitWorkRootEmpty();
  }

  @Test
  void aTaskOfAnUnknownTypeFailsWithoutDownloading() throws Exception {
    coordinator = new StubCoordinator(true);
    deploy(2, 5_000, new NoopHandler());
    List<TaskInput> inputs = List.of(coordinator.blob("original", "x".getBytes(StandardCharsets.UTF_8)));
    coordinator.offer(List.of(coordinator.task("u1", "assemble", new JsonObject(), inputs)));

    CompleteRequest c = completions(1).get(0);

    assertThat(c.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.error().code()).isEqualTo(ErrorCode.TASK_TYPE_UNSUPPORTED.name());
    assertThat(coordinator.downloads).isEmpty();
    assertThat(createdInWorkRoot()).isEmpty();
  }

  @Test
  void aSlotFreedWhileALeaseIsInFlightIsAskedForAsSoonAsItReturns() throws Exception {
    coordinator = new StubCoordinator(false);
    deploy(2, 5_000, new NoopHandler());
    StubCoordinator.HeldLease first = coordinator.nextLease(5_000);
    assertThat(first.request().freeSlots()).isEqualTo(2);
    StubCoordinator.answer(first, List.of(
        coordinator.task("slow", "noop", new JsonObject().put("sleepMs", 400), List.of()),
        coordinator.task("quick", "noop", new JsonObject(), List.of())));

    assertThat(coordinator.nextCompletion(5_000).taskId()).isEqualTo("quick");
    StubCoordinator.HeldLease second = coordinator.nextLease(5_000);
    assertThat(second.request().freeSlots()).as("one slot free while 'slow' runs").isEqualTo(1);
    assertThat(coordinator.nextCompletion(5_000).taskId()).isEqualTo("slow");
    assertThat(coordinator.nextLease(300)).as("a second lease request while one is in flight").isNull();

    long t0 = System.nanoTime();
    StubCoordinator.answer(second, List.of());
    StubCoordinator.HeldLease third = coordinator.nextLease(5_000);
    assertThat(third).isNotNull();
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the re-lease").isLessThan(1_000);
    assertThat(third.request().freeSlots()).isEqualTo(2);
  }

  @Test
  void heartbeatsCarryProgressAndACancelStopsTheTask() throws Exception {
    coordinator = new StubCoordinator(true);
    deploy(2, 5_000, new NoopHandler());
    // a 1 s lease: heartbeats every 300 ms
    coordinator.offer(List.of(coordinator.task("long1", "noop", new JsonObject().put("sleepMs", 30_000), List.of(),
        System.currentTimeMillis() + 1_000)));

    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline && coordinator.heartbeats.stream()
        .flatMap(h -> h.leases().stream()).noneMatch(l -> l.taskId().equals("long1") && l.progress() > 0)) {
      Thread.sleep(20);
    }
    assertThat(coordinator.heartbeats).flatExtracting(Heartbeat::leases)
        .anySatisfy(l -> {
          assertThat(l.taskId()).isEqualTo("long1");
          assertThat(l.leaseToken()).isEqualTo("token-long1");
          assertThat(l.progress()).isBetween(0.0, 0.5).isPositive();
        });
    coordinator.cancel("long1");

    CompleteRequest c = coordinator.nextCompletion(5_000);
    assertThat(c).isNotNull();
    assertThat(c.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.error().code()).isEqualTo(ErrorCode.TASK_CANCELLED.name());
  }

  @Test
  void stoppingLetsRunningTasksFinishAndReleasesWhatIsLeasedMeanwhile() throws Exception {
    coordinator = new StubCoordinator(false);
    String id = deploy(2, 10_000, new NoopHandler());
    StubCoordinator.HeldLease first = coordinator.nextLease(5_000);
    StubCoordinator.answer(first, List.of(coordinator.task("running", "noop", new JsonObject().put("sleepMs", 800),
        List.of())));
    StubCoordinator.HeldLease second = coordinator.nextLease(5_000);

    Future<Void> undeployed = coordinator.vertx.undeploy(id);
    Thread.sleep(100);
    StubCoordinator.answer(second, List.of(coordinator.task("late", "noop", new JsonObject(), List.of())));

    Map<String, CompleteRequest> byTask = new HashMap<>();
    completions(2).forEach(c -> byTask.put(c.taskId(), c));
    undeployed.await(10, TimeUnit.SECONDS);
    assertThat(byTask.get("late").outcome()).isEqualTo(Outcome.FAILED);
    assertThat(byTask.get("late").error().code()).isEqualTo(ErrorCode.NODE_LOST.name());
    assertThat(byTask.get("running").outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(coordinator.leaseRequests).as("no lease after the stop").hasSize(2);
  }

  @Test
  void aTaskStillRunningAtTheDrainTimeoutIsReleased() throws Exception {
    coordinator = new StubCoordinator(true);
    String id = deploy(2, 300, new NoopHandler());
    LeasedTask t = coordinator.task("stuck", "noop", new JsonObject().put("sleepMs", 30_000), List.of());
    coordinator.offer(List.of(t));
    while (coordinator.leaseRequests.size() < 2) { // the second asks for the slot left after 'stuck'
      Thread.sleep(10);
    }

    coordinator.vertx.undeploy(id).await(10, TimeUnit.SECONDS);

    CompleteRequest c = coordinator.nextCompletion(5_000);
    assertThat(c.taskId()).isEqualTo("stuck");
    assertThat(c.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(c.error().code()).isEqualTo(ErrorCode.NODE_LOST.name());
  }
}
