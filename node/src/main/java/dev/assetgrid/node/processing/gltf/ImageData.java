package dev.assetgrid.node.processing.gltf;

import java.util.Objects;

/**
 * The bytes of an image that a glTF document referenced through a {@code uri} (an external file or
 * a data URI). Images stored in a bufferView are not copied here: read them with {@link
 * GltfAsset#imageBytes(int)}.
 *
 * @param bytes encoded image file (PNG, JPEG, KTX2, WebP, ...); never null, not copied, do not
 *     mutate
 * @param mimeType the mime type from the document, the data URI, or sniffed from the bytes; {@code
 *     application/octet-stream} when unknown; never null
 */
public record ImageData(byte[] bytes, String mimeType) {
  public ImageData {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mimeType, "mimeType");
  }

  /** Mime type sniffed from the first bytes (PNG, JPEG, KTX2, WebP, GIF, DDS), or null. */
  public static String sniffMimeType(byte[] b) {
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (b.length >= 12
        && (b[0] & 0xff) == 0xAB
        && b[1] == 'K'
        && b[2] == 'T'
        && b[3] == 'X'
        && b[5] == '2'
        && b[6] == '0') {
      return "image/ktx2";
    }
    if (b.length >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return "image/webp";
    }
    if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return "image/gif";
    }
    if (b.length >= 4 && b[0] == 'D' && b[1] == 'D' && b[2] == 'S' && b[3] == ' ') {
      return "image/vnd-ms.dds";
    }
    return null;
  }

  @Override
  public String toString() {
    return "ImageData[" + mimeType + ", " + bytes.length + " bytes]";
  }
}
