package dev.assetgrid.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TlsOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator on HTTPS with its self-signed certificate: the client refuses it in one sentence
 * naming {@code --tls-trust}, and talks to it once given the certificate.
 */
class TlsTrustTest {
  @TempDir Path dir;

  @Test
  void aSelfSignedCoordinatorIsReachedWithTlsTrustOnly() throws Exception {
    try (TestGrid grid =
        TestGrid.start(
            TestGrid.config(dir.resolve("grid"), TestPostgres.newDatabase())
                .withTls(TlsOptions.selfSigned()))) {
      String url = "https://localhost:" + grid.coordinator.httpPort();
      Cli cli = Cli.of(dir, url, grid.adminKey());

      Cli.Run untrusted = cli.run("jobs");
      assertThat(untrusted.exit()).as(untrusted.toString()).isEqualTo(ExitCode.UNAVAILABLE);
      ListingCommandsTest.assertOneSentence(untrusted.err());
      assertThat(untrusted.err()).contains("TLS handshake").contains("--tls-trust");

      Path cert = grid.coordinator.config().dataDir().resolve("tls/cert.pem");
      Cli.Run trusted = cli.run("jobs", "--tls-trust", cert.toString(), "--output", "json");
      assertThat(trusted.exit()).as(trusted.toString()).isZero();
      assertThat(trusted.out().strip()).isEqualTo("[ ]");
    }
  }
}
