package dev.assetgrid.coordinator.access;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets the grid must be able to read again (webhook signing secrets, which cannot be
 * stored hashed) before they go into the database: AES-256-GCM under a key derived from the cluster
 * secret, so a database dump or backup alone does not reveal them, and every coordinator of the
 * grid can open them. Sealed form: a 12-byte random nonce, then the ciphertext with its 16-byte
 * tag; the purpose is bound as associated data, so a value sealed for one use does not open for
 * another.
 */
public final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final byte[] purpose;

  /**
   * @param key 32 bytes (e.g. {@code ClusterSecret.derive("assetgrid webhook secrets")})
   * @param purpose what the sealed values are, bound to each of them
   */
  public SecretBox(byte[] key, String purpose) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.purpose = purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public byte[] seal(byte[] plain) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, plain, 0, plain.length);
    return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
  }

  /**
   * The plain bytes.
   *
   * @throws IllegalArgumentException when the value was sealed under another key or purpose, or was
   *     changed
   */
  public byte[] open(byte[] sealed) {
    if (sealed.length < NONCE + TAG_BITS / 8) {
      throw new IllegalArgumentException("the sealed value is too short");
    }
    byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE);
    return run(Cipher.DECRYPT_MODE, nonce, sealed, NONCE, sealed.length - NONCE);
  }

  private byte[] run(int mode, byte[] nonce, byte[] in, int off, int len) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(purpose);
      return c.doFinal(in, off, len);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("the sealed value does not open under this grid's key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
