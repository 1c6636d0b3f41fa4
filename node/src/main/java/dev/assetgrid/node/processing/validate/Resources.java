package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.ImageHeader;
import dev.assetgrid.node.processing.validate.Model.Buf;
import dev.assetgrid.node.processing.validate.Model.Image;
import dev.assetgrid.node.processing.validate.Model.View;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Loads buffer and image bytes (GLB BIN chunk, data URIs, external files through the resolver) and
 * checks what the Khronos validator checks about them: URI syntax, data URI media types, missing
 * files, byte lengths, image headers and MIME types. Records each resource in the report info.
 */
final class Resources {
  private static final Set<String> BUFFER_MIMES =
      Set.of("application/octet-stream", "application/gltf-buffer");
  private static final Set<String> IMAGE_MIMES =
      Set.of("image/png", "image/jpeg", "image/webp", "image/ktx2");

  private final ValidationContext ctx;
  private final Json j;
  private final ResourceResolver resolver;
  private final ValidateOptions opts;
  private final ArrayNode info;

  Resources(
      ValidationContext ctx, ResourceResolver resolver, ValidateOptions opts, ArrayNode info) {
    this.ctx = ctx;
    this.j = ctx.json();
    this.resolver = resolver;
    this.opts = opts;
    this.info = info;
  }

  /** Parsed data URI, or null after reporting INVALID_URI. */
  record DataUri(String mime, byte[] bytes) {}

  DataUri parseDataUri(String uri, String pointer) {
    int comma = uri.indexOf(',');
    String bad = null;
    String mime = "text/plain";
    boolean base64 = false;
    if (comma < 0) {
      bad = "Expecting ','";
    } else {
      String meta = uri.substring(5, comma);
      String[] parts = meta.split(";", -1);
      if (!parts[0].isEmpty()) {
        if (!parts[0].matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
          bad = "Invalid MIME type";
        }
        mime = parts[0].toLowerCase();
      }
      for (int i = 1; i < parts.length && bad == null; i++) {
        if (i == parts.length - 1 && parts[i].equals("base64")) {
          base64 = true;
        } else if (!parts[i].matches("[^=;]+=[^=;]+")) {
          bad = "Expecting '='";
        }
      }
    }
    byte[] bytes = null;
    if (bad == null) {
      String payload = uri.substring(comma + 1);
      try {
        bytes =
            base64
                ? Base64.getDecoder().decode(payload.replaceAll("\\s", ""))
                : URLDecoder.decode(payload.replace("+", "%2B"), StandardCharsets.ISO_8859_1)
                    .getBytes(StandardCharsets.ISO_8859_1);
      } catch (IllegalArgumentException e) {
        bad = "Invalid data: " + e.getMessage();
      }
    }
    if (bad != null) {
      j.add(
          IssueCode.INVALID_URI,
          pointer,
          "Invalid URI '" + abbreviate(uri) + "'. Parser output:\n" + bad);
      return null;
    }
    return new DataUri(mime, bytes);
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /** Loads a relative URI through the resolver; null after reporting. */
  byte[] external(String uri, String pointer) {
    String encoded = uri.replace(" ", "%20");
    StringBuilder sb = new StringBuilder();
    for (char ch : encoded.toCharArray()) {
      if (ch > 127) {
        sb.append(URLEncoder.encode(String.valueOf(ch)));
      } else {
        sb.append(ch);
      }
    }
    URI parsed;
    try {
      parsed = new URI(sb.toString());
    } catch (URISyntaxException e) {
      j.add(
          IssueCode.INVALID_URI,
          pointer,
          "Invalid URI '" + abbreviate(uri) + "'. Parser output:\n" + e.getMessage());
      return null;
    }
    if (parsed.getScheme() != null || parsed.getRawAuthority() != null || uri.startsWith("/")) {
      j.add(
          IssueCode.NON_RELATIVE_URI,
          pointer,
          "Non-relative URI found: '" + abbreviate(uri) + "'.");
      return null;
    }
    String path = parsed.getPath();
    if (path == null || path.isEmpty()) {
      j.add(
          IssueCode.INVALID_URI,
          pointer,
          "Invalid URI '" + abbreviate(uri) + "'. Parser output:\nEmpty path");
      return null;
    }
    try {
      byte[] d = resolver.resolve(path);
      if (d == null) {
        j.add(IssueCode.IO_ERROR, pointer, "Resource not found (" + abbreviate(uri) + ").");
      }
      return d;
    } catch (IOException | RuntimeException e) {
      j.add(
          IssueCode.IO_ERROR,
          pointer,
          "Resource could not be read (" + abbreviate(uri) + "): " + e.getMessage());
      return null;
    }
  }

  /** Minimal percent-encoding of non-ASCII characters for java.net.URI. */
  private static final class URLEncoder {
    static String encode(String s) {
      StringBuilder sb = new StringBuilder();
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        sb.append('%').append(String.format("%02X", b & 0xFF));
      }
      return sb.toString();
    }
  }

