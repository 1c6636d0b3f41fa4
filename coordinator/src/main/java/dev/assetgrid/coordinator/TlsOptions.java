package dev.assetgrid.coordinator;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.tls.PemFiles;
import dev.assetgrid.shared.tls.SelfSignedCert;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * HTTPS on the coordinator's API (and the blob endpoints nodes use).
 *
 * @param mode {@link Mode#OFF} (plain HTTP, the default), {@link Mode#FILES} (an operator's
 *     certificate) or {@link Mode#SELF_SIGNED} (a development certificate the coordinator makes)
 * @param cert PEM certificate (chain, leaf first); for SELF_SIGNED null until {@link #prepare}
 *     names {@code <data-dir>/tls/cert.pem}; null when OFF
 * @param key PEM private key of {@code cert} (PKCS#8, PKCS#1 RSA or SEC1 EC); as {@code cert}
 */
public record TlsOptions(Mode mode, Path cert, Path key) {
  /** Where TLS material comes from. */
  public enum Mode {
    OFF,
    FILES,
    SELF_SIGNED
  }

  /** The {@code --tls} value that asks for a development certificate. */
  public static final String SELF_SIGNED_FLAG = "self-signed";

  /** Folder under the data folder that holds the development certificate. */
  public static final String SELF_SIGNED_DIR = "tls";

  public TlsOptions {
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    if (mode == Mode.OFF && (cert != null || key != null)) {
      throw new IllegalArgumentException("TLS off takes no certificate");
    }
    if (mode == Mode.FILES && (cert == null || key == null)) {
      throw new IllegalArgumentException("TLS from files needs a certificate and a key");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a certificate and its key go together");
    }
  }

  public static TlsOptions off() {
    return new TlsOptions(Mode.OFF, null, null);
  }

  public static TlsOptions files(Path cert, Path key) {
    return new TlsOptions(Mode.FILES, cert, key);
  }

  /** A development certificate made under the data folder on first start, reused after. */
  public static TlsOptions selfSigned() {
    return new TlsOptions(Mode.SELF_SIGNED, null, null);
  }

  /**
   * From the {@code --tls}, {@code --tls-cert} and {@code --tls-key} flags (each may be null).
   *
   * @throws AssetGridException INVALID_REQUEST for a combination that does not make sense
   */
  public static TlsOptions fromFlags(String tls, Path cert, Path key) {
    String t = tls == null || tls.isBlank() ? null : tls.trim();
    if (t != null && !t.equals(SELF_SIGNED_FLAG) && !t.equals("off")) {
      throw bad("--tls takes " + SELF_SIGNED_FLAG + " or off, not " + t);
    }
    if (SELF_SIGNED_FLAG.equals(t)) {
      if (cert != null || key != null) {
        throw bad("--tls self-signed makes its own certificate: give it no --tls-cert/--tls-key");
      }
      return selfSigned();
    }
    if (cert == null && key == null) {
      return off();
    }
    if (cert == null || key == null) {
      throw bad("HTTPS needs both --tls-cert and --tls-key");
    }
    if ("off".equals(t)) {
      throw bad("--tls off contradicts --tls-cert/--tls-key");
    }
    return files(cert, key);
  }

  public boolean enabled() {
    return mode != Mode.OFF;
  }

  /**
   * The options a server runs with: the given files checked, or the development certificate made
   * (or found) in {@code <dataDir>/tls} for {@code hosts}, with its paths filled in.
   *
   * @throws AssetGridException INVALID_REQUEST for a missing or unreadable file, or a key that does
   *     not belong to the certificate
   */
  TlsOptions prepare(Path dataDir, List<String> hosts) {
    if (mode == Mode.OFF) {
      return this;
    }
    if (mode == Mode.SELF_SIGNED && cert == null) {
      Path dir = dataDir.resolve(SELF_SIGNED_DIR);
      SelfSignedCert.readOrCreate(dir, "localhost", hosts);
      return new TlsOptions(
          Mode.SELF_SIGNED,
          dir.resolve(SelfSignedCert.CERT_FILE),
          dir.resolve(SelfSignedCert.KEY_FILE));
    }
    return this;
  }

  /** The server's key and certificate, checked (only once {@link #prepare prepared}). */
  PemKeyCertOptions keyCert() {
    return PemFiles.keyCert(cert, flag("--tls-cert"), key, flag("--tls-key"));
  }

  /** The server's certificate (only once {@link #prepare prepared}). */
  X509Certificate certificate() {
    return PemFiles.certificates(cert, flag("--tls-cert")).get(0);
  }

  private String flag(String files) {
    return mode == Mode.SELF_SIGNED ? "--tls " + SELF_SIGNED_FLAG : files;
  }

  private static AssetGridException bad(String message) {
    return new AssetGridException(ErrorCode.INVALID_REQUEST, message);
  }
}
