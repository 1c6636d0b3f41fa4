package dev.assetgrid.bench.probe;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A valid binary STL of a given triangle count, generated on the fly as it is read (constant
 * memory): 80-byte header, uint32 count, then per triangle a normal, three vertices (float32) and a
 * zero attribute word. Triangles tile a strip of unit squares, so the file is a sane mesh.
 */
public final class StlStream extends InputStream {
  private static final int TRI = 50;
  private final long triangles;
  private final long length;
  private long pos;
  private final ByteBuffer tri = ByteBuffer.allocate(TRI).order(ByteOrder.LITTLE_ENDIAN);
  private long triIndex = -1;

  public StlStream(long triangles) {
    if (triangles < 1 || triangles > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("binary STL holds 1..2^32-1 triangles: " + triangles);
    }
    this.triangles = triangles;
    this.length = 84 + TRI * triangles;
  }

  /** The largest triangle count whose STL is at most {@code bytes} long. */
  public static long trianglesFor(long bytes) {
    return Math.max(1, (bytes - 84) / TRI);
  }

  public static long lengthFor(long triangles) {
    return 84 + TRI * triangles;
  }

  public long length() {
    return length;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (pos >= length) {
      return -1;
    }
    int n = 0;
    while (n < len && pos < length) {
      if (pos < 84) {
        b[off + n++] = headerByte((int) pos);
        pos++;
        continue;
      }
      long t = (pos - 84) / TRI;
      int within = (int) ((pos - 84) % TRI);
      if (t != triIndex) {
        fill(t);
      }
      int take = (int) Math.min(len - n, TRI - within);
      tri.get(within, b, off + n, take);
      n += take;
      pos += take;
    }
    return n;
  }

  private byte headerByte(int i) {
    if (i < 80) {
      byte[] h =
          "assetgrid-bench upload probe (binary STL)"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      return i < h.length ? h[i] : (byte) ' ';
    }
    return (byte) (triangles >>> (8 * (i - 80)));
  }

  private void fill(long t) {
    triIndex = t;
    long quad = t / 2;
    float x = (float) (quad % 1000);
    float y = (float) (quad / 1000 % 1000);
    float z = (float) (quad / 1_000_000);
    tri.clear();
    tri.putFloat(0).putFloat(0).putFloat(1);
    if (t % 2 == 0) {
      tri.putFloat(x)
          .putFloat(y)
          .putFloat(z)
          .putFloat(x + 1)
          .putFloat(y)
          .putFloat(z)
          .putFloat(x)
          .putFloat(y + 1)
          .putFloat(z);
    } else {
      tri.putFloat(x + 1)
          .putFloat(y)
          .putFloat(z)
          .putFloat(x + 1)
          .putFloat(y + 1)
          .putFloat(z)
          .putFloat(x)
          .putFloat(y + 1)
          .putFloat(z);
    }
    tri.putShort((short) 0);
  }
}