  void loadBuffers(byte[] glbBin) {
    Buf[] buffers = ctx.buffers();
    for (int i = 0; i < buffers.length; i++) {
      Buf b = buffers[i];
      if (b.o == null) {
        continue;
      }
      String p = "/buffers/" + i;
      ObjectNode r = info.addObject();
      r.put("pointer", p);
      r.put("mimeType", "application/gltf-buffer");
      byte[] data = null;
      if (b.glb) {
        r.put("storage", "glb");
        if (glbBin == null) {
          j.add(
              IssueCode.BUFFER_MISSING_GLB_DATA,
              p,
              "Buffer refers to an unresolved GLB binary chunk.");
        } else {
          data = glbBin;
          if (b.byteLength > 0 && glbBin.length - b.byteLength > 3) {
            j.add(
                IssueCode.BUFFER_GLB_CHUNK_TOO_BIG,
                p,
                "GLB-stored BIN chunk contains "
                    + (glbBin.length - b.byteLength)
                    + " extra padding byte(s).");
          }
        }
      } else if (b.uri != null) {
        if (b.uri.startsWith("data:")) {
          r.put("storage", "data-uri");
          if (ctx.glb()) {
            j.add(IssueCode.DATA_URI_GLB, p + "/uri", "Data URI is used in GLB container.");
          }
          DataUri du = parseDataUri(b.uri, p + "/uri");
          if (du != null) {
            if (!BUFFER_MIMES.contains(du.mime())) {
              j.add(
                  IssueCode.BUFFER_DATA_URI_MIME_TYPE_INVALID,
                  p + "/uri",
                  "Data URI media type must be 'application/octet-stream' or 'application/gltf-buffer'. Found '"
                      + du.mime()
                      + "' instead.");
            }
            data = du.bytes();
          }
        } else {
          r.put("storage", "external");
          r.put("uri", b.uri);
          data = external(b.uri, p + "/uri");
        }
      }
      if (data != null) {
        r.put("byteLength", data.length);
        if (b.byteLength > 0 && data.length < b.byteLength) {
          j.add(
              IssueCode.BUFFER_BYTE_LENGTH_MISMATCH,
              p,
              "Actual data byte length ("
                  + data.length
                  + ") is less than the declared buffer byte length ("
                  + b.byteLength
                  + ").");
        }
        b.data = data;
      }
    }
  }

  void loadImages() {
    Image[] images = ctx.images();
    for (int i = 0; i < images.length; i++) {
      Image im = images[i];
      if (im.o == null) {
        continue;
      }
      String p = "/images/" + i;
      ObjectNode r = info.addObject();
      r.put("pointer", p);
      byte[] data = im.uri != null ? uriImageBytes(im, p, r) : viewImageBytes(im, r);
      if (data != null && data.length <= opts.maxImageBytes()) {
        header(im, p, im.uri != null ? p + "/uri" : p + "/bufferView", data, r);
      }
    }
    textureMimes();
  }

  /** The bytes of an image given by a data URI or an external file; null after reporting. */
  private byte[] uriImageBytes(Image im, String p, ObjectNode r) {
    if (!im.uri.startsWith("data:")) {
      r.put("storage", "external");
      r.put("uri", im.uri);
      if (ctx.glb()) {
        j.add(IssueCode.URI_GLB, p + "/uri", "URI is used in GLB container.");
      }
      return external(im.uri, p + "/uri");
    }
    r.put("storage", "data-uri");
    im.dataUri = true;
    if (ctx.glb()) {
      j.add(IssueCode.DATA_URI_GLB, p + "/uri", "Data URI is used in GLB container.");
    }
    DataUri du = parseDataUri(im.uri, p + "/uri");
    if (du == null) {
      return null;
    }
    if (!IMAGE_MIMES.contains(du.mime()) && !du.mime().equals("application/octet-stream")) {
      j.add(
          IssueCode.INVALID_URI,
          p + "/uri",
          "Invalid URI '"
              + abbreviate(im.uri)
              + "'. Parser output:\nThe data URI media type '"
              + du.mime()
              + "' is not an image type.");
      return null;
    }
    if (im.mimeType == null && IMAGE_MIMES.contains(du.mime())) {
      im.mimeType = du.mime();
    }
    return du.bytes();
  }

