package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.node.worker.WorkerOptions;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.tls.PemFiles;
import dev.assetgrid.shared.tls.SelfSignedCert;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * HTTPS on the coordinator's API: the development certificate ({@code --tls self-signed}) and an
 * operator's files, HTTP/2 by ALPN, nodes that verify the certificate, and bad settings refused at
 * start in one sentence.
 */
@Timeout(300)
class TlsTest {
  @TempDir Path dataDir;
  TestGrid grid;

  @AfterEach
  void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  static TestGrid startSelfSigned(Path dir) throws Exception {
    return TestGrid.start(
        TestGrid.config(dir, TestPostgres.newDatabase()).withTls(TlsOptions.selfSigned()));
  }

  static HttpResponse<String> health(HttpClient client, String baseUrl) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static X509Certificate served(HttpResponse<?> r) throws Exception {
    Certificate[] chain = r.sslSession().orElseThrow().getPeerCertificates();
    return (X509Certificate) chain[0];
  }

  @Test
  void theSelfSignedCertificateServesHttp2ToClientsThatTrustItAndIsReusedOnRestart()
      throws Exception {
    grid = startSelfSigned(dataDir);
    Path cert = dataDir.resolve("tls").resolve("cert.pem");
    Path key = dataDir.resolve("tls").resolve("key.pem");
    assertThat(grid.coordinator.config().tls().cert()).isEqualTo(cert);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .as("the private key is owner-only")
        .isEqualTo("rw-------");
    String base = grid.coordinator.baseUrl();
    assertThat(base).startsWith("https://127.0.0.1:");

    HttpResponse<String> ok = health(TestTls.client(HttpClient.Version.HTTP_2, cert), base);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.version()).as("HTTP/2 negotiated by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
    X509Certificate first = served(ok);
    assertThat(PemFiles.fingerprint(first))
        .isEqualTo(PemFiles.fingerprint(PemFiles.certificates(cert, "test").get(0)));
    assertThat(SelfSignedCert.names(first)).contains("localhost", "127.0.0.1");

    // plain HTTP to the TLS port: no answer
    HttpClient plain = TestTls.client(HttpClient.Version.HTTP_1_1, (Path) null);
    assertThatThrownBy(() -> health(plain, "http://127.0.0.1:" + grid.coordinator.httpPort()))
        .isInstanceOf(IOException.class);
    // a client that trusts only the JVM's CAs refuses the handshake
    assertThatThrownBy(() -> health(plain, base)).isInstanceOf(SSLHandshakeException.class);
    // nor does a client trusting another certificate get through
    Path stranger = dataDir.resolve("stranger.pem");
    SelfSignedCert.generate("localhost", List.of("127.0.0.1"), Duration.ofDays(1))
        .writeTo(stranger, dataDir.resolve("stranger.key"));
    assertThatThrownBy(() -> health(TestTls.client(HttpClient.Version.HTTP_2, stranger), base))
        .isInstanceOf(SSLHandshakeException.class);

    grid.close();
    grid = startSelfSigned(dataDir);
    HttpResponse<String> again =
        health(TestTls.client(HttpClient.Version.HTTP_2, cert), grid.coordinator.baseUrl());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(served(again).getEncoded())
        .as("the second start serves the certificate of the first")
        .isEqualTo(first.getEncoded());
  }

  @Test
  void aNodeTrustingTheCertificateRunsAJobOverHttpsAndOneThatDoesNotCannot() throws Exception {
    grid = startSelfSigned(dataDir);
    Path cert = grid.coordinator.config().tls().cert();
    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());

