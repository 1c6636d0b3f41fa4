package dev.assetgrid.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of the coordinator, for the network failures a client meets:
 * armed with {@link #cutAfter}, it closes the connection that carries the N-th byte from the client
 * and then refuses every connection (a network that went away) until {@link #heal}. It counts the
 * bytes clients sent through it.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicLong upstreamBytes = new AtomicLong();
  private volatile int targetPort;
  private volatile long cutAt = Long.MAX_VALUE;
  private volatile boolean down;

  CuttingProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "cutting-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Where connections go (known once the coordinator listens). */
  void target(int port) {
    targetPort = port;
  }

  /** Bytes clients sent through the proxy so far. */
  long upstreamBytes() {
    return upstreamBytes.get();
  }

  /** Breaks the connection carrying the {@code n}-th client byte from now, then stays down. */
  void cutAfter(long n) {
    cutAt = upstreamBytes.get() + n;
  }

  /** Lets connections through again. */
  void heal() {
    down = false;
    cutAt = Long.MAX_VALUE;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (down) {
          client.close();
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        // the server socket closed, or one connection failed: the others go on
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  if (fromClient) {
                    long total = upstreamBytes.addAndGet(n);
                    if (total >= cutAt) {
                      down = true;
                      from.close();
                      to.close();
                      return;
                    }
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
