package dev.assetgrid.bench.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * s3proxy (its jar-with-dependencies from Maven Central) in a process of its own on loopback, over
 * the {@code filesystem-nio2} backend in a folder: the S3-compatible server the storage bench puts
 * both the grid and a plain SDK client against, as an operator's MinIO would be.
 */
final class S3ProxyProcess implements AutoCloseable {
  static final String ACCESS_KEY = "bench-access";
  static final String SECRET_KEY = "bench-secret";

  /** Where {@code mvn dependency:get} puts the jar. */
  static Path defaultJar() {
    return Path.of(
        System.getProperty("user.home"),
        ".m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar");
  }

  private final Process process;
  private final URI endpoint;

  private S3ProxyProcess(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static S3ProxyProcess start(Path jar, Path dir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "no s3proxy jar at "
              + jar
              + "; fetch it with: mvn dependency:get"
              + " -Dartifact=org.gaul:s3proxy:2.6.0:jar:jar-with-dependencies");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = Files.createDirectories(dir.resolve("buckets"));
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "s3proxy.ignore-unknown-headers=true",
            "jclouds.provider=filesystem-nio2",
            "jclouds.identity=identity",
            "jclouds.credential=credential",
            "jclouds.filesystem.basedir=" + data.toAbsolutePath(),
            ""));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-jar", jar.toString(), "--properties", props.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException("s3proxy did not start; see " + dir.resolve("s3proxy.log"));
        }
        Thread.sleep(100);
      }
    }
    return new S3ProxyProcess(p, URI.create("http://127.0.0.1:" + port));
  }

  URI endpoint() {
    return endpoint;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
  }
}
