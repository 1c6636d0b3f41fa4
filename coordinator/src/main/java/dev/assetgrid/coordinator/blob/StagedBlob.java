package dev.assetgrid.coordinator.blob;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Content that was streamed to a store's staging area and is not published yet: either {@link
 * BlobStore#commit committed} or {@link BlobStore#discard discarded} by its owner.
 *
 * <p>Carries what was computed while the bytes streamed by: the SHA-256, the size and the first
 * bytes ({@link #head()}, up to {@value #HEAD_BYTES}) so the format can be sniffed without reading
 * the file again.
 */
public final class StagedBlob {
  /** How many leading bytes {@link #head()} keeps. */
  public static final int HEAD_BYTES = 64 * 1024;

  private final String sha256;
  private final long size;
  private final Path path;
  private final byte[] head;

  /** For store implementations. {@code head} is kept as is (not copied). */
  public StagedBlob(String sha256, long size, Path path, byte[] head) {
    this.sha256 = BlobInfo.requireSha256(sha256);
    this.size = size;
    this.path = Objects.requireNonNull(path, "path");
    this.head = Objects.requireNonNull(head, "head");
    if (head.length > HEAD_BYTES || head.length > size) {
      throw new IllegalArgumentException("head longer than content");
    }
  }

  /** SHA-256 of the staged content, 64 lowercase hex characters. */
  public String sha256() {
    return sha256;
  }

  /** Content length in bytes. */
  public long size() {
    return size;
  }

  /** The staged temporary file on local disk (valid until commit or discard). */
  public Path path() {
    return path;
  }

  /** A copy of the first {@code min(size, 64 KiB)} bytes of the content. */
  public byte[] head() {
    return Arrays.copyOf(head, head.length);
  }

  /** Number of bytes in {@link #head()}. */
  public int headLength() {
    return head.length;
  }

  /** The info this blob will have once committed. */
  public BlobInfo info() {
    return new BlobInfo(sha256, size);
  }

  @Override
  public String toString() {
    return "StagedBlob[" + sha256 + ", " + size + " B, " + path + "]";
  }
}
