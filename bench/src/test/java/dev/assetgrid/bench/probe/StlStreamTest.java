package dev.assetgrid.bench.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class StlStreamTest {
  @Test
  void lengthAndHeaderMatchTheTriangleCount() throws Exception {
    long tris = StlStream.trianglesFor(10_000);
    assertThat(tris).isEqualTo((10_000 - 84) / 50);
    try (InputStream in = new StlStream(tris)) {
      byte[] all = in.readAllBytes();
      assertThat(all).hasSize((int) StlStream.lengthFor(tris));
      ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(b.getInt(80) & 0xFFFFFFFFL).isEqualTo(tris);
      // second triangle's first vertex x = 1 (upper-right triangle of the first quad)
      assertThat(b.getFloat(84 + 50 + 12)).isEqualTo(1f);
      assertThat(b.getShort(84 + 48)).isZero();
    }
  }

  @Test
  void oddReadSizesGiveTheSameBytes() throws Exception {
    byte[] whole;
    try (InputStream in = new StlStream(7)) {
      whole = in.readAllBytes();
    }
    byte[] pieces = new byte[whole.length];
    try (InputStream in = new StlStream(7)) {
      int off = 0;
      int n;
      while ((n = in.read(pieces, off, Math.min(13, pieces.length - off))) > 0) {
        off += n;
      }
      assertThat(off).isEqualTo(whole.length);
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(pieces).isEqualTo(whole);
  }
}
