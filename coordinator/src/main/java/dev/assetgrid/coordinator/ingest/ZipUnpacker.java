package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.StagedBlob;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.util.FileTrees;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks an uploaded zip (already staged) into separate staged blobs: the model and its side
 * files, so the rest of the system sees the same thing as a multipart upload of those files.
 *
 * <p>Safety: entry names are checked before anything is written (absolute paths, drive letters,
 * {@code ..} segments and NUL are refused: zip-slip); entries are inflated into a private temp
 * directory under numbered names, never under their own names; the entry count, the total inflated
 * size and each entry's compression ratio are checked against {@link UploadLimits} while bytes are
 * inflated, so a zip bomb stops at the first byte past a limit. Encrypted entries are refused. Junk
 * that archivers add ({@code __MACOSX/}, {@code ._*}, {@code .DS_Store}, {@code Thumbs.db}, {@code
 * desktop.ini}) and directories are skipped.
 *
 * <p>Which entry is the model: every entry whose content {@link FormatSniffer} recognises (a JSON
 * file only when {@link UploadChecks} finds it is glTF 2.0, so a {@code metadata.json} is a side
 * file). If one of them is glTF/GLB, it is the model (a zip that ships the same asset as .gltf,
 * .fbx and .obj is converted from the glTF) and the other candidates become side files; two
 * glTF/GLB files, or no glTF and several other models, are ambiguous ({@code INVALID_REQUEST},
 * naming them); none is {@code UNSUPPORTED_FORMAT}. A zip inside the zip is a side file.
 *
 * <p>Names: the model's own file name becomes the upload's file name; side files are named by their
 * path relative to the model's directory (that is how the model refers to them), or by their full
 * path in the zip when they lie outside it.
 *
 * <p>On failure every blob staged so far is discarded and the temp directory deleted; nothing of
 * the zip reaches the store.
 */
public final class ZipUnpacker {
  private static final Set<String> JUNK_NAMES = Set.of(".ds_store", "thumbs.db", "desktop.ini");

  private final Vertx vertx;
  private final BlobStore store;
  private final UploadLimits limits;

  public ZipUnpacker(Vertx vertx, BlobStore store, UploadLimits limits) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * One unpacked file, staged.
   *
   * @param name the model's file name, or a side file's relative path ({@code /}-separated)
   * @param format the model format for the model; null for side files
   * @param staged the staged content (the caller commits or discards it)
   */
  public record Unpacked(String name, ModelFormat format, StagedBlob staged) {
    public boolean isModel() {
      return format != null;
    }
  }

  /** An entry inflated to a temp file, with what was learned on the way. */
  private record Extracted(String path, Path file, long size, byte[] head, ModelFormat format) {}

  /**
   * Unpacks the zip at {@code zipFile} (not modified, not deleted). The model comes first in the
   * result, side files follow in zip order.
   *
   * @throws AssetGridException (as a failed future) INVALID_REQUEST (unreadable zip, unsafe or
   *     duplicate names, several models), INPUT_LIMIT_EXCEEDED (entries, size, ratio),
   *     UNSUPPORTED_FORMAT (no model, encrypted entries), the codes of {@link UploadChecks} for a
   *     glTF model, BLOB_IO_ERROR
   */
  public Future<List<Unpacked>> unpack(Path zipFile) {
    return vertx
        .<Path>executeBlocking(() -> Files.createTempDirectory("assetgrid-unzip"), false)
        .compose(
            tmp ->
                vertx
                    .executeBlocking(() -> extract(zipFile, tmp), false)
                    .compose(this::stageAll)
                    .eventually(
                        () ->
                            vertx.executeBlocking(
                                () -> {
                                  FileTrees.delete(tmp);
                                  return null;
                                },
                                false)));
  }

  // ------------------------------------------------------------------ extract (blocking)

