package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads {@code .glb} and {@code .gltf} (with external or data-URI buffers and images) into a {@link
 * GltfAsset}. Every length in the input is checked before it is used, and every limit of {@link
 * GltfReadOptions} is checked before the bytes are allocated.
 *
 * <p>Errors: GLB_TRUNCATED (fewer bytes than the header or a chunk announces), GLB_INVALID_HEADER
 * (magic, version, chunk types), GLB_CHUNK_LENGTH_MISMATCH (chunk lengths that contradict the file
 * length or are unaligned), GLTF_INVALID_JSON, GLTF_NOT_GLTF (no {@code asset.version} 2.x),
 * GLTF_RESOURCE_MISSING, GLTF_INVALID (buffers shorter than their byteLength, malformed data URIs,
 * buffers without data), INPUT_LIMIT_EXCEEDED.
 *
 * <p>Accessor data is not decoded here; use {@link Accessors}. The assets it reads carry its {@link
 * MeshoptDecoder} (null when meshoptimizer is not available), which decodes their {@code
 * EXT_meshopt_compression} views when they are read; see {@link GltfAsset}. Thread-safe (stateless
 * apart from its options and decoder).
 */
public final class GltfReader {
  /** JSON mapper used for glTF documents: duplicate keys are an error, as the spec requires. */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    JSON.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(512)
                .maxStringLength(Integer.MAX_VALUE - 16)
                .build());
  }

  static final int GLB_MAGIC = 0x46546C67; // "glTF"
  static final int CHUNK_JSON = 0x4E4F534A;
  static final int CHUNK_BIN = 0x004E4942;
  private static final Pattern VERSION_2 = Pattern.compile("2\\.[0-9]+");

  private final GltfReadOptions options;
  private final MeshoptDecoder meshoptDecoder;

  /**
   * A reader with the default limits.
   *
   * @param meshoptDecoder the decoder for {@code EXT_meshopt_compression} views, or null when
   *     meshoptimizer is not available
   */
  public GltfReader(MeshoptDecoder meshoptDecoder) {
    this(GltfReadOptions.DEFAULTS, meshoptDecoder);
  }

  /**
   * @param options limits; not null
   * @param meshoptDecoder the decoder for {@code EXT_meshopt_compression} views, or null when
   *     meshoptimizer is not available
   */
  public GltfReader(GltfReadOptions options, MeshoptDecoder meshoptDecoder) {
    this.options = Objects.requireNonNull(options, "options");
    this.meshoptDecoder = meshoptDecoder;
  }

  public GltfReadOptions options() {
    return options;
  }

  /**
   * Reads a {@code .glb} or {@code .gltf} file (recognised by its content, not its name); side
   * files are resolved relative to the file's directory.
   */
  public GltfAsset read(Path file) {
    byte[] bytes = readFile(file, options.maxTotalBytes());
    Path dir = file.toAbsolutePath().getParent();
    ResourceResolver resolver =
        dir == null ? ResourceResolver.none() : ResourceResolver.directory(dir);
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".glb")) {
      return readGlb(bytes, resolver);
    }
    return read(bytes, resolver);
  }

  /**
   * Reads bytes that must be a GLB (a wrong magic is GLB_INVALID_HEADER, not a JSON error); a GLB
   * may still refer to external side files through {@code resolver}.
   */
  public GltfAsset readGlb(byte[] bytes, ResourceResolver resolver) {
    if (bytes.length > options.maxTotalBytes()) {
      throw limit("input has " + bytes.length + " bytes, limit " + options.maxTotalBytes());
    }
    if (bytes.length < 12) {
      throw new AssetGridException(
          ErrorCode.GLB_TRUNCATED, "GLB has " + bytes.length + " bytes, the header needs 12");
    }
    if (!isGlb(bytes)) {
      throw new AssetGridException(ErrorCode.GLB_INVALID_HEADER, "GLB magic is not 'glTF'");
    }
    return parseGlb(bytes, resolver);
  }

  /**
   * Reads a GLB or a glTF JSON document from memory, resolving side files with {@code resolver}.
   */
  public GltfAsset read(byte[] bytes, ResourceResolver resolver) {
    if (bytes.length > options.maxTotalBytes()) {
      throw limit("input has " + bytes.length + " bytes, limit " + options.maxTotalBytes());
    }
    if (isGlb(bytes)) {
      return readGlb(bytes, resolver);
    }
    if (bytes.length > options.maxJsonBytes()) {
      throw limit("JSON has " + bytes.length + " bytes, limit " + options.maxJsonBytes());
    }
    return build(parseJson(bytes, 0, bytes.length), null, resolver, bytes.length);
  }

  /** Whether {@code bytes} start with the GLB magic. */
  public static boolean isGlb(byte[] bytes) {
    return bytes.length >= 4
        && ByteBuffer.wrap(bytes, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == GLB_MAGIC;
  }

  // ---------------------------------------------------------------- GLB container

  private GltfAsset parseGlb(byte[] bytes, ResourceResolver resolver) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.getInt(4);
    if (version != 2) {
      throw new AssetGridException(
          ErrorCode.GLB_INVALID_HEADER,
          "GLB version " + Integer.toUnsignedString(version) + ", expected 2");
    }
    long length = Integer.toUnsignedLong(b.getInt(8));
    if (length > bytes.length) {
      throw new AssetGridException(
          ErrorCode.GLB_TRUNCATED,
          "GLB header declares " + length + " bytes, only " + bytes.length + " present");
    }
    if (length < 12 + 8) {
      throw new AssetGridException(
          ErrorCode.GLB_INVALID_HEADER,
          "GLB header declares length " + length + ", too small for a JSON chunk");
    }
    // Bytes after the declared length are ignored, as the spec's readers do.
    int jsonStart = -1;
    int jsonLength = 0;
    ByteBuffer bin = null;
    long pos = 12;
    int chunkIndex = 0;
    while (pos < length) {
      if (pos + 8 > length) {
        throw new AssetGridException(
            ErrorCode.GLB_TRUNCATED,
            "chunk " + chunkIndex + " header at byte " + pos + " is cut off");
      }
      long chunkLength = Integer.toUnsignedLong(b.getInt((int) pos));
      int chunkType = b.getInt((int) pos + 4);
      long dataStart = pos + 8;
      if (dataStart + chunkLength > length) {
        throw new AssetGridException(
            ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
            "chunk "
                + chunkIndex
                + " declares "
                + chunkLength
                + " bytes at byte "
                + dataStart
                + ", beyond the GLB length "
                + length);
      }
      if (chunkLength % 4 != 0) {
        throw new AssetGridException(
            ErrorCode.GLB_CHUNK_LENGTH_MISMATCH,
            "chunk " + chunkIndex + " length " + chunkLength + " is not a multiple of 4");
      }
      if (chunkIndex == 0) {
        if (chunkType != CHUNK_JSON) {
          throw new AssetGridException(
              ErrorCode.GLB_INVALID_HEADER,
              "first chunk has type 0x" + Integer.toHexString(chunkType) + ", expected JSON");
        }
        jsonStart = (int) dataStart;
        jsonLength = (int) chunkLength;
      } else if (chunkType == CHUNK_JSON) {
        throw new AssetGridException(ErrorCode.GLB_INVALID_HEADER, "more than one JSON chunk");
      } else if (chunkType == CHUNK_BIN) {
        if (chunkIndex != 1) {
          throw new AssetGridException(
              ErrorCode.GLB_INVALID_HEADER, "BIN chunk must directly follow the JSON chunk");
        }
        bin = ByteBuffer.wrap(bytes, (int) dataStart, (int) chunkLength).slice();
      }
      // other chunk types are skipped, as the spec requires
      pos = dataStart + chunkLength;
      chunkIndex++;
    }
    if (jsonLength == 0) {
      throw new AssetGridException(ErrorCode.GLTF_INVALID_JSON, "GLB JSON chunk is empty");
    }
    if (jsonLength > options.maxJsonBytes()) {
      throw limit("JSON chunk has " + jsonLength + " bytes, limit " + options.maxJsonBytes());
    }
    return build(parseJson(bytes, jsonStart, jsonLength), bin, resolver, bytes.length);
  }

  // ---------------------------------------------------------------- JSON + resources

  private static ObjectNode parseJson(byte[] bytes, int offset, int length) {
    // A UTF-8 BOM is not allowed by the spec but common; skip it rather than fail.
    if (length >= 3
        && (bytes[offset] & 0xff) == 0xEF
        && (bytes[offset + 1] & 0xff) == 0xBB
        && (bytes[offset + 2] & 0xff) == 0xBF) {
      offset += 3;
      length -= 3;
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID_JSON, "glTF JSON cannot be parsed: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID_JSON, "glTF JSON cannot be parsed: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new AssetGridException(ErrorCode.GLTF_NOT_GLTF, "JSON root is not an object");
    }
    return (ObjectNode) root;
  }

  private GltfAsset build(
      ObjectNode json, ByteBuffer glbBin, ResourceResolver resolver, long inputBytes) {
    JsonNode version = json.path("asset").path("version");
    if (!version.isTextual() || !VERSION_2.matcher(version.asText()).matches()) {
      throw new AssetGridException(
          ErrorCode.GLTF_NOT_GLTF,
          "asset.version is "
              + (version.isMissingNode() ? "missing" : version.toString())
              + ", expected \"2.x\"");
    }
    JsonNode minVersion = json.path("asset").path("minVersion");
    if (!minVersion.isMissingNode() && !"2.0".equals(minVersion.asText())) {
      throw new AssetGridException(
          ErrorCode.GLTF_NOT_GLTF, "asset.minVersion " + minVersion + " is not supported");
    }
    long[] budget = {options.maxTotalBytes() - inputBytes};
    long[] total = {inputBytes};

    JsonNode buffersNode = json.path("buffers");
    if (!buffersNode.isMissingNode() && !buffersNode.isArray()) {
      throw new AssetGridException(ErrorCode.GLTF_INVALID, "buffers is not an array");
    }
    if (buffersNode.size() > options.maxBuffers()) {
      throw limit("asset has " + buffersNode.size() + " buffers, limit " + options.maxBuffers());
    }
    List<ByteBuffer> buffers = new ArrayList<>(buffersNode.size());
    for (int i = 0; i < buffersNode.size(); i++) {
      buffers.add(readBuffer(buffersNode.get(i), i, glbBin, resolver, budget, total));
    }

    JsonNode imagesNode = json.path("images");
    if (!imagesNode.isMissingNode() && !imagesNode.isArray()) {
      throw new AssetGridException(ErrorCode.GLTF_INVALID, "images is not an array");
    }
    if (imagesNode.size() > options.maxImages()) {
      throw limit("asset has " + imagesNode.size() + " images, limit " + options.maxImages());
    }
    Map<Integer, ImageData> images = new HashMap<>();
    for (int i = 0; i < imagesNode.size(); i++) {
      JsonNode image = imagesNode.get(i);
      JsonNode uri = image.path("uri");
      if (uri.isMissingNode()) {
        continue;
      }
      if (!uri.isTextual()) {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID, "images/" + i + "/uri is not a string");
      }
      String where = "images/" + i;
      byte[] data = loadUri(uri.asText(), where, resolver, budget, total);
      String mime =
          uri.asText().regionMatches(true, 0, "data:", 0, 5) ? dataUriMimeType(uri.asText()) : null;
      if (mime == null || mime.isEmpty() || mime.equals("application/octet-stream")) {
        mime = image.path("mimeType").asText(null);
      }
      if (mime == null) {
        mime = ImageData.sniffMimeType(data);
      }
      if (mime == null) {
        mime = mimeFromExtension(uri.asText());
      }
      images.put(i, new ImageData(data, mime == null ? "application/octet-stream" : mime));
    }
    return new GltfAsset(json, buffers, images, total[0], meshoptDecoder);
  }

  private ByteBuffer readBuffer(
      JsonNode buffer,
      int index,
      ByteBuffer glbBin,
      ResourceResolver resolver,
      long[] budget,
      long[] total) {
    String where = "buffers/" + index;
    JsonNode lengthNode = buffer.path("byteLength");
    if (!lengthNode.canConvertToExactIntegral()
        || !lengthNode.canConvertToLong()
        || lengthNode.asLong() < 1) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, where + "/byteLength must be an integer >= 1, is " + lengthNode);
    }
    long byteLength = lengthNode.asLong();
    if (byteLength > options.maxTotalBytes()) {
      throw limit(where + " declares " + byteLength + " bytes, limit " + options.maxTotalBytes());
    }
    JsonNode uri = buffer.path("uri");
    ByteBuffer data;
    if (uri.isMissingNode()) {
      if (index == 0 && glbBin != null) {
        data = glbBin;
      } else if (buffer
          .path("extensions")
          .path("EXT_meshopt_compression")
          .path("fallback")
          .asBoolean(false)) {
        return null;
      } else {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID,
            where
                + " has no uri and is not the GLB BIN chunk"
                + (glbBin == null && index == 0 ? " (no BIN chunk)" : ""));
      }
    } else {
      if (!uri.isTextual()) {
        throw new AssetGridException(ErrorCode.GLTF_INVALID, where + "/uri is not a string");
      }
      data = ByteBuffer.wrap(loadUri(uri.asText(), where, resolver, budget, total));
    }
    if (data.remaining() < byteLength) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID,
          where
              + " declares byteLength "
              + byteLength
              + " but has only "
              + data.remaining()
              + " bytes");
    }
    // Exactly byteLength bytes: GLB padding and trailing garbage are not part of the buffer.
    return data.slice().limit((int) byteLength).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private byte[] loadUri(
      String uri, String where, ResourceResolver resolver, long[] budget, long[] total) {
    byte[] data;
    if (uri.regionMatches(true, 0, "data:", 0, 5)) {
      data = decodeDataUri(uri, where, budget[0]);
    } else {
      if (uri.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !uri.matches("^[A-Za-z]:[\\\\/].*")) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING,
            where
                + " refers to an absolute URI, only relative paths are supported: "
                + abbreviate(uri));
      }
      String path = stripQueryAndFragment(uri);
      String decoded = percentDecode(path);
      data = null;
      if (decoded != null) {
        data = resolver.read(decoded, budget[0]);
      }
      if (data == null && !path.equals(decoded)) {
        data = resolver.read(path, budget[0]); // a file named with a literal '%'
      }
      if (data == null) {
        throw new AssetGridException(
            ErrorCode.GLTF_RESOURCE_MISSING, where + " refers to missing file " + abbreviate(uri));
      }
    }
    if (data.length > budget[0]) {
      throw limit("resources exceed " + options.maxTotalBytes() + " bytes in total at " + where);
    }
    budget[0] -= data.length;
    total[0] += data.length;
    return data;
  }

  /**
   * Decodes a {@code data:} URI (base64 or percent-encoded), refusing results larger than maxBytes.
   */
  static byte[] decodeDataUri(String uri, String where, long maxBytes) {
    int comma = uri.indexOf(',');
    if (comma < 0) {
      throw new AssetGridException(ErrorCode.GLTF_INVALID, where + ": data URI without ','");
    }
    String header = uri.substring(5, comma);
    boolean base64 = header.toLowerCase(Locale.ROOT).endsWith(";base64");
    int payloadLength = uri.length() - comma - 1;
    long estimated = base64 ? (payloadLength / 4L) * 3 : payloadLength;
    if (estimated > maxBytes) {
      throw limit(where + ": data URI holds about " + estimated + " bytes, limit " + maxBytes);
    }
    if (base64) {
      try {
        return Base64.getDecoder().decode(uri.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        throw new AssetGridException(
            ErrorCode.GLTF_INVALID, where + ": malformed base64 in data URI: " + e.getMessage(), e);
      }
    }
    byte[] b = percentDecodeBytes(uri.substring(comma + 1));
    if (b == null) {
      throw new AssetGridException(
          ErrorCode.GLTF_INVALID, where + ": malformed percent-encoding in data URI");
    }
    return b;
  }

  static String dataUriMimeType(String uri) {
    int comma = uri.indexOf(',');
    String header = comma < 0 ? uri.substring(5) : uri.substring(5, comma);
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String stripQueryAndFragment(String uri) {
    int cut = uri.length();
    int q = uri.indexOf('?');
    int h = uri.indexOf('#');
    if (q >= 0) {
      cut = Math.min(cut, q);
    }
    if (h >= 0) {
      cut = Math.min(cut, h);
    }
    return uri.substring(0, cut);
  }

  /** Percent-decodes as UTF-8; returns null when the escapes are malformed. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] b = percentDecodeBytes(s);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] percentDecodeBytes(String s) {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%') {
        if (i + 2 >= in.length) {
          return null;
        }
        int hi = Character.digit(in[i + 1], 16);
        int lo = Character.digit(in[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toByteArray();
  }

  private static String mimeFromExtension(String uri) {
    String u = uri.toLowerCase(Locale.ROOT);
    if (u.endsWith(".png")) {
      return "image/png";
    }
    if (u.endsWith(".jpg") || u.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (u.endsWith(".ktx2")) {
      return "image/ktx2";
    }
    if (u.endsWith(".webp")) {
      return "image/webp";
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static AssetGridException limit(String detail) {
    return new AssetGridException(ErrorCode.INPUT_LIMIT_EXCEEDED, detail);
  }

  private static byte[] readFile(Path file, long maxBytes) {
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw limit(file.getFileName() + " has " + size + " bytes, limit " + maxBytes);
      }
      byte[] b = in.readNBytes((int) size);
      if (in.read() != -1) {
        throw limit(file.getFileName() + " grew while reading");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new AssetGridException(ErrorCode.GLTF_RESOURCE_MISSING, "no such file: " + file);
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.GLTF_RESOURCE_MISSING, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
