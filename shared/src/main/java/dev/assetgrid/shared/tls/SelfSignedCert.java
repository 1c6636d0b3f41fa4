package dev.assetgrid.shared.tls;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-signed certificate and its private key, for development TLS ({@code --tls self-signed})
 * and for tests: an EC P-256 key, signed with SHA256withECDSA, naming its hosts as subject
 * alternative names, usable by a server and by a client (mutual TLS).
 *
 * <p>Design note: the JDK has no public API to build a certificate; Netty's and Vert.x's
 * self-signed helpers need BouncyCastle or {@code sun.security.x509} (which Java 17 hides behind
 * {@code --add-exports}). An X.509 v3 certificate is a small DER structure over a signature the JDK
 * does make, so it is written here ({@link Der}); the JDK's {@code CertificateFactory} reads it
 * back as the check. No dependency, no JVM flag.
 */
public final class SelfSignedCert {
  private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCert.class);

  /** File name of the certificate in a certificate folder. */
  public static final String CERT_FILE = "cert.pem";

  /** File name of the private key (PKCS#8 PEM, mode 0600) in a certificate folder. */
  public static final String KEY_FILE = "key.pem";

  /** How long a generated certificate is valid: 825 days, the most clients accept. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(825);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXT_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private final X509Certificate certificate;
  private final String certificatePem;
  private final String privateKeyPem;

  private SelfSignedCert(X509Certificate certificate, String certificatePem, String keyPem) {
    this.certificate = certificate;
    this.certificatePem = certificatePem;
    this.privateKeyPem = keyPem;
  }

  /**
   * A new key pair and a certificate for it.
   *
   * @param commonName the subject's (and issuer's) CN
   * @param hosts DNS names and IP literals the certificate is for (at least one)
   * @param validity from one hour ago (clock skew) until {@code validity} from now
   */
  public static SelfSignedCert generate(
      String commonName, Collection<String> hosts, Duration validity) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a certificate needs at least one host");
    }
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair keys = kpg.generateKeyPair();
      byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
      byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
      byte[] serial = new byte[16];
      RANDOM.nextBytes(serial);
      serial[0] |= 0x40; // positive and never zero
      serial[0] &= 0x7F;
      Instant now = Instant.now();
      byte[] tbs =
          Der.sequence(
              Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
              Der.integer(new BigInteger(serial)),
              algorithm,
              name,
              Der.sequence(Der.time(now.minus(Duration.ofHours(1))), Der.time(now.plus(validity))),
              name,
              keys.getPublic().getEncoded(), // SubjectPublicKeyInfo
              Der.explicit(
                  3,
                  Der.sequence(
                      extension(SUBJECT_ALT_NAME, false, subjectAltNames(hosts)),
                      extension(BASIC_CONSTRAINTS, true, Der.sequence()), // not a CA
                      extension(KEY_USAGE, true, Der.bits(new byte[] {(byte) 0x80}, 7)),
                      extension(
                          EXT_KEY_USAGE,
                          false,
                          Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))))));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bits(signer.sign(), 0));
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      cert.verify(keys.getPublic());
      return new SelfSignedCert(
          cert, pem("CERTIFICATE", der), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
  }

  /**
   * The development certificate in {@code dir} ({@value #CERT_FILE}, {@value #KEY_FILE}): the one
   * found there, or a new one for {@code hosts} when there is none (or it has expired). A
   * certificate found there that does not name one of {@code hosts} is kept (nodes trust it) with a
   * warning.
   *
   * @return the certificate in {@code dir/cert.pem}
   * @throws AssetGridException INVALID_REQUEST when the folder cannot be written or holds an
   *     unreadable certificate
   */
  public static X509Certificate readOrCreate(Path dir, String commonName, List<String> hosts) {
    Path certFile = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      X509Certificate found = PemFiles.certificates(certFile, "--tls self-signed").get(0);
      if (found.getNotAfter().toInstant().isAfter(Instant.now())) {
        List<String> missing = new ArrayList<>(hosts);
        missing.removeAll(names(found));
        if (!missing.isEmpty()) {
          LOG.warn(
              "the development certificate {} does not name {}: clients reaching it by that name"
                  + " will refuse it (delete {} to make a new one, then give nodes the new {})",
              certFile,
              missing,
              dir,
              CERT_FILE);
        }
        return found;
      }
      LOG.warn(
          "the development certificate {} expired on {}: making a new one (nodes need the new"
              + " file)",
          certFile,
          found.getNotAfter().toInstant());
    }
    SelfSignedCert made = generate(commonName, hosts, DEFAULT_VALIDITY);
    try {
      made.writeTo(certFile, keyFile);
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "cannot write the development certificate into " + dir + ": " + e,
          e);
    }
    LOG.info("generated a self-signed development certificate {} for {}", certFile, hosts);
    return made.certificate;
  }

  /** Writes the certificate and the key (owner-only, mode 0600), replacing what is there. */
  public void writeTo(Path certFile, Path keyFile) throws IOException {
    for (Path p : List.of(certFile, keyFile)) {
      Path parent = p.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }
    Files.deleteIfExists(keyFile);
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
    try {
      Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(owner));
    } catch (UnsupportedOperationException e) {
      Files.createFile(keyFile); // not a POSIX file system
    }
    Files.writeString(keyFile, privateKeyPem, StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(certFile, certificatePem);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
  public String certificatePem() {
    return certificatePem;
  }

  /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** The DNS names and IP addresses a certificate names (its subject alternative names). */
  public static Set<String> names(X509Certificate cert) {
    Set<String> out = new LinkedHashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          out.add(String.valueOf(san.get(1)));
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable names
    }
    return out;
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
        : Der.sequence(Der.oid(oid), Der.octets(value));
  }

  private static byte[] subjectAltNames(Collection<String> hosts) {
    List<byte[]> names = new ArrayList<>();
    for (String h : new LinkedHashSet<>(hosts)) {
      String host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
      if (IPV4.matcher(host).matches() || host.contains(":")) {
        try {
          // a literal: no lookup is made
          names.add(Der.implicit(7, InetAddress.getByName(host).getAddress())); // iPAddress
        } catch (java.net.UnknownHostException e) {
          throw new IllegalArgumentException("not an IP address: " + host, e);
        }
      } else {
        names.add(Der.implicit(2, host.getBytes(StandardCharsets.US_ASCII))); // dNSName
      }
    }
    return Der.sequence(names.toArray(byte[][]::new));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
