package dev.assetgrid.coordinator.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Structural checks of a staged upload before it is accepted, so that obviously broken files are
 * refused at the door with a precise code instead of failing later in a task. This is a gate, not
 * the validator: the {@code validate} task does the full glTF rules.
 *
 * <ul>
 *   <li>GLB: 12-byte header (magic, version 2, declared length equal to the file size: a shorter
 *       file is {@code GLB_TRUNCATED}, a longer one {@code GLB_CHUNK_LENGTH_MISMATCH}); the first
 *       chunk is JSON; every chunk header and body lies inside the file, chunk lengths are
 *       multiples of 4 and the chunks exactly fill the file ({@code GLB_CHUNK_LENGTH_MISMATCH});
 *       the JSON chunk parses ({@code GLTF_INVALID_JSON}) and is glTF 2.0 ({@code GLTF_NOT_GLTF}).
 *   <li>glTF JSON: parses and is glTF 2.0: a top-level object whose {@code asset.version} starts
 *       with "2." ({@code GLTF_NOT_GLTF} for any other JSON).
 *   <li>Other formats: nothing yet (the sniffer already matched their signature).
 * </ul>
 *
 * <p>JSON is parsed as a token stream (never as a tree) and at most {@link #MAX_JSON_BYTES} of it
 * ({@code INPUT_LIMIT_EXCEEDED} above). <b>These are blocking file reads: call them on a worker
 * thread ({@code vertx.executeBlocking}), never on an event loop.</b>
 */
public final class UploadChecks {
  /** Largest glTF JSON (a .gltf file or a GLB JSON chunk) accepted, in bytes: 64 MiB. */
  public static final long MAX_JSON_BYTES = 64L << 20;

  private static final int GLB_MAGIC = 0x46546C67; // "glTF" little-endian
  private static final int CHUNK_JSON = 0x4E4F534A; // "JSON"
  private static final int GLB_HEADER = 12;
  private static final int CHUNK_HEADER = 8;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(
                      (int) MAX_JSON_BYTES) // embedded base64 data URIs are long strings
                  .maxNestingDepth(1000)
                  .build())
          .build();

  private UploadChecks() {}

  /**
   * Checks {@code stagedFile} as {@code format}; returns normally when it passes.
   *
   * @param size the file's size in bytes as staged (the file is not re-stat'ed)
   * @throws AssetGridException with the code of the first problem found
   */
  public static void check(ModelFormat format, Path stagedFile, long size)
      throws AssetGridException {
    try {
      switch (format) {
        case GLB -> checkGlb(stagedFile, size);
        case GLTF -> checkGltfJson(stagedFile, size);
        default -> {}
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.BLOB_IO_ERROR,
          ErrorCode.BLOB_IO_ERROR.format("reading staged upload: " + e),
          e);
    }
  }

  private static void checkGlb(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (size < GLB_HEADER) {
        throw fail(
            ErrorCode.GLB_TRUNCATED, "file has " + size + " bytes, the GLB header alone needs 12");
      }
      ByteBuffer header = read(ch, 0, GLB_HEADER);
      int magic = header.getInt(0);
      long version = Integer.toUnsignedLong(header.getInt(4));
      long length = Integer.toUnsignedLong(header.getInt(8));
      if (magic != GLB_MAGIC) {
        throw fail(ErrorCode.GLB_INVALID_HEADER, "magic is not 'glTF'");
      }
      if (version != 2) {
        throw fail(ErrorCode.GLB_INVALID_HEADER, "version " + version + ", only 2 is supported");
      }
      if (length > size) {
        throw fail(
            ErrorCode.GLB_TRUNCATED, "header declares " + length + " bytes, file has " + size);
      }
      if (length < size) {
        throw fail(
            ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
            "header declares " + length + " bytes, file has " + size + " (trailing data)");
      }
      // From here on the file is as long as it says, so a chunk running past the end is a lie in
      // the chunk header, not a truncation.
      long pos = GLB_HEADER;
      int index = 0;
      long jsonOffset = -1;
      long jsonLength = 0;
      while (pos < size) {
        if (size - pos < CHUNK_HEADER) {
          throw fail(
              ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
              (size - pos) + " stray bytes at offset " + pos + ", too few for a chunk header");
        }
        ByteBuffer ch8 = read(ch, pos, CHUNK_HEADER);
        long chunkLength = Integer.toUnsignedLong(ch8.getInt(0));
        int type = ch8.getInt(4);
        long body = pos + CHUNK_HEADER;
        if (chunkLength > size - body) {
          throw fail(
              ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
              "chunk "
                  + index
                  + " declares "
                  + chunkLength
                  + " bytes at offset "
                  + body
                  + ", only "
                  + (size - body)
                  + " remain");
        }
        if (chunkLength % 4 != 0) {
          throw fail(
              ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
              "chunk " + index + " length " + chunkLength + " is not a multiple of 4");
        }
        if (index == 0) {
          if (type != CHUNK_JSON) {
            throw fail(
                ErrorCode.GLB_INVALID_HEADER,
                String.format("first chunk must be JSON, is type 0x%08X", type));
          }
          jsonOffset = body;
          jsonLength = chunkLength;
        }
        pos = body + chunkLength;
        index++;
      }
      if (jsonOffset < 0) {
        throw fail(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH, "no JSON chunk after the header");
      }
      if (jsonLength == 0) {
        throw fail(ErrorCode.GLTF_INVALID_JSON, "JSON chunk is empty");
      }
      if (jsonLength > MAX_JSON_BYTES) {
        throw fail(
            ErrorCode.INPUT_LIMIT_EXCEEDED,
            "JSON chunk of " + jsonLength + " bytes, the limit is " + MAX_JSON_BYTES);
      }
      ch.position(jsonOffset);
      InputStream json = new BoundedInputStream(Channels.newInputStream(ch), jsonLength);
      checkGltf(new BufferedInputStream(json, 64 * 1024));
    }
  }

  private static void checkGltfJson(Path file, long size) throws IOException {
    if (size > MAX_JSON_BYTES) {
      throw fail(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "glTF JSON of " + size + " bytes, the limit is " + MAX_JSON_BYTES);
    }
    try (InputStream in =
        new BufferedInputStream(
            new BoundedInputStream(Files.newInputStream(file), MAX_JSON_BYTES), 64 * 1024)) {
      checkGltf(in);
    }
  }

  /** Streams through one JSON document: it must parse and be a glTF 2.0 root object. */
  private static void checkGltf(InputStream in) throws IOException {
    String version = null;
    boolean hasAsset = false;
    try (JsonParser p = JSON.createParser(in)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw fail(ErrorCode.GLTF_INVALID_JSON, "no JSON value");
      }
      if (t != JsonToken.START_OBJECT) {
        readToEnd(p);
        throw fail(
            ErrorCode.GLTF_NOT_GLTF, "the root is a JSON " + t.asString() + ", not an object");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if ("asset".equals(name) && t == JsonToken.START_OBJECT) {
          hasAsset = true;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("version".equals(field) && v == JsonToken.VALUE_STRING) {
              version = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren(); // still tokenizes, so syntax errors anywhere are found
        }
      }
      if (p.nextToken() != null) {
        throw fail(ErrorCode.GLTF_INVALID_JSON, "content after the root object");
      }
    } catch (StreamConstraintsException e) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          ErrorCode.INPUT_LIMIT_EXCEEDED.format("JSON " + e.getOriginalMessage()),
          e);
    } catch (JsonProcessingException | CharConversionException | EOFException e) {
      String msg =
          e instanceof JsonProcessingException jpe
              ? jpe.getOriginalMessage() + " at " + location(jpe)
              : e.toString();
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID_JSON, ErrorCode.GLTF_INVALID_JSON.format(msg), e);
    }
    if (!hasAsset) {
      throw fail(ErrorCode.GLTF_NOT_GLTF, "no 'asset' object");
    }
    if (version == null) {
      throw fail(ErrorCode.GLTF_NOT_GLTF, "no 'asset.version' string");
    }
    if (!version.startsWith("2.")) {
      throw fail(
          ErrorCode.GLTF_NOT_GLTF,
          "asset.version is '" + abbreviate(version) + "', only 2.x is supported");
    }
  }

  private static void readToEnd(JsonParser p) throws IOException {
    p.skipChildren();
    if (p.nextToken() != null) {
      throw fail(ErrorCode.GLTF_INVALID_JSON, "content after the root value");
    }
  }

  private static String location(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null ? "?" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new EOFException("file shorter than staged size");
      }
    }
    return b.flip();
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static AssetGridException fail(ErrorCode code, String detail) {
    return AssetGridException.of(code, detail);
  }

  /** Reads at most {@code limit} bytes of the wrapped stream, then reports end of stream. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int c = in.read();
      if (c >= 0) {
        remaining--;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
