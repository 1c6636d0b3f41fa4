package dev.assetgrid.shared.tls;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * PEM files an operator gives a process (server certificate and key, certificates to trust), read
 * and checked once at start so that a missing file, a file that is not PEM or a key that belongs to
 * another certificate is a one-sentence {@code INVALID_REQUEST} naming the file and its flag, not a
 * handshake failure later. Keys are read by Vert.x's own PEM reader, so what passes here is what
 * the server loads: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code
 * EC PRIVATE KEY}).
 */
public final class PemFiles {
  private PemFiles() {}

  private static final Pattern CERTIFICATE_BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*)-----END CERTIFICATE-----");

  /**
   * The certificates of a PEM file, leaf first.
   *
   * @param flag the option that named the file, for the message
   */
  public static List<X509Certificate> certificates(Path file, String flag) {
    String text = new String(read(file, flag), StandardCharsets.US_ASCII);
    List<X509Certificate> certs = new ArrayList<>();
    // only the CERTIFICATE blocks: a file may hold its key or comments beside them
    Matcher m = CERTIFICATE_BLOCK.matcher(text);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw bad(
          file + " (" + flag + ") holds a certificate that cannot be read: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw bad(file + " (" + flag + ") holds no -----BEGIN CERTIFICATE----- block", null);
    }
    return certs;
  }

  /**
   * Checks a certificate and its key as Vert.x will load them, and that the key belongs to the
   * certificate.
   *
   * @return key/cert options naming the files by absolute path
   */
  public static PemKeyCertOptions keyCert(Path cert, String certFlag, Path key, String keyFlag) {
    X509Certificate leaf = certificates(cert, certFlag).get(0);
    byte[] keyBytes = read(key, keyFlag);
    PrivateKey privateKey;
    try {
      KeyManager[] managers =
          new PemKeyCertOptions()
              .setKeyValue(Buffer.buffer(keyBytes))
              .setCertValue(Buffer.buffer(read(cert, certFlag)))
              .getKeyManagerFactory(null) // values only: no Vert.x needed to read files
              .getKeyManagers();
      X509KeyManager km = (X509KeyManager) managers[0];
      String[] aliases = km.getServerAliases(leaf.getPublicKey().getAlgorithm(), null);
      privateKey = aliases == null || aliases.length == 0 ? null : km.getPrivateKey(aliases[0]);
    } catch (Exception e) {
      throw bad(
          key
              + " ("
              + keyFlag
              + ") is not a PEM private key Vert.x can read (PKCS#8, PKCS#1 RSA or SEC1 EC): "
              + e.getMessage(),
          e);
    }
    if (privateKey == null || !belongs(privateKey, leaf.getPublicKey())) {
      throw bad(
          "the key "
              + key
              + " ("
              + keyFlag
              + ") does not belong to the certificate "
              + cert
              + " ("
              + certFlag
              + ")",
          null);
    }
    return new PemKeyCertOptions()
        .setCertPath(cert.toAbsolutePath().toString())
        .setKeyPath(key.toAbsolutePath().toString());
  }

  /**
   * Checks a file of certificates to trust (a CA, or a self-signed certificate itself).
   *
   * @return trust options naming the file by absolute path
   */
  public static PemTrustOptions trust(Path file, String flag) {
    certificates(file, flag);
    return new PemTrustOptions().addCertPath(file.toAbsolutePath().toString());
  }

  /** SHA-256 fingerprint of a certificate, as {@code openssl x509 -fingerprint -sha256} shows. */
  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean belongs(PrivateKey key, PublicKey pub) {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> null;
        };
    if (alg == null) {
      return true; // Vert.x reads only RSA and EC keys; nothing else reaches here
    }
    try {
      byte[] probe = "assetgrid key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] read(Path file, String flag) {
    if (file == null) {
      throw bad(flag + " needs a file", null);
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw bad("the file " + file + " given with " + flag + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw bad("the file " + file + " given with " + flag + " cannot be read (permissions)", e);
    } catch (IOException e) {
      throw bad("the file " + file + " given with " + flag + " cannot be read: " + e, e);
    }
  }

  private static AssetGridException bad(String message, Throwable cause) {
    return new AssetGridException(ErrorCode.INVALID_REQUEST, message, cause);
  }
}
