package dev.assetgrid.node.processing.validate;

import java.util.Arrays;

/**
 * Lenient GLB container reader: walks header and chunks exactly as far as the bytes allow and
 * reports every deviation as a {@code GLB_*} issue instead of throwing. All reads are
 * bounds-checked.
 */
final class GlbContainer {
  static final int MAGIC = 0x46546C67;
  static final int CHUNK_JSON = 0x4E4F534A;
  static final int CHUNK_BIN = 0x004E4942;

  /** JSON chunk bytes, or null when there is none usable. */
  byte[] json;

  /** BIN chunk bytes, or null when absent. */
  byte[] bin;

  /** False when the container is so broken that no JSON should be parsed. */
  boolean usable;

  private boolean hasJson;
  private boolean hasBin;

  static boolean looksLikeGlb(byte[] data) {
    return data.length >= 4 && readInt(data, 0) == MAGIC;
  }

  static int readInt(byte[] b, int off) {
    return (b[off] & 0xFF)
        | (b[off + 1] & 0xFF) << 8
        | (b[off + 2] & 0xFF) << 16
        | (b[off + 3] & 0xFF) << 24;
  }

  private static String hex(int type) {
    return String.format("0x%08x", type);
  }

  /** Reads the container; never throws. */
  static GlbContainer read(byte[] data, Issues issues) {
    GlbContainer g = new GlbContainer();
    long total = header(data, issues);
    if (total < 0) {
      return g;
    }
    long off = 12;
    int chunkNo = 0;
    g.usable = true;
    long limit = total > 12 ? Math.min(total, data.length) : data.length;
    while (off < limit) {
      if (off + 8 > data.length) {
        issues.add(
            IssueCode.GLB_UNEXPECTED_END_OF_CHUNK_HEADER, null, "Unexpected end of chunk header.");
        g.usable = g.hasJson;
        return g;
      }
      long len = Integer.toUnsignedLong(readInt(data, (int) off));
      int type = readInt(data, (int) off + 4);
      long dataStart = off + 8;
      if ((len & 3) != 0) {
        issues.add(
            IssueCode.GLB_CHUNK_LENGTH_UNALIGNED,
            null,
            "Length of " + hex(type) + " chunk is not aligned to 4-byte boundaries.");
      }
      if (dataStart + len > total) {
        issues.add(
            IssueCode.GLB_CHUNK_TOO_BIG,
            null,
            "Chunk (" + hex(type) + ") length (" + len + ") does not fit total GLB length.");
      }
      if (chunkNo == 0 && type != CHUNK_JSON) {
        issues.add(
            IssueCode.GLB_UNEXPECTED_FIRST_CHUNK,
            null,
            "First chunk must be of JSON type. Found " + hex(type) + " instead.");
      }
      if (type == CHUNK_BIN && chunkNo > 1 && !g.hasBin) {
        issues.add(IssueCode.GLB_UNEXPECTED_BIN_CHUNK, null, "BIN chunk must be the second chunk.");
      }
      boolean truncatedData = dataStart + len > data.length;
      byte[] payload =
          truncatedData ? null : Arrays.copyOfRange(data, (int) dataStart, (int) (dataStart + len));
      g.chunk(type, len, payload, chunkNo, dataStart < data.length, issues);
      chunkNo++;
      if (truncatedData) {
        if (len > 0) {
          issues.add(
              IssueCode.GLB_UNEXPECTED_END_OF_CHUNK_DATA, null, "Unexpected end of chunk data.");
        }
        g.usable = g.json != null;
        return g;
      }
      off = dataStart + len;
    }
    if (total != off && off <= data.length) {
      issues.add(
          IssueCode.GLB_LENGTH_MISMATCH,
          null,
          "Declared length (" + total + ") does not match GLB length (" + off + ").");
    }
    if (off < data.length && total == off) {
      issues.add(IssueCode.GLB_EXTRA_DATA, null, "Extra data after the end of GLB stream.");
    }
    return g;
  }

  /**
   * Checks the 12-byte header; returns the declared total length, or -1 when no chunk can be read.
   */
  private static long header(byte[] data, Issues issues) {
    if (data.length < 12) {
      issues.add(IssueCode.GLB_UNEXPECTED_END_OF_HEADER, null, "Unexpected end of header.");
      return -1;
    }
    int magic = readInt(data, 0);
    if (magic != MAGIC) {
      issues.add(
          IssueCode.GLB_INVALID_MAGIC,
          null,
          "Invalid GLB magic value (" + Integer.toUnsignedString(magic) + ").");
      return -1;
    }
    int version = readInt(data, 4);
    if (version != 2) {
      issues.add(
          IssueCode.GLB_INVALID_VERSION,
          null,
          "Invalid GLB version value " + Integer.toUnsignedString(version) + ".");
      return -1;
    }
    long total = Integer.toUnsignedLong(readInt(data, 8));
    if (total <= 12) {
      issues.add(
          IssueCode.GLB_LENGTH_TOO_SMALL,
          null,
          "Declared GLB length (" + total + ") is too small.");
    }
    return total;
  }

  /**
   * Takes a JSON or BIN chunk (the first of each kind; the JSON one only as the first chunk).
   *
   * @param payload the chunk data, null when the data runs past the end
   * @param moreBytes whether any bytes follow the chunk header
   */
  private void chunk(
      int type, long len, byte[] payload, int chunkNo, boolean moreBytes, Issues issues) {
    if (type == CHUNK_JSON) {
      if (len == 0) {
        issues.add(
            IssueCode.GLB_EMPTY_CHUNK, null, "Chunk (" + hex(type) + ") cannot have zero length.");
        if (!hasJson && moreBytes) {
          // Khronos' streaming reader parses the empty chunk when more bytes follow
          issues.add(
              IssueCode.INVALID_JSON, "", "Invalid JSON data. Parser output: empty JSON chunk.");
        }
      }
      if (hasJson) {
        issues.add(
            IssueCode.GLB_DUPLICATE_CHUNK,
            null,
            "Chunk of type " + hex(type) + " has already been used.");
      } else if (chunkNo == 0) {
        json = payload;
      }
      hasJson = true;
    } else if (type == CHUNK_BIN) {
      if (hasBin) {
        issues.add(
            IssueCode.GLB_DUPLICATE_CHUNK,
            null,
            "Chunk of type " + hex(type) + " has already been used.");
      } else {
        if (len == 0) {
          issues.add(IssueCode.GLB_EMPTY_BIN_CHUNK, null, "Empty BIN chunk should be omitted.");
        }
        bin = payload;
      }
      hasBin = true;
    } else {
      issues.add(
          IssueCode.GLB_UNKNOWN_CHUNK_TYPE, null, "Unknown GLB chunk type: " + hex(type) + ".");
    }
  }
}
