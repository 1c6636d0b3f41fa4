package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.shared.pipeline.ModelFormat;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Tells the model format from content (magic bytes, or the shape of the text), never from the file
 * name: names lie, and the pipeline must pick an importer that can actually read the bytes.
 *
 * <p>Checks, in order: binary magics (GLB {@code glTF}, ZIP {@code PK\3\4}, binary FBX {@code
 * Kaydara FBX Binary \0}, PLY {@code ply\n}), binary STL (80-byte header + uint32 triangle count
 * with {@code 84 + 50 * count == totalSize}, so only when the total size is known), then text
 * formats, which must be printable text (no control characters other than tab, CR, LF, FF): glTF
 * JSON (first non-blank character {@code &#123;}; whether it is glTF and not some other JSON is
 * decided by {@link UploadChecks}), COLLADA (XML with a {@code <COLLADA} element), ASCII FBX
 * ({@code ; FBX} header comment or {@code FBXHeaderExtension}), ASCII STL ({@code solid} then
 * {@code facet} or {@code endsolid}) and OBJ (lines of OBJ keywords; comments and blank lines
 * skipped). Binary STL is checked before ASCII STL because many binary writers start their header
 * with "solid" too.
 */
public final class FormatSniffer {
  private static final byte[] GLB_MAGIC = ascii("glTF");
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] FBX_BINARY_MAGIC = ascii("Kaydara FBX Binary  \0");
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** Keywords that begin an OBJ statement (Wavefront spec, geometry and grouping). */
  private static final Set<String> OBJ_KEYWORDS =
      Set.of(
          "v",
          "vt",
          "vn",
          "vp",
          "f",
          "l",
          "p",
          "o",
          "g",
          "s",
          "mg",
          "mtllib",
          "usemtl",
          "usemap",
          "maplib",
          "cstype",
          "deg",
          "bmat",
          "step",
          "curv",
          "curv2",
          "surf",
          "parm",
          "trim",
          "hole",
          "scrv",
          "sp",
          "end",
          "con",
          "lod",
          "bevel",
          "c_interp",
          "d_interp",
          "ctech",
          "stech",
          "shadow_obj",
          "trace_obj");

  /** Keywords only OBJ has: a text made of other keywords (e.g. an .mtl file) is not OBJ. */
  private static final Set<String> OBJ_DATA_KEYWORDS =
      Set.of("v", "vt", "vn", "f", "o", "g", "mtllib", "usemtl");

  private FormatSniffer() {}

  /**
   * The format of content whose total size is unknown; binary STL cannot be recognised this way.
   *
   * @param head the first bytes of the content (64 KiB is plenty)
   * @param headLength how many bytes of {@code head} are valid
   */
  public static Optional<ModelFormat> sniff(byte[] head, int headLength) {
    return sniff(head, headLength, -1);
  }

  /**
   * The format of content from its first bytes and its total size.
   *
   * @param head the first bytes of the content (64 KiB is plenty)
   * @param headLength how many bytes of {@code head} are valid
   * @param totalSize total content length in bytes, or {@code -1} when unknown
   * @return the format, or empty when the content is not a model format we know
   */
  public static Optional<ModelFormat> sniff(byte[] head, int headLength, long totalSize) {
    int n = Math.min(Math.max(headLength, 0), head.length);
    if (startsWith(head, n, 0, GLB_MAGIC)) {
      return Optional.of(ModelFormat.GLB);
    }
    if (startsWith(head, n, 0, ZIP_MAGIC)) {
      return Optional.of(ModelFormat.ZIP);
    }
    if (startsWith(head, n, 0, FBX_BINARY_MAGIC)) {
      return Optional.of(ModelFormat.FBX);
    }
    if (startsWith(head, n, 0, ascii("ply\n")) || startsWith(head, n, 0, ascii("ply\r\n"))) {
      return Optional.of(ModelFormat.PLY);
    }
    if (isBinaryStl(head, n, totalSize)) {
      return Optional.of(ModelFormat.STL);
    }
    return sniffText(head, n, totalSize < 0 || totalSize > n);
  }

  private static boolean isBinaryStl(byte[] b, int n, long totalSize) {
    if (totalSize < 84 || n < 84) {
      return false;
    }
    long count =
        (b[80] & 0xFFL) | (b[81] & 0xFFL) << 8 | (b[82] & 0xFFL) << 16 | (b[83] & 0xFFL) << 24;
    return 84 + 50 * count == totalSize;
  }

  private static Optional<ModelFormat> sniffText(byte[] b, int n, boolean cut) {
    int start = startsWith(b, n, 0, UTF8_BOM) ? UTF8_BOM.length : 0;
    if (!isPrintableText(b, start, n)) {
      return Optional.empty();
    }
    // The last line may be cut in the middle of a UTF-8 sequence; the replacement char is harmless.
    String text = new String(b, start, n - start, StandardCharsets.UTF_8);
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{")) {
      return Optional.of(ModelFormat.GLTF);
    }
    if (trimmed.startsWith("<")) {
      return text.contains("<COLLADA") ? Optional.of(ModelFormat.DAE) : Optional.empty();
    }
    if (trimmed.startsWith("; FBX") || text.contains("FBXHeaderExtension")) {
      return Optional.of(ModelFormat.FBX);
    }
    if (trimmed.startsWith("solid") && (text.contains("facet") || text.contains("endsolid"))) {
      return Optional.of(ModelFormat.STL);
    }
    return looksLikeObj(text, cut) ? Optional.of(ModelFormat.OBJ) : Optional.empty();
  }

  /**
   * OBJ has no magic: accept text whose statements are OBJ keywords. The first statement must be
   * one, at least 90% of them must be (some exporters add their own), and at least one must be a
   * keyword only OBJ uses, so an .mtl side file or a README is not taken for a model.
   */
  private static boolean looksLikeObj(String text, boolean cut) {
    String[] lines = text.split("\r\n|\n|\r", -1);
    int last = cut && lines.length > 1 ? lines.length - 1 : lines.length; // ignore a cut last line
    int statements = 0;
    int known = 0;
    boolean data = false;
    for (int i = 0; i < last; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int sp = 0;
      while (sp < line.length() && !Character.isWhitespace(line.charAt(sp))) {
        sp++;
      }
      String keyword = line.substring(0, sp);
      statements++;
      if (OBJ_KEYWORDS.contains(keyword)) {
        known++;
        data |= OBJ_DATA_KEYWORDS.contains(keyword);
      } else if (statements == 1) {
        return false;
      }
    }
    return data && known * 10 >= statements * 9;
  }

  /** No NUL or other control bytes except tab, LF, FF, CR; bytes >= 0x80 are allowed (UTF-8). */
  private static boolean isPrintableText(byte[] b, int from, int n) {
    if (from >= n) {
      return false;
    }
    for (int i = from; i < n; i++) {
      int c = b[i] & 0xFF;
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] b, int n, int offset, byte[] prefix) {
    if (n - offset < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
