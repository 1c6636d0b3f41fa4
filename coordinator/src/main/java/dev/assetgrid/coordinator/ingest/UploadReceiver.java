package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.StagedBlob;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receives one HTTP upload into the blob store, streaming: the content is never whole in memory
 * (each buffer is hashed and written to a staging file as it arrives).
 *
 * <p>Per file: stage (sha256, size and the first 64 KiB computed on the way) → sniff the format
 * from the content → {@link UploadChecks} on a worker thread, while the next part keeps streaming.
 * Only when every file passed and the request holds exactly one model ({@link
 * ReceivedUpload#primary()}) are the staged files committed. So a refused upload never touches the
 * published store: its staging files are deleted and that is all. Committed blobs are never deleted
 * here, because a content-addressed blob may already belong to another asset; if a commit fails
 * half-way, the blobs committed so far are unreferenced and left to blob garbage collection.
 *
 * <p>Design note: the size limit is enforced by the store while bytes arrive (the first buffer past
 * the limit stops the stream), not from Content-Length alone, because chunked uploads have none. An
 * in-flight part is stopped through {@link AbortableStream} when another part fails.
 */
public final class UploadReceiver {
  /** Multipart framing and form fields allowed on top of {@code maxBytes} of file content. */
  static final long MULTIPART_OVERHEAD_BYTES = 1L << 20;

  private static final Pattern DISPOSITION_FILENAME_EXT =
      Pattern.compile("filename\\*\\s*=\\s*(?:UTF-8|utf-8)''([^;\\s]+)");
  private static final Pattern DISPOSITION_FILENAME =
      Pattern.compile("filename\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]+))");

  private final Vertx vertx;
  private final BlobStore store;
  private final UploadLimits limits;
  private final ZipUnpacker unzip;

  public UploadReceiver(Vertx vertx, BlobStore store, UploadLimits limits) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.unzip = new ZipUnpacker(vertx, store, limits);
  }

  /**
   * Receives the request's body: either a raw body (one file; its name from the {@code filename}
   * query parameter, else {@code Content-Disposition: ...; filename=}, else the {@code X-Filename}
   * header) or {@code multipart/form-data} (each file part streamed to the store; plain form fields
   * collected). Side files (parts whose content is not a model, e.g. .bin, .png) are stored with
   * format {@code null}. A zip (raw body or part) is unpacked by {@link ZipUnpacker}: its model and
   * side files take its place in {@link ReceivedUpload#files()} (side files named by their path
   * relative to the model, with the zip part's field name) and the zip itself is not stored.
   *
   * <p>Must be called before anything reads the body (first thing in the handler, no BodyHandler on
   * the route), on the request's context. Answers {@code 100 Continue} when the client expects it.
   *
   * <p>Fails with an {@link AssetGridException}: {@code UPLOAD_TOO_LARGE} (a Content-Length over
   * the limit fails at once, before reading), {@code UNSUPPORTED_FORMAT}, {@code INVALID_REQUEST},
   * {@code INPUT_LIMIT_EXCEEDED} (too many files), the GLB/glTF codes of {@link UploadChecks},
   * {@code BLOB_IO_ERROR}. When it fails, nothing of the request is left in the store, and the rest
   * of the body is being drained (read and dropped) so the error can be answered. For {@code
   * UPLOAD_TOO_LARGE}, answer with {@code Connection: close} and close the connection after the
   * response, so that a client sending gigabytes stops.
   */
  public Future<ReceivedUpload> receive(HttpServerRequest request, BlobSpace space) {
    request.pause();
    return new Exchange(request, space).run();
  }

  /** A file part that passed the checks and waits for the request to succeed before commit. */
  private record Part(
      String fieldName,
      String filename,
      ModelFormat format,
      StagedBlob staged,
      String contentType) {}

  /** The state of one request; every callback runs on the request's context. */
  private final class Exchange {
    private final HttpServerRequest request;
    private final BlobSpace space;
    private final Promise<ReceivedUpload> result = Promise.promise();
    private final List<Future<Part>> parts = new ArrayList<>();
    private final List<AbortableStream> streams = new ArrayList<>();
    private final List<HttpServerFileUpload> uploads = new ArrayList<>();

    /** Blobs staged from zips; discarded with the rest when the request fails. */
    private final List<StagedBlob> unpacked = new ArrayList<>();

    private boolean failed;

    Exchange(HttpServerRequest request, BlobSpace space) {
      this.request = request;
      this.space = space;
    }

    Future<ReceivedUpload> run() {
      boolean multipart = isMultipart(request);
      long declared = contentLength(request);
      long allowed = limits.maxBytes() + (multipart ? MULTIPART_OVERHEAD_BYTES : 0);
      if (declared > allowed) {
        fail(AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, limits.maxBytes()));
        return result.future();
      }
      request.exceptionHandler(this::fail);
      if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        request.response().writeContinue();
      }
      if (multipart) {
        receiveMultipart();
      } else {
        receiveRaw();
      }
      return result.future();
    }

    private void receiveRaw() {
      AbortableStream body = new AbortableStream(request);
      streams.add(body);
      String filename = rawFilename(request);
      Future<Part> part =
          store
              .stage(body, limits.maxBytes())
              .compose(staged -> inspect(null, filename, contentType(request), staged, true));
      parts.add(part);
      part.onSuccess(p -> complete()).onFailure(this::fail);
    }

    private void receiveMultipart() {
      request.setExpectMultipart(true);
      request.uploadHandler(this::onUpload);
      request.endHandler(
          v -> {
            if (!failed) {
              Future.all(parts).onSuccess(ignored -> complete()).onFailure(this::fail);
            }
          });
      request.resume();
    }

    private void onUpload(HttpServerFileUpload upload) {
      AbortableStream in = new AbortableStream(upload);
      streams.add(in);
      if (failed) {
        in.abort(new IllegalStateException("request already failed"));
        return;
      }
      if (uploads.size() >= limits.maxFiles()) {
        in.abort(new IllegalStateException("too many files"));
        fail(
            AssetGridException.of(
                ErrorCode.INPUT_LIMIT_EXCEEDED,
                "more than " + limits.maxFiles() + " files in one upload"));
        return;
      }
      long used = 0;
      for (HttpServerFileUpload previous : uploads) {
        used += previous.size();
      }
      uploads.add(upload);
      String filename = emptyToNull(upload.filename());
      String contentType = emptyToNull(upload.contentType());
      Future<Part> part =
          store
              .stage(in, Math.max(0, limits.maxBytes() - used))
              .compose(staged -> inspect(upload.name(), filename, contentType, staged, false));
      parts.add(part);
      part.onFailure(this::fail);
    }

    /** Sniffs and checks one staged file; discards it when it does not pass. */
    private Future<Part> inspect(
        String field, String filename, String contentType, StagedBlob staged, boolean mustBeModel) {
      Optional<ModelFormat> format =
          FormatSniffer.sniff(staged.head(), staged.headLength(), staged.size());
      if (format.isEmpty() && mustBeModel) {
        return discardAndFail(
            staged,
            AssetGridException.of(
                ErrorCode.UNSUPPORTED_FORMAT,
                describe(filename) + " is not a recognised model format"));
      }
      Part part = new Part(field, filename, format.orElse(null), staged, contentType);
      if (format.isEmpty() || !format.get().isGltf()) {
        return Future.succeededFuture(part);
      }
      return vertx
          .<Part>executeBlocking(
              () -> {
                UploadChecks.check(format.get(), staged.path(), staged.size());
                return part;
              },
              false)
          .recover(t -> discardAndFail(staged, t));
    }

    private <T> Future<T> discardAndFail(StagedBlob staged, Throwable t) {
      return store.discard(staged).transform(ignored -> Future.failedFuture(t));
    }

    /** Every part passed: check the whole, then publish the parts. */
    private void complete() {
      if (failed) {
        return;
      }
      List<Part> ok = new ArrayList<>();
      long total = 0;
      for (Future<Part> f : parts) {
        ok.add(f.result());
        total += f.result().staged().size();
      }
      if (total > limits.maxBytes()) {
        fail(AssetGridException.of(ErrorCode.UPLOAD_TOO_LARGE, limits.maxBytes()));
        return;
      }
      unpackZips(ok).onSuccess(this::publish).onFailure(this::fail);
    }

    /** Replaces every zip part by the files it holds (staged); the zip's own staging is dropped. */
    private Future<List<Part>> unpackZips(List<Part> in) {
      List<Part> out = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Part p : in) {
        if (p.format() != ModelFormat.ZIP) {
          chain =
              chain.map(
                  v -> {
                    out.add(p);
                    return null;
                  });
          continue;
        }
        chain =
            chain
                .compose(v -> unzip.unpack(p.staged().path()))
                .compose(
                    files -> {
                      for (ZipUnpacker.Unpacked u : files) {
                        unpacked.add(u.staged());
                        out.add(
                            new Part(
                                p.fieldName(),
                                u.name(),
                                u.format(),
                                u.staged(),
                                u.isModel()
                                    ? u.format().mediaType()
                                    : ZipUnpacker.contentTypeOf(u.name())));
                      }
                      return store.discard(p.staged());
                    });
      }
      return chain.map(v -> out);
    }

    private void publish(List<Part> ok) {
      if (failed) {
        return;
      }
      List<ReceivedFile> files = new ArrayList<>();
      for (Part p : ok) {
        files.add(
            new ReceivedFile(
                p.fieldName(), p.filename(), p.format(), p.staged().info(), p.contentType()));
      }
      ReceivedUpload upload;
      try {
        upload = new ReceivedUpload(files, fields());
        upload.primary();
      } catch (AssetGridException e) {
        fail(e);
        return;
      }
      // Sequential commits: a half-failed commit leaves the fewest unreferenced blobs behind.
      Future<BlobInfo> chain = Future.succeededFuture();
      for (Part p : ok) {
        chain = chain.compose(ignored -> store.commit(p.staged(), space));
      }
      chain.onSuccess(ignored -> result.tryComplete(upload)).onFailure(this::fail);
    }

    private Map<String, String> fields() {
      Map<String, String> fields = new LinkedHashMap<>();
      copy(request.params(), fields);
      if (!isMultipart(request)) {
        fields.remove("filename");
      } else {
        copy(request.formAttributes(), fields);
      }
      return fields;
    }

    /**
     * Fails the request once: stops and deletes every part (in flight or staged), drains the rest
     * of the body, and only then fails the result, so a caller that answers the error finds nothing
     * of this request left in the store.
     */
    private void fail(Throwable t) {
      if (failed) {
        return;
      }
      failed = true;
      Throwable error =
          t instanceof AssetGridException
              ? t
              : new AssetGridException(
                  ErrorCode.INVALID_REQUEST,
                  ErrorCode.INVALID_REQUEST.format("upload failed: " + t.getMessage()),
                  t);
      AssetGridException abort =
          new AssetGridException(ErrorCode.INVALID_REQUEST, "upload aborted");
      for (AbortableStream s : streams) {
        s.abort(abort);
      }
      drain();
      List<Future<?>> cleanups = new ArrayList<>();
      for (Future<Part> part : parts) {
        cleanups.add(
            part.transform(
                ar ->
                    ar.succeeded()
                        ? store.discard(ar.result().staged())
                        : Future.succeededFuture()));
      }
      for (StagedBlob s : unpacked) {
        cleanups.add(store.discard(s));
      }
      Future.join(cleanups).onComplete(ignored -> result.tryFail(error));
    }

    /** Reads and drops what is left of the body; harmless when it has been read already. */
    private void drain() {
      if (request.isEnded()) {
        return;
      }
      try {
        if (!request.isExpectMultipart()) {
          if (streams.isEmpty()) {
            request.handler(b -> {});
          }
        } else {
          request.uploadHandler(this::onUpload); // later parts are aborted on arrival
        }
        request.endHandler(null);
        request.resume();
      } catch (IllegalStateException alreadyRead) {
        // ended in the meantime: nothing to drain
      }
    }
  }

  private static void copy(MultiMap from, Map<String, String> to) {
    for (String name : from.names()) {
      to.put(name, from.get(name));
    }
  }

  private static boolean isMultipart(HttpServerRequest request) {
    String ct = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  /** The declared Content-Length, or -1 when absent or unparsable (chunked). */
  private static long contentLength(HttpServerRequest request) {
    String cl = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String contentType(HttpServerRequest request) {
    return emptyToNull(request.getHeader(HttpHeaders.CONTENT_TYPE));
  }

  /**
   * {@code ?filename=}, then {@code Content-Disposition} (RFC 6266, {@code filename*} first), then
   * {@code X-Filename}.
   */
  static String rawFilename(HttpServerRequest request) {
    String q = emptyToNull(request.getParam("filename"));
    if (q != null) {
      return q;
    }
    String fromDisposition =
        dispositionFilename(request.getHeader(HttpHeaders.CONTENT_DISPOSITION));
    if (fromDisposition != null) {
      return fromDisposition;
    }
    return emptyToNull(request.getHeader("X-Filename"));
  }

  static String dispositionFilename(String disposition) {
    if (disposition == null) {
      return null;
    }
    Matcher ext = DISPOSITION_FILENAME_EXT.matcher(disposition);
    if (ext.find()) {
      try {
        return emptyToNull(
            URLDecoder.decode(ext.group(1).replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException badEscape) {
        // fall back to the plain parameter
      }
    }
    Matcher m = DISPOSITION_FILENAME.matcher(disposition);
    if (m.find()) {
      String quoted = m.group(1);
      return emptyToNull(quoted != null ? quoted.replaceAll("\\\\(.)", "$1") : m.group(2));
    }
    return null;
  }

  private static String describe(String filename) {
    return filename == null ? "the upload" : "'" + filename + "'";
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
