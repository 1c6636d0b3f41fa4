package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Direct-upload parts on the coordinator's disk, for the local store: part {@code n} of upload
 * {@code id} is {@code <dir>/<id>/<n>.part}, received through the store's staging area (so a broken
 * part never shows) and moved into place atomically; a part sent again replaces the first.
 */
public final class LocalPartUploads implements PartUploads {
  private static final Pattern PART = Pattern.compile("(\\d{1,5})\\.part");

  private final Vertx vertx;
  private final Path dir;
  private final LocalBlobStore store;
  private final WorkerExecutor workers;

  public LocalPartUploads(Vertx vertx, Path dir, LocalBlobStore store) {
    this.vertx = vertx;
    this.dir = dir;
    this.store = store;
    this.workers = vertx.createSharedWorkerExecutor("assetgrid-parts", 4, 10, TimeUnit.MINUTES);
  }

  private Path folder(Target t) {
    return dir.resolve(t.id().toString());
  }

  @Override
  public Future<String> begin(BlobSpace space, UUID id) {
    return vertx
        .executeBlocking(
            () -> {
              Files.createDirectories(dir.resolve(id.toString()));
              return id.toString();
            },
            false)
        .recover(t -> Future.failedFuture(StagingArea.ioError("cannot make a part folder", t)));
  }

  @Override
  public Optional<URI> presignPart(Target t, int number, Duration ttl) {
    return Optional.empty();
  }

  @Override
  public Future<Part> putPart(Target t, int number, ReadStream<Buffer> in, long maxBytes) {
    Path target = folder(t).resolve(number + ".part");
    return store
        .stage(in, maxBytes)
        .compose(
            staged ->
                vertx
                    .executeBlocking(
                        () -> {
                          if (!Files.isDirectory(folder(t))) {
                            Files.deleteIfExists(staged.path());
                            throw new AssetGridException(
                                ErrorCode.UPLOAD_EXPIRED, "upload " + t.id());
                          }
                          Files.move(
                              staged.path(),
                              target,
                              StandardCopyOption.REPLACE_EXISTING,
                              StandardCopyOption.ATOMIC_MOVE);
                          return new Part(number, staged.size());
                        },
                        false)
                    .recover(
                        e ->
                            Future.failedFuture(
                                e instanceof AssetGridException
                                    ? e
                                    : StagingArea.ioError("cannot keep part " + number, e))));
  }

  @Override
  public Future<List<Part>> parts(Target t) {
    return vertx.executeBlocking(() -> list(folder(t)), false);
  }

  private static List<Part> list(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<Part> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = PART.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.add(new Part(Integer.parseInt(m.group(1)), Files.size(p)));
        }
      }
    }
    out.sort(Comparator.comparingInt(Part::number));
    return out;
  }

  @Override
  public Future<StagedBlob> assemble(Target t, List<Part> parts, long maxBytes) {
    List<Path> files = parts.stream().map(p -> folder(t).resolve(p.number() + ".part")).toList();
    return vertx
        .executeBlocking(
            () -> {
              List<InputStream> ins = new ArrayList<>(files.size());
              try {
                for (Path f : files) {
                  ins.add(Files.newInputStream(f));
                }
              } catch (IOException e) {
                for (InputStream i : ins) {
                  i.close();
                }
                throw e;
              }
              Iterator<InputStream> it = ins.iterator();
              Enumeration<InputStream> e =
                  ins.isEmpty() ? Collections.emptyEnumeration() : Collections.enumeration(ins);
              return (InputStream) new SequenceInputStream(e);
            },
            false)
        .compose(
            joined ->
                store.stage(
                    new InputStreamReadStream(
                        vertx.getOrCreateContext(),
                        workers,
                        joined,
                        64 * 1024,
                        () -> close(joined),
                        x -> StagingArea.ioError("cannot read the parts", x)),
                    maxBytes))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof AssetGridException
                        ? e
                        : StagingArea.ioError("cannot join the parts", e)));
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // reading stopped anyway
    }
  }

  @Override
  public Future<BlobInfo> publish(Target t, StagedBlob staged) {
    return store.commit(staged, t.space()).compose(info -> abort(t).map(info));
  }

  @Override
  public Future<Void> abort(Target t) {
    Path folder = folder(t);
    return vertx.executeBlocking(
        () -> {
          if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
              for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
              }
            }
            Files.deleteIfExists(folder);
          }
          return null;
        },
        false);
  }
}
