package dev.assetgrid.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertTest {
  @Test
  void theCertificateIsAnX509v3ServerAndClientCertificateForItsHosts() throws Exception {
    SelfSignedCert c =
        SelfSignedCert.generate(
            "localhost",
            List.of("localhost", "127.0.0.1", "grid.example", "::1"),
            Duration.ofDays(2));
    X509Certificate x = c.certificate();
    x.verify(x.getPublicKey()); // self-signed
    assertThat(x.getVersion()).isEqualTo(3);
    assertThat(x.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(x.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(x.getIssuerX500Principal()).isEqualTo(x.getSubjectX500Principal());
    assertThat(x.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "localhost"),
            List.of(7, "127.0.0.1"),
            List.of(2, "grid.example"),
            List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(x.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(x.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(x.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(x.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    Instant now = Instant.now();
    assertThat(x.getNotBefore().toInstant()).isBefore(now).isAfter(now.minus(Duration.ofHours(2)));
    assertThat(x.getNotAfter().toInstant())
        .isAfter(now.plus(Duration.ofDays(1)))
        .isBefore(now.plus(Duration.ofDays(3)));
    assertThat(x.getSerialNumber().signum()).isPositive();
    assertThat(c.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void theDevelopmentCertificateIsMadeOnceWithAnOwnerOnlyKey(@TempDir Path dir) throws Exception {
    Path tls = dir.resolve("data").resolve("tls");
    X509Certificate first = SelfSignedCert.readOrCreate(tls, "localhost", List.of("localhost"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("key.pem"))))
        .isEqualTo("rw-------");
    X509Certificate again =
        SelfSignedCert.readOrCreate(tls, "localhost", List.of("localhost", "10.9.9.9"));
    assertThat(PemFiles.fingerprint(again)).isEqualTo(PemFiles.fingerprint(first));
    // Vert.x reads the pair and the key belongs to the certificate
    PemFiles.keyCert(tls.resolve("cert.pem"), "--c", tls.resolve("key.pem"), "--k");
    assertThat(PemFiles.fingerprint(first)).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void badFilesAreOneSentenceNamingTheFileAndTheFlag(@TempDir Path dir) throws Exception {
    SelfSignedCert a = SelfSignedCert.generate("a", List.of("localhost"), Duration.ofDays(1));
    SelfSignedCert b = SelfSignedCert.generate("b", List.of("localhost"), Duration.ofDays(1));
    Path cert = dir.resolve("a.pem");
    Path key = dir.resolve("a.key");
    a.writeTo(cert, key);
    Path otherKey = dir.resolve("b.key");
    b.writeTo(dir.resolve("b.pem"), otherKey);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(() -> PemFiles.keyCert(missing, "--tls-cert", key, "--tls-key"))
        .isInstanceOf(AssetGridException.class)
        .hasMessage("the file " + missing + " given with --tls-cert does not exist");
    assertThatThrownBy(() -> PemFiles.keyCert(cert, "--tls-cert", garbage, "--tls-key"))
        .hasMessageStartingWith(garbage + " (--tls-key) is not a PEM private key Vert.x can read");
    assertThatThrownBy(() -> PemFiles.keyCert(cert, "--tls-cert", otherKey, "--tls-key"))
        .hasMessage(
            "the key "
                + otherKey
                + " (--tls-key) does not belong to the certificate "
                + cert
                + " (--tls-cert)");
    assertThatThrownBy(() -> PemFiles.trust(key, "--tls-trust"))
        .hasMessage(key + " (--tls-trust) holds no -----BEGIN CERTIFICATE----- block");
    assertThatThrownBy(() -> PemFiles.trust(garbage, "--tls-trust"))
        .satisfies(
            e -> assertThat(((AssetGridException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(PemFiles.trust(cert, "--tls-trust").getCertPaths())
        .containsExactly(cert.toAbsolutePath().toString());
  }
}