  /**
   * The bytes of an image stored in a buffer view, when the view fits its loaded buffer; else null.
   */
  private byte[] viewImageBytes(Image im, ObjectNode r) {
    View[] views = ctx.views();
    if (im.bufferView < 0 || im.bufferView >= views.length) {
      return null;
    }
    r.put("storage", "buffer-view");
    View v = views[im.bufferView];
    Buf[] buffers = ctx.buffers();
    if (v.fits && v.buffer >= 0 && buffers[v.buffer].data != null) {
      byte[] bd = buffers[v.buffer].data;
      if (v.byteOffset + v.byteLength <= bd.length) {
        return java.util.Arrays.copyOfRange(
            bd, (int) v.byteOffset, (int) (v.byteOffset + v.byteLength));
      }
    }
    return null;
  }

  /** Checks the image header against the declared MIME type and records format and size. */
  private void header(Image im, String p, String where, byte[] data, ObjectNode r) {
    ImageHeader.Probe s = ImageHeader.probe(data);
    if (s.mimeType() == null) {
      j.add(IssueCode.IMAGE_UNRECOGNIZED_FORMAT, p, "Image format not recognized.");
      return;
    }
    if (im.mimeType != null && !im.mimeType.equals(s.mimeType())) {
      j.add(
          IssueCode.IMAGE_MIME_TYPE_INVALID,
          where,
          "Recognized image format '"
              + s.mimeType()
              + "' does not match declared image format '"
              + im.mimeType
              + "'.");
    }
    im.mimeType = s.mimeType();
    r.put("mimeType", s.mimeType());
    if (s.defect() == ImageHeader.Defect.TRUNCATED) {
      j.add(IssueCode.IMAGE_UNEXPECTED_EOS, p, "Unexpected end of image stream.");
      return;
    }
    if (s.defect() == ImageHeader.Defect.INVALID) {
      j.add(IssueCode.IMAGE_DATA_INVALID, p, "Image data is invalid. " + s.reason());
      return;
    }
    ObjectNode io = r.putObject("image");
    io.put("width", s.width());
    io.put("height", s.height());
    if (Integer.bitCount(s.width()) != 1 || Integer.bitCount(s.height()) != 1) {
      j.add(
          IssueCode.IMAGE_NPOT_DIMENSIONS,
          p,
          "Image has non-power-of-two dimensions: " + s.width() + "x" + s.height() + ".");
    }
  }

  private void textureMimes() {
    boolean basisu = ctx.extensionsUsed().contains("KHR_texture_basisu");
    int[] textureSources = ctx.textureSources();
    for (int t = 0; t < textureSources.length; t++) {
      int src = textureSources[t];
      if (src >= 0 && src < ctx.images().length) {
        String m = ctx.images()[src].mimeType;
        if (m != null
            && !m.equals("image/png")
            && !m.equals("image/jpeg")
            && !(basisu && m.equals("image/ktx2"))) {
          j.add(
              IssueCode.TEXTURE_INVALID_IMAGE_MIME_TYPE,
              "/textures/" + t + "/source",
              "Invalid MIME type '"
                  + m
                  + "' for the texture source. Valid MIME types are ('image/jpeg', 'image/png').");
        }
      }
    }
    for (ValidationContext.WebpSource w : ctx.webpSources()) {
      int src = w.image();
      String m = src < ctx.images().length ? ctx.images()[src].mimeType : null;
      if (m != null && !m.equals("image/webp")) {
        j.add(
            IssueCode.TEXTURE_INVALID_IMAGE_MIME_TYPE,
            w.pointer(),
            "Invalid MIME type '"
                + m
                + "' for the texture source. Valid MIME types are ('image/webp').");
      }
    }
  }
}
