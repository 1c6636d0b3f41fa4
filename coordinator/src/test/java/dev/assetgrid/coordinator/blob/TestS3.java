package dev.assetgrid.coordinator.blob;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: s3proxy over jclouds' {@code filesystem-nio2} provider, in
 * this JVM, on {@code 127.0.0.1} and a free port, with SigV4 signatures checked and one bucket of a
 * random name created.
 *
 * <p>Start one per test class ({@code @BeforeAll}), {@link #close()} it in {@code @AfterAll}:
 *
 * <pre>{@code
 * s3 = TestS3.start(dir);
 * BlobStore store = new S3BlobStore(vertx, s3.options(), staging, s3.credentials());
 * }</pre>
 *
 * <p>Server settings from STACK-NOTES §5: {@code ignoreUnknownHeaders(true)} (else the SDK's
 * multipart and checksum headers get 501). Clients must use {@code WHEN_REQUIRED} checksums, as
 * {@link S3BlobStore} does.
 */
public final class TestS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "assetgrid-test-access";
  public static final String SECRET_KEY = "assetgrid-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final URI endpoint;
  private final String bucket;
  private final S3Client client;

  private TestS3(S3Proxy proxy, BlobStoreContext context, URI endpoint, String bucket) {
    this.proxy = proxy;
    this.context = context;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.client = client(endpoint);
  }

  /** Starts a server keeping its buckets as folders of {@code dir}, with one random bucket. */
  public static TestS3 start(Path dir) throws Exception {
    Properties props = new Properties();
    props.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dir.toAbsolutePath().toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential") // the nio2 providers need some
            .overrides(props)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        context.close();
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    TestS3 s3 = new TestS3(proxy, context, endpoint, randomBucket());
    s3.createBucket(s3.bucket);
    return s3;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The bucket made at start. */
  public String bucket() {
    return bucket;
  }

  /** Options for {@link #bucket()} on this server: path style, us-east-1, no prefix. */
  public S3Options options() {
    return options(endpoint);
  }

  /** As {@link #options()}, talking to {@code endpoint} (e.g. a fault injector in front). */
  public S3Options options(URI endpoint) {
    return S3Options.of(bucket).withEndpoint(endpoint).withRegion("us-east-1").withPathStyle(true);
  }

  /** The server's one access key. */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A plain SDK client for this server, to look behind a store's back (closed with the server). */
  public S3Client client() {
    return client;
  }

  /** Creates another bucket; returns its name. */
  public String createBucket() {
    String name = randomBucket();
    createBucket(name);
    return name;
  }

  /** Objects of {@link #bucket()} whose key starts with {@code prefix}. */
  public long objectCount(String prefix) {
    return client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .count();
  }

  /** Multipart uploads of {@link #bucket()} under {@code prefix} begun and not completed. */
  public long pendingUploads(String prefix) {
    return client.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads().size();
  }

  @Override
  public void close() throws Exception {
    client.close();
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }

  private void createBucket(String name) {
    client.createBucket(r -> r.bucket(name));
  }

  private S3Client client(URI endpoint) {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  private static String randomBucket() {
    return "assetgrid-test-"
        + UUID.randomUUID().toString().substring(0, 12).toLowerCase(Locale.ROOT);
  }
}