  private List<Extracted> extract(Path zipFile, Path tmp) throws IOException {
    List<Extracted> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(zipFile.toFile())) {
      if (zip.size() > limits.maxZipEntries()) {
        throw AssetGridException.of(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            "the zip lists " + zip.size() + " entries, more than " + limits.maxZipEntries());
      }
      Set<String> seen = new HashSet<>();
      long total = 0;
      int index = 0;
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (++index > limits.maxZipEntries()) {
          throw AssetGridException.of(
              ErrorCode.INPUT_LIMIT_EXCEEDED, "more than " + limits.maxZipEntries() + " entries");
        }
        String name = safeName(e.getName());
        if (e.isDirectory() || name == null || isJunk(name)) {
          continue;
        }
        if (!seen.add(name)) {
          throw AssetGridException.of(
              ErrorCode.INVALID_REQUEST, "the zip holds '" + name + "' twice");
        }
        Path file = tmp.resolve("entry-" + index);
        long size = inflate(zip, e, name, file, limits.maxZipBytes() - total);
        total += size;
        byte[] head = readHead(file);
        ModelFormat format = FormatSniffer.sniff(head, head.length, size).orElse(null);
        if (format == ModelFormat.ZIP) {
          format = null;
        }
        out.add(new Extracted(name, file, size, head, format));
      }
    } catch (ZipException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("encrypted")) {
        throw new AssetGridException(
            ErrorCode.UNSUPPORTED_FORMAT,
            ErrorCode.UNSUPPORTED_FORMAT.format("encrypted zip entries are not supported"),
            e);
      }
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          ErrorCode.INVALID_REQUEST.format("the zip cannot be read: " + msg),
          e);
    }
    return chooseModel(out);
  }

  /** Inflates one entry, counting real bytes against the remaining budget and the ratio limit. */
  private long inflate(ZipFile zip, ZipEntry e, String name, Path file, long budget)
      throws IOException {
    long compressed = Math.max(1, e.getCompressedSize());
    long written = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = zip.getInputStream(e);
        OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        written += n;
        if (written > budget) {
          throw AssetGridException.of(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              "the zip's files inflate to more than " + limits.maxZipBytes() + " bytes");
        }
        if (written > UploadLimits.ZIP_RATIO_FLOOR_BYTES
            && written > compressed * limits.maxZipRatio()) {
          throw AssetGridException.of(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              "zip entry '"
                  + name
                  + "' inflates more than "
                  + limits.maxZipRatio()
                  + " times its compressed size (zip bomb?)");
        }
        out.write(buf, 0, n);
      }
    }
    return written;
  }

  private static byte[] readHead(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(StagedBlob.HEAD_BYTES);
    }
  }

  /**
   * The entry name as a clean relative path, or null for names that are only separators.
   *
   * @throws AssetGridException INVALID_REQUEST for absolute paths, drive letters, {@code ..} or NUL
   */
  static String safeName(String raw) {
    String p = raw.replace('\\', '/');
    if (p.indexOf('\0') >= 0 || p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
      throw AssetGridException.of(ErrorCode.INVALID_REQUEST, "unsafe path in zip: '" + raw + "'");
    }
    List<String> segments = new ArrayList<>();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw AssetGridException.of(
            ErrorCode.INVALID_REQUEST, "unsafe path in zip (leaves the archive): '" + raw + "'");
      }
      segments.add(seg);
    }
    return segments.isEmpty() ? null : String.join("/", segments);
  }

  private static boolean isJunk(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return name.startsWith("__MACOSX/")
        || base.startsWith("._")
        || JUNK_NAMES.contains(base.toLowerCase(Locale.ROOT));
  }

  private List<Extracted> chooseModel(List<Extracted> files) {
    List<Extracted> gltf = new ArrayList<>();
    List<Extracted> other = new ArrayList<>();
    for (Extracted f : files) {
      if (f.format() == null) {
        continue;
      }
      if (f.format() == ModelFormat.GLTF) {
        try {
          UploadChecks.check(ModelFormat.GLTF, f.file(), f.size());
        } catch (AssetGridException e) {
          if (e.code() == ErrorCode.GLTF_NOT_GLTF) {
            continue; // some other JSON (metadata.json): a side file
          }
          throw e;
        }
      }
      (f.format().isGltf() ? gltf : other).add(f);
    }
    Extracted model;
    if (gltf.size() == 1) {
      model = gltf.get(0);
    } else if (gltf.size() > 1) {
      throw ambiguous(gltf);
    } else if (other.size() == 1) {
      model = other.get(0);
    } else if (other.size() > 1) {
      throw ambiguous(other);
    } else {
      throw AssetGridException.of(
          ErrorCode.UNSUPPORTED_FORMAT,
          "the zip holds no model file (glb, gltf, obj, fbx, stl, ply, dae) among its "
              + files.size()
              + " file(s)");
    }
    if (model.format() == ModelFormat.GLB) {
      UploadChecks.check(ModelFormat.GLB, model.file(), model.size());
    }
    String dir =
        model.path().contains("/")
            ? model.path().substring(0, model.path().lastIndexOf('/') + 1)
            : "";
    List<Extracted> ordered = new ArrayList<>();
    ordered.add(
        new Extracted(
            model.path().substring(dir.length()),
            model.file(),
            model.size(),
            model.head(),
            model.format()));
    Set<String> names = new HashSet<>();
    names.add(OutputNames.ORIGINAL); // the model's own input name
    for (Extracted f : files) {
      if (f == model) {
        continue;
      }
      String name =
          !dir.isEmpty() && f.path().startsWith(dir) ? f.path().substring(dir.length()) : f.path();
      if (!names.add(name)) {
        throw AssetGridException.of(
            ErrorCode.INVALID_REQUEST,
            "the zip holds two files named '" + name + "' relative to the model");
      }
      ordered.add(new Extracted(name, f.file(), f.size(), f.head(), null));
    }
    return ordered;
  }

  private static AssetGridException ambiguous(List<Extracted> models) {
    List<String> names = new ArrayList<>();
    models.forEach(m -> names.add(m.path()));
    Collections.sort(names);
    return AssetGridException.of(
        ErrorCode.INVALID_REQUEST,
        "the zip holds "
            + models.size()
            + " models ("
            + String.join(", ", names)
            + "); put one model per zip");
  }

  // ------------------------------------------------------------------ stage (async)

  private Future<List<Unpacked>> stageAll(List<Extracted> files) {
    List<Unpacked> staged = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Extracted f : files) {
      chain =
          chain.compose(
              v ->
                  vertx
                      .fileSystem()
                      .open(f.file().toString(), new OpenOptions().setRead(true))
                      .compose(file -> store.stage(file, f.size()).eventually(() -> file.close()))
                      .map(
                          s -> {
                            staged.add(new Unpacked(f.path(), f.format(), s));
                            return null;
                          }));
    }
    return chain
        .map(v -> staged)
        .recover(
            t -> {
              List<Future<Void>> discards = new ArrayList<>();
              staged.forEach(u -> discards.add(store.discard(u.staged())));
              return Future.join(discards).transform(x -> Future.failedFuture(t));
            });
  }

  /** A media type for a side file from its name, or null. */
  static String contentTypeOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    String ext = dot < 0 ? "" : n.substring(dot + 1);
    return Optional.ofNullable(
            switch (ext) {
              case "png" -> "image/png";
              case "jpg", "jpeg" -> "image/jpeg";
              case "ktx2" -> "image/ktx2";
              case "webp" -> "image/webp";
              case "bin" -> "application/octet-stream";
              case "mtl", "txt", "md" -> "text/plain";
              case "gltf" -> "model/gltf+json";
              default -> null;
            })
        .orElse(null);
  }
}
