package dev.assetgrid.bench.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.bench.GridJars;
import dev.assetgrid.bench.Units;
import dev.assetgrid.bench.client.GridClient;
import dev.assetgrid.bench.grid.LocalGrid;
import dev.assetgrid.bench.grid.ProcessMemory;
import dev.assetgrid.bench.report.MachineInfo;
import dev.assetgrid.bench.run.JobSample;
import dev.assetgrid.bench.run.Progress;
import dev.assetgrid.bench.run.Runner;
import dev.assetgrid.bench.workload.CorpusScanner;
import dev.assetgrid.bench.workload.WorkItem;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The storage issue's two measurements, in one run, against one s3proxy process on loopback:
 *
 * <ol>
 *   <li>a direct multipart upload ({@code /v1/uploads}) of a big GLB into a grid on S3 beside a
 *       plain aws-sdk multipart upload of the same file with the same part size, in turns; with the
 *       coordinator's RSS before, during and after (its parts never pass through it; completing
 *       reads the object once and copies it inside the bucket);
 *   <li>the corpus mesh pipeline on a grid on S3 beside one on the local store, in turns: assets/s.
 * </ol>
 *
 * <pre>
 * java -cp bench/target/assetgrid-bench.jar dev.assetgrid.bench.storage.StorageBench \
 *   --corpus ../shared/corpus --size 1g --rounds 2 --out bench/results/storage.json
 * </pre>
 */
