package dev.assetgrid.client.http;

import dev.assetgrid.client.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code --tls-trust FILE}: an SSL context trusting exactly the certificates of a PEM file (a
 * coordinator's self-signed {@code data/tls/cert.pem}, or a private CA) in place of the JVM's CAs.
 * Host names are still checked, by the HTTP client: there is no "trust everything" switch.
 */
final class TrustedCertificates {
  private TrustedCertificates() {}

  static SSLContext context(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
      if (i == 0) {
        throw ClientException.usage(
            "the file " + pem + " given with --tls-trust holds no certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw ClientException.usage(
          "the file " + pem + " given with --tls-trust is not a PEM certificate file");
    }
  }
}