    // the JVM's CAs do not vouch for the development certificate: every download is refused
    var untrusting = grid.startNode(new WorkerOptions(1, dataDir.resolve("w1"), 2_000, 2_000, 300));
    JsonObject refused =
        grid.awaitJob(grid.submit(glb, "pipeline=inspect"), Duration.ofSeconds(60));
    assertThat(refused.getString("state")).isEqualTo("failed");
    JsonObject task = refused.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getJsonObject("error").getString("code"))
        .isEqualTo(ErrorCode.TRANSFER_FAILED.name());
    assertThat(task.getJsonArray("attempts")).hasSize(3);
    grid.stopNode(untrusting);

    grid.startNode(
        new WorkerOptions(1, dataDir.resolve("w2"), 2_000, 2_000, 300)
            .withTrust(cert)); // --tls-trust
    JsonObject job = grid.awaitJob(grid.submit(glb, "pipeline=inspect"), Duration.ofSeconds(60));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    // the input came down and the report went up over HTTPS
    String assetId = job.getString("assetId");
    HttpResponse<String> report = grid.get("/v1/assets/" + assetId + "/files/inspect.json");
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.body()).contains("triangles");
  }

  @Test
  void givenFilesAreServedAsTheyAreAndTheInProcessSlotsTrustThem() throws Exception {
    SelfSignedCert made =
        SelfSignedCert.generate(
            "grid.test", List.of("127.0.0.1", "localhost"), Duration.ofDays(30));
    Path cert = dataDir.resolve("given").resolve("server.crt");
    Path key = dataDir.resolve("given").resolve("server.key");
    made.writeTo(cert, key);
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase())
                .withWorkers(1)
                .withTls(TlsOptions.files(cert, key)));
    assertThat(Files.exists(dataDir.resolve("tls"))).as("nothing generated").isFalse();
    HttpResponse<String> ok =
        health(TestTls.client(HttpClient.Version.HTTP_2, cert), grid.coordinator.baseUrl());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(served(ok).getEncoded()).isEqualTo(made.certificate().getEncoded());
    assertThat(served(ok).getSubjectX500Principal().getName()).isEqualTo("CN=grid.test");

    Path glb = Files.write(dataDir.resolve("tiny.glb"), TinyGlb.triangle());
    JsonObject job = grid.awaitJob(grid.submit(glb, "pipeline=inspect"), Duration.ofSeconds(60));
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
  }

  @Test
  void badTlsSettingsStopTheStartWithOneSentence() throws Exception {
    Path missing = dataDir.resolve("missing.pem");
    Path cert = dataDir.resolve("c.pem");
    Path key = dataDir.resolve("c.key");
    SelfSignedCert.generate("localhost", List.of("localhost"), Duration.ofDays(1))
        .writeTo(cert, key);
    Path garbage = Files.writeString(dataDir.resolve("garbage.key"), "-----BEGIN NOTHING-----\n");

    assertThat(run("--tls-cert", missing.toString(), "--tls-key", key.toString()))
        .isEqualTo(
            "assetgrid-coordinator: the file " + missing + " given with --tls-cert does not exist");
    assertThat(run("--tls-cert", cert.toString(), "--tls-key", garbage.toString()))
        .startsWith(
            "assetgrid-coordinator: "
                + garbage
                + " (--tls-key) is not a PEM private key Vert.x can read");
    assertThat(run("--tls-cert", cert.toString()))
        .isEqualTo("assetgrid-coordinator: HTTPS needs both --tls-cert and --tls-key");
    assertThat(run("--tls", "yes"))
        .isEqualTo("assetgrid-coordinator: --tls takes self-signed or off, not yes");
    assertThat(run("--cluster-tls-cert", cert.toString()))
        .startsWith("assetgrid-coordinator: event-bus TLS needs all three");
    assertThat(Files.exists(dataDir.resolve("pg"))).as("refused before the database").isFalse();

    assertThatThrownBy(
            () ->
                Coordinator.start(
                    TestGrid.config(dataDir, "postgresql://nowhere:1/x")
                        .withTls(TlsOptions.files(cert, missing))))
        .isInstanceOf(AssetGridException.class)
        .hasMessage("the file " + missing + " given with --tls-key does not exist");
  }

  /** Runs the coordinator's main with {@code args}: its error output, asserting exit code 2. */
  private String run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new CoordinatorMain()).setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--data-dir";
    all[1] = dataDir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = cl.execute(all);
    assertThat(code).as(err.toString()).isEqualTo(2);
    return err.toString().strip();
  }
}