public final class StorageBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "assetgrid-bench";

  private Path corpus = Path.of("../shared/corpus");
  private long size = 1L << 30;
  private int rounds = 2;
  private Path out = Path.of("storage-bench.json");
  private Path s3proxyJar = S3ProxyProcess.defaultJar();
  private String pipeline = "optimize-mesh";
  private int corpusRepeat = 1;
  private int nodeSlots = 2;
  private boolean skipUpload;
  private boolean skipPipeline;
  private List<String> jvmOptions = new ArrayList<>(List.of("-Xmx1g"));

  public static void main(String[] args) throws Exception {
    StorageBench b = new StorageBench();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--corpus" -> b.corpus = Path.of(args[++i]);
        case "--size" -> b.size = Units.bytes(args[++i]);
        case "--rounds" -> b.rounds = Integer.parseInt(args[++i]);
        case "--out" -> b.out = Path.of(args[++i]);
        case "--s3proxy-jar" -> b.s3proxyJar = Path.of(args[++i]);
        case "--pipeline" -> b.pipeline = args[++i];
        case "--corpus-repeat" -> b.corpusRepeat = Integer.parseInt(args[++i]);
        case "--node-slots" -> b.nodeSlots = Integer.parseInt(args[++i]);
        case "--skip-upload" -> b.skipUpload = true;
        case "--skip-pipeline" -> b.skipPipeline = true;
        case "--jvm-opt" -> b.jvmOptions.add(args[++i]);
        default -> {
          System.err.println(
              "usage: StorageBench [--corpus DIR] [--size 1g] [--rounds 2] [--out FILE]"
                  + " [--s3proxy-jar JAR] [--pipeline optimize-mesh] [--corpus-repeat 1]"
                  + " [--node-slots 2] [--skip-upload] [--skip-pipeline] [--jvm-opt OPT]...");
          System.exit(2);
        }
      }
    }
    b.run();
  }

  private void run() throws Exception {
    Path root = Files.createTempDirectory("assetgrid-storage-bench-");
    ObjectNode result = JSON.createObjectNode();
    result.put("bench", "storage");
    result.put("startedAt", Instant.now().toString());
    result.set("machine", JSON.valueToTree(MachineInfo.current()));
    try (S3ProxyProcess s3 =
            S3ProxyProcess.start(s3proxyJar, Files.createDirectories(root.resolve("s3")));
        S3Client sdk = sdk(s3.endpoint())) {
      sdk.createBucket(r -> r.bucket(BUCKET));
      System.err.println("s3proxy at " + s3.endpoint() + " (pid " + s3.pid() + ")");
      if (!skipUpload) {
        result.set("directUpload", upload(root, s3, sdk));
      }
      if (!skipPipeline) {
        result.set("pipeline", pipeline(root, s3));
      }
    }
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.err.println("wrote " + out);
  }

  private static S3Client sdk(URI endpoint) {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  private LocalGrid.Options grid(Path dir, S3ProxyProcess s3, long maxUpload) throws IOException {
    LocalGrid.Options o =
        new LocalGrid.Options(
            GridJars.find("coordinator", "assetgrid-coordinator.jar"),
            GridJars.find("node", "assetgrid-node.jar"),
            dir,
            null,
            nodeSlots,
            jvmOptions,
            maxUpload,
            Duration.ofMinutes(2),
            System.err,
            true,
            null,
            0.0);
    if (s3 == null) {
      return o;
    }
    return o.withCoordinator(
        List.of(
            "--s3-bucket",
            BUCKET,
            "--s3-endpoint",
            s3.endpoint().toString(),
            "--s3-path-style",
            "--s3-prefix",
            dir.getFileName().toString()),
        Map.of(
            "AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY,
            "AWS_REGION", "us-east-1"));
  }

  // ------------------------------------------------------------------ 1. direct upload

  private JsonNode upload(Path root, S3ProxyProcess s3, S3Client sdk) throws Exception {
    Path file = root.resolve("big.glb");
    writeGlb(file, size);
    long partSize = Math.max(8L << 20, ((size + 9_999) / 10_000 + (1 << 20) - 1) >> 20 << 20);
    System.err.printf(Locale.ROOT, "== direct upload: %,d bytes, parts of %,d%n", size, partSize);
    ArrayNode rows = JSON.createArrayNode();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (LocalGrid grid =
        LocalGrid.start(grid(root.resolve("grid-upload"), s3, size + (1 << 20)))) {
      GridClient client = grid.client(4);
      client.checkAccess();
      ProcessMemory mem = grid.memory();
      for (int r = 1; r <= rounds; r++) {
        // the plain SDK: sequential parts of the same size, from the same file
        long t0 = System.nanoTime();
        String key = "plain/" + r;
        String uploadId = sdk.createMultipartUpload(c -> c.bucket(BUCKET).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; (long) (n - 1) * partSize < size; n++) {
          long off = (n - 1) * partSize;
          long len = Math.min(partSize, size - off);
          int number = n;
          try (InputStream in = slice(file, off, len)) {
            String etag =
                sdk.uploadPart(
                        u -> u.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromInputStream(in, len))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
          }
        }
        sdk.completeMultipartUpload(
            c -> c.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        double sdkSeconds = (System.nanoTime() - t0) / 1e9;
        sdk.deleteObject(d -> d.bucket(BUCKET).key(key));

        // the grid: declare, PUT the parts to the URLs it gives, complete
        mem.sampleNow();
        long rssBefore = mem.currentRss("coordinator");
        long fromMs = System.currentTimeMillis();
        long t1 = System.nanoTime();
        JsonNode up =
            post(
                http,
                grid,
                "/v1/uploads",
                "{\"name\":\"big.glb\",\"size\":" + size + ",\"pipeline\":\"noop\"}",
                201);
        for (JsonNode p : up.get("missing")) {
          long off = (p.get("number").asLong() - 1) * up.get("partSize").asLong();
          long len = p.get("size").asLong();
          HttpResponse<String> put =
              http.send(
                  HttpRequest.newBuilder(URI.create(p.get("url").asText()))
                      .PUT(
                          HttpRequest.BodyPublishers.fromPublisher(
                              HttpRequest.BodyPublishers.ofInputStream(
                                  () -> {
                                    try {
                                      return slice(file, off, len);
                                    } catch (IOException e) {
                                      throw new java.io.UncheckedIOException(e);
                                    }
                                  }),
                              len))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (put.statusCode() != 200) {
            throw new IOException("part PUT answered " + put.statusCode() + ": " + put.body());
          }
        }
        double partsSeconds = (System.nanoTime() - t1) / 1e9;
        long t2 = System.nanoTime();
        post(http, grid, "/v1/uploads/" + up.get("id").asText() + "/complete", "", 202);
        double completeSeconds = (System.nanoTime() - t2) / 1e9;
        mem.sampleNow();
        ProcessMemory.Peak peak = mem.peaks(fromMs, System.currentTimeMillis()).get("coordinator");
        JsonNode transfer = client.stats().path("transfer");
        ObjectNode row = JSON.createObjectNode();
        row.put("round", r);
        row.put("sdkSeconds", sdkSeconds);
        row.put("sdkMBps", size / 1e6 / sdkSeconds);
        row.put("gridPartsSeconds", partsSeconds);
        row.put("gridPartsMBps", size / 1e6 / partsSeconds);
        row.put("gridCompleteSeconds", completeSeconds);
        row.put("ratioPartsVsSdk", partsSeconds / sdkSeconds);
        row.put("coordinatorRssBeforeMB", rssBefore / 1e6);
        row.put("coordinatorRssPeakMB", peak == null ? -1 : peak.peakRssBytes() / 1e6);
        row.put(
            "coordinatorRssGrowthMB", peak == null ? -1 : (peak.peakRssBytes() - rssBefore) / 1e6);
        row.put("coordinatorUploadBytesIn", transfer.path("uploads").path("bytesIn").asLong());
        rows.add(row);
        System.err.printf(
            Locale.ROOT,
            "  round %d: sdk %.1f MB/s, grid parts %.1f MB/s (x%.2f time), complete %.1f s,"
                + " coordinator RSS %.0f -> peak %.0f MB%n",
            r,
            size / 1e6 / sdkSeconds,
            size / 1e6 / partsSeconds,
            partsSeconds / sdkSeconds,
            completeSeconds,
            rssBefore / 1e6,
            peak == null ? -1 : peak.peakRssBytes() / 1e6);
      }
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("bytes", size);
    o.put("partSize", partSize);
    o.put(
        "note",
        "s3proxy 2.6.0 (filesystem-nio2) in its own JVM on loopback; parts sent one after another"
            + " by both clients; the grid's complete reads the object once (SHA-256, format) and"
            + " copies it to its content key inside the store; the coordinator's background scrub is"
            + " off (--scrub-mb-per-s 0) so that it does not re-read the uploads between rounds");
    o.set("rounds", rows);
    return o;
  }

  private static JsonNode post(HttpClient http, LocalGrid grid, String path, String body, int want)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(grid.url() + path))
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (grid.apiKey() != null) {
      b.header("Authorization", "Bearer " + grid.apiKey());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != want) {
      throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** A valid GLB of {@code size} bytes: a small JSON chunk and a BIN chunk of random bytes. */
  static void writeGlb(Path file, long size) throws IOException {
    long bin = size - 12 - 8 - 8;
    for (int i = 0; i < 3; i++) {
      byte[] json = json(bin);
      bin = size - 12 - 8 - json.length - 8;
    }
    byte[] json = json(bin);
    bin = size - 12 - 8 - json.length - 8;
    if (bin % 4 != 0 || bin <= 0) {
      throw new IllegalArgumentException("--size must be a multiple of 4 and > 1 KiB");
    }
    ByteBuffer head = ByteBuffer.allocate(12 + 8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(0x46546C67).putInt(2).putInt((int) Math.min(size, 0xFFFFFFFFL));
    head.putInt(json.length).putInt(0x4E4F534A).put(json);
    head.putInt((int) bin).putInt(0x004E4942);
    try (OutputStream o =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      o.write(head.array());
      Random rnd = new Random(42);
      byte[] buf = new byte[1 << 20];
      for (long left = bin; left > 0; ) {
        rnd.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        o.write(buf, 0, n);
        left -= n;
      }
    }
  }

  private static byte[] json(long bin) {
    String j = "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":" + bin + "}]}";
    while (j.length() % 4 != 0) {
      j += " ";
    }
    return j.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code len} bytes of {@code file} from {@code off}. */
  static InputStream slice(Path file, long off, long len) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(off);
    InputStream in = Channels.newInputStream(ch);
    return new FilterInputStream(in) {
      long left = len;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int o, int n) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int got = super.read(b, o, (int) Math.min(n, left));
        if (got > 0) {
          left -= got;
        }
        return got;
      }
    };
  }

  // ------------------------------------------------------------------ 2. pipeline

  private JsonNode pipeline(Path root, S3ProxyProcess s3) throws Exception {
    List<WorkItem> items =
        CorpusScanner.scan(corpus, Set.of("glb"), List.of("validator-tests"), 32L << 20);
    if (items.isEmpty()) {
      throw new IOException("no GLB in " + corpus);
    }
    System.err.printf(
        Locale.ROOT,
        "== corpus pipeline %s: %d GLB x %d, local store vs S3, %d round(s)%n",
        pipeline,
        items.size(),
        corpusRepeat,
        rounds);
    ArrayNode rows = JSON.createArrayNode();
    try (LocalGrid local = LocalGrid.start(grid(root.resolve("grid-local"), null, 64L << 20));
        LocalGrid onS3 = LocalGrid.start(grid(root.resolve("grid-s3"), s3, 64L << 20))) {
      local.addNodes(1, true);
      onS3.addNodes(1, true);
      for (int r = 1; r <= rounds; r++) {
        for (LocalGrid g : List.of(local, onS3)) {
          boolean isS3 = g == onS3;
          GridClient client = g.client(8);
          Runner runner =
              new Runner(
                  client,
                  new Runner.Settings(
                      4,
                      (long) items.size() * corpusRepeat,
                      Duration.ZERO,
                      pipeline,
                      List.of("round-" + r),
                      Duration.ofMinutes(10),
                      20,
                      500),
                  new Progress(null, isS3 ? "s3" : "local"));
          Runner.RunData data = runner.closedLoop(items);
          long ok = data.samples().stream().filter(JobSample::succeeded).count();
          double seconds = (data.endMs() - data.startMs()) / 1000.0;
          JsonNode transfer = client.stats().path("transfer");
          ObjectNode row = JSON.createObjectNode();
          row.put("round", r);
          row.put("store", isS3 ? "s3" : "local");
          row.put("jobs", data.samples().size());
          row.put("succeeded", ok);
          row.put("seconds", seconds);
          row.put("assetsPerSecond", ok / seconds);
          row.put(
              "coordinatorTaskBytes",
              transfer.path("taskInputs").path("bytesOut").asLong()
                  + transfer.path("taskOutputs").path("bytesIn").asLong());
          rows.add(row);
          System.err.printf(
              Locale.ROOT,
              "  round %d %-5s: %d/%d succeeded in %.1f s = %.2f assets/s; task bytes through"
                  + " the coordinator so far %,d%n",
              r,
              isS3 ? "s3" : "local",
              ok,
              data.samples().size(),
              seconds,
              ok / seconds,
              row.get("coordinatorTaskBytes").asLong());
        }
      }
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("pipeline", pipeline);
    o.put("items", items.size());
    o.put("repeat", corpusRepeat);
    o.put("concurrency", 4);
    o.put("nodes", "1 node, " + nodeSlots + " slots, per grid; both grids up during the run");
    o.set("rounds", rows);
    return o;
  }
}
