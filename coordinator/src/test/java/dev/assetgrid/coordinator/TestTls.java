package dev.assetgrid.coordinator;

import dev.assetgrid.shared.tls.PemFiles;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK HTTP clients for tests of an HTTPS coordinator. */
final class TestTls {
  private TestTls() {}

  /** A TLS context that trusts the certificates of {@code pem} and nothing else. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (X509Certificate c : PemFiles.certificates(pem, "test")) {
      ks.setCertificateEntry("trusted-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A client of {@code version} for a coordinator serving with {@code tls}: trusting its cert. */
  static HttpClient client(HttpClient.Version version, TlsOptions tls) {
    try {
      return client(version, tls.enabled() ? tls.cert() : null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client of {@code version} that trusts {@code pem} (null: the JVM's default CAs). */
  static HttpClient client(HttpClient.Version version, Path pem) throws Exception {
    HttpClient.Builder b =
        HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5));
    if (pem != null) {
      b.sslContext(trusting(pem));
    }
    return b.build();
  }
}
