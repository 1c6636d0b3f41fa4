package dev.assetgrid.node.processing.validate;

/**
 * Reads just enough of an image header to know its format and size: PNG (IHDR), JPEG (marker walk up
 * to the first SOF), WebP (VP8, VP8L, VP8X) and KTX2. Never decodes pixels; every read is bounds-checked.
 */
final class ImageSniffer {

    /** Outcome: mime null = unrecognized; error non-null = recognized but broken. */
    record Result(String mime, int width, int height, IssueCode error, String detail) {
        boolean ok() {
            return mime != null && error == null;
        }
    }

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] KTX2 = {(byte) 0xAB, 'K', 'T', 'X', ' ', '2', '0', (byte) 0xBB, 0x0D, 0x0A, 0x1A, 0x0A};

    private ImageSniffer() {
    }

    static Result sniff(byte[] d) {
        if (startsWith(d, PNG)) {
            return png(d);
        }
        if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
            return jpeg(d);
        }
        if (d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F' && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
            return webp(d);
        }
        if (startsWith(d, KTX2)) {
            if (d.length < 28) {
                return eos("image/ktx2");
            }
            return new Result("image/ktx2", le32(d, 20), le32(d, 24), null, null);
        }
        return new Result(null, 0, 0, null, null);
    }

    private static boolean startsWith(byte[] d, byte[] sig) {
        if (d.length < sig.length) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if (d[i] != sig[i]) {
                return false;
            }
        }
        return true;
    }

    private static Result eos(String mime) {
        return new Result(mime, 0, 0, IssueCode.IMAGE_UNEXPECTED_EOS, "Unexpected end of image stream.");
    }

    private static Result invalid(String mime, String why) {
        return new Result(mime, 0, 0, IssueCode.IMAGE_DATA_INVALID, "Image data is invalid. " + why);
    }

    private static int be32(byte[] d, int o) {
        return (d[o] & 0xFF) << 24 | (d[o + 1] & 0xFF) << 16 | (d[o + 2] & 0xFF) << 8 | (d[o + 3] & 0xFF);
    }

    private static int be16(byte[] d, int o) {
        return (d[o] & 0xFF) << 8 | (d[o + 1] & 0xFF);
    }

    private static int le32(byte[] d, int o) {
        return GlbContainer.readInt(d, o);
    }

    private static int le16(byte[] d, int o) {
        return (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
    }

    private static Result png(byte[] d) {
        String m = "image/png";
        if (d.length < 8 + 8 + 13) {
            return eos(m);
        }
        int len = be32(d, 8);
        if (len != 13 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            return invalid(m, "Invalid first chunk.");
        }
        int w = be32(d, 16);
        int h = be32(d, 20);
        if (w <= 0 || h <= 0) {
            return invalid(m, "Invalid image dimensions.");
        }
        return new Result(m, w, h, null, null);
    }

    private static Result jpeg(byte[] d) {
        String m = "image/jpeg";
        int o = 2;
        while (true) {
            if (o >= d.length) {
                return eos(m);
            }
            if ((d[o] & 0xFF) != 0xFF) {
                return invalid(m, "Invalid JPEG marker.");
            }
            while (o < d.length && (d[o] & 0xFF) == 0xFF) {
                o++;
            }
            if (o >= d.length) {
                return eos(m);
            }
            int marker = d[o++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == 0xD8 || marker == 0xD9 || marker == 0x00) {
                return invalid(m, "Invalid JPEG marker.");
            }
            if (o + 2 > d.length) {
                return eos(m);
            }
            int len = be16(d, o);
            if (len < 2) {
                return invalid(m, "Invalid JPEG marker segment length.");
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (len < 8) {
                    return invalid(m, "Invalid JPEG marker segment length.");
                }
                if (o + 7 > d.length) {
                    return eos(m);
                }
                int h = be16(d, o + 3);
                int w = be16(d, o + 5);
                if (w == 0 || h == 0) {
                    return invalid(m, "Invalid image dimensions.");
                }
                return new Result(m, w, h, null, null);
            }
            o += len;
        }
    }

    private static Result webp(byte[] d) {
        String m = "image/webp";
        if (d.length < 30) {
            return eos(m);
        }
        String chunk = new String(d, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8 " -> {
                if ((d[23] & 0xFF) != 0x9D || (d[24] & 0xFF) != 0x01 || (d[25] & 0xFF) != 0x2A) {
                    return invalid(m, "Invalid VP8 signature.");
                }
                return new Result(m, le16(d, 26) & 0x3FFF, le16(d, 28) & 0x3FFF, null, null);
            }
            case "VP8L" -> {
                if ((d[20] & 0xFF) != 0x2F) {
                    return invalid(m, "Invalid VP8L signature.");
                }
                int bits = le32(d, 21);
                return new Result(m, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, null, null);
            }
            case "VP8X" -> {
                int w = 1 + ((d[24] & 0xFF) | (d[25] & 0xFF) << 8 | (d[26] & 0xFF) << 16);
                int h = 1 + ((d[27] & 0xFF) | (d[28] & 0xFF) << 8 | (d[29] & 0xFF) << 16);
                return new Result(m, w, h, null, null);
            }
            default -> {
                return invalid(m, "Unknown WebP chunk.");
            }
        }
    }
}
