package dev.assetgrid.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of the coordinator, for the network failures a client meets:
 * armed with {@link #cutAfter}, it closes the connection that carries the N-th byte from the client
 * and then refuses every connection (a network that went away) until {@link #heal}; {@link #goDown}
 * does that at once to every connection; {@link #cutStreamOnce} breaks one response mid-way (a
 * stream, say) and lets the next connections through. It counts the bytes clients sent through it
 * and keeps the head (request line and headers) of every HTTP/1.1 request they sent, so a test sees
 * from outside the client which requests it made.
 */
final class CuttingProxy implements AutoCloseable {
  /** A request line, at the end of a line: a body without a line end runs into the next one. */
  private static final Pattern REQUEST_LINE =
      Pattern.compile("(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\\S*) HTTP/1\\.[01]$");

  /** One proxied connection: the target of the latest request on it, its two sockets. */
  private static final class Connection {
    final Socket client;
    final Socket upstream;
    volatile String target;

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }
  }

  private final ServerSocket server;
  private final AtomicLong upstreamBytes = new AtomicLong();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;
  private volatile long cutAt = Long.MAX_VALUE;
  private volatile boolean down;
  private volatile String cutPath;
  private volatile String cutMarker;
  private final AtomicBoolean streamCut = new AtomicBoolean();

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

  /**
   * The heads of the requests clients sent so far, in order: the request line, then the header
   * lines, joined by {@code \n}.
   */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The heads of the requests whose target starts with {@code prefix}. */
  List<String> requests(String prefix) {
    return requests.stream().filter(r -> r.split(" ", 3)[1].startsWith(prefix)).toList();
  }

  /**
   * Closes, once, the connection of a request whose target starts with {@code pathPrefix} where its
   * answer carries {@code marker}: what came before reaches the client, the marker and the rest do
   * not; later connections go through.
   */
  void cutStreamOnce(String pathPrefix, String marker) {
    cutMarker = marker;
    cutPath = pathPrefix;
  }

  /** Whether {@link #cutStreamOnce} has cut. */
  boolean streamCut() {
    return streamCut.get();
  }

  /** Breaks every open connection and refuses new ones until {@link #heal}. */
  void goDown() {
    down = true;
    for (Connection c : open) {
      closeQuietly(c.client);
      closeQuietly(c.upstream);
    }
  }

  /** Lets connections through again. */
  void heal() {
    down = false;
    cutPath = null;
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
        Connection c = new Connection(client, upstream);
        open.add(c);
        pump(c, true);
        pump(c, false);
      } catch (IOException e) {
        // the server socket closed, or one connection failed: the others go on
      }
    }
  }

  private void pump(Connection c, boolean fromClient) {
    Socket from = fromClient ? c.client : c.upstream;
    Socket to = fromClient ? c.upstream : c.client;
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              RequestHeads heads = new RequestHeads(c);
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  if (fromClient) {
                    heads.scan(buf, n);
                    long total = upstreamBytes.addAndGet(n);
                    if (total >= cutAt) {
                      down = true;
                      from.close();
                      to.close();
                      return;
                    }
                  } else {
                    int cut = cutAt(c, buf, n);
                    if (cut >= 0) {
                      out.write(buf, 0, cut);
                      out.flush();
                      closeQuietly(from);
                      closeQuietly(to);
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
                open.remove(c);
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Where in this chunk of an answer {@link #cutStreamOnce} cuts (what comes before still reaches
   * the client), or -1.
   */
  private int cutAt(Connection c, byte[] buf, int n) {
    String path = cutPath;
    String target = c.target;
    if (path == null || target == null || !target.startsWith(path)) {
      return -1;
    }
    int at = new String(buf, 0, n, StandardCharsets.ISO_8859_1).indexOf(cutMarker);
    return at >= 0 && streamCut.compareAndSet(false, true) ? at : -1;
  }

  /** Finds the request heads in what a client sends (bodies pass as lines that match nothing). */
  private final class RequestHeads {
    private final Connection connection;
    private final StringBuilder line = new StringBuilder();
    private StringBuilder head;

    RequestHeads(Connection connection) {
      this.connection = connection;
    }

    void scan(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        char ch = (char) (buf[i] & 0xff);
        if (ch == '\n') {
          line(line.toString().replace("\r", ""));
          line.setLength(0);
        } else {
          if (line.length() >= 8192) {
            line.delete(0, 4096); // a body's bytes; only the end of a line can be a request line
          }
          line.append(ch);
        }
      }
    }

    private void line(String l) {
      if (head == null) {
        Matcher m = REQUEST_LINE.matcher(l);
        if (m.find()) {
          head = new StringBuilder(m.group());
          connection.target = m.group(1);
        }
      } else if (l.isEmpty()) {
        requests.add(head.toString());
        head = null;
      } else {
        head.append('\n').append(l);
      }
    }
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
