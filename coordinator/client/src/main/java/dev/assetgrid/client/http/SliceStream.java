package dev.assetgrid.client.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * {@code length} bytes of a file from {@code offset}, read as a request body, telling how many have
 * been read so far (the upload bars): the body of a whole-file upload or of one part.
 */
final class SliceStream extends FilterInputStream {
  private final LongConsumer read;
  private long left;
  private long total;

  private SliceStream(InputStream in, long length, LongConsumer read) {
    super(in);
    this.left = length;
    this.read = read;
  }

  static SliceStream open(Path file, long offset, long length, LongConsumer read)
      throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(offset);
    return new SliceStream(Channels.newInputStream(ch), length, read);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = super.read(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
      total += n;
      read.accept(total);
    }
    return n;
  }

  @Override
  public long skip(long n) {
    return 0; // bodies are read in order, never skipped
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
