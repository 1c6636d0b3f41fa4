package dev.assetgrid.coordinator.blob;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where and how {@link S3BlobStore} keeps blobs. Credentials are not here: they come from the AWS
 * SDK's default chain (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, system
 * properties, {@code ~/.aws} profiles, container and instance roles) or are handed to the store's
 * constructor.
 *
 * <p>Validated in the constructor: a bad value throws {@code INVALID_REQUEST} with one sentence
 * naming the value.
 *
 * @param bucket the bucket, which must exist: 3..63 characters of lowercase letters, digits, dots,
 *     hyphens (and underscores, which some S3-compatible stores allow), starting and ending with a
 *     letter or digit
 * @param endpoint {@code http(s)://host[:port]} of an S3-compatible server (MinIO, Ceph, R2, ...);
 *     null for AWS itself (the endpoint follows from the region)
 * @param region signing region such as {@code us-east-1}; null for the SDK's region chain ({@code
 *     AWS_REGION}, profile), falling back to {@value #DEFAULT_REGION}
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; most
 *     self-hosted servers need it
 * @param prefix key prefix below which every blob lives, {@code ""} for none, otherwise {@code
 *     /}-separated segments ending in {@code /} (normalised: {@code "grid"} becomes {@code
 *     "grid/"})
 * @param sse server-side encryption of every object written: {@code AES256} (SSE-S3), {@code
 *     aws:kms} (the account's default KMS key), {@code aws:kms:KEY_ID} (that key id or ARN), or
 *     null for none (the bucket's default encryption applies)
 * @param multipartThreshold content of at least this many bytes is uploaded in parts, {@code >=}
 *     {@value #MIN_PART_SIZE}; default {@value #DEFAULT_MULTIPART_THRESHOLD} (64 MiB)
 * @param partSize bytes per part of a multipart upload, {@value #MIN_PART_SIZE} (8 MiB) to {@value
 *     #MAX_PART_SIZE} (5 GiB); default {@value #DEFAULT_PART_SIZE} (64 MiB). S3 allows 10,000
 *     parts, so one blob is at most 10,000 × this
 * @param timeout how long to wait to connect to the store and for each read of its answer, 1 s to
 *     10 min; default 30 s
 */
public record S3Options(
    String bucket,
    URI endpoint,
    String region,
    boolean pathStyle,
    String prefix,
    String sse,
    long multipartThreshold,
    long partSize,
    Duration timeout) {

  public static final String DEFAULT_REGION = "us-east-1";
  public static final long MIN_PART_SIZE = 8L << 20;
  public static final long MAX_PART_SIZE = 5L << 30;
  public static final long DEFAULT_MULTIPART_THRESHOLD = 64L << 20;
  public static final long DEFAULT_PART_SIZE = 64L << 20;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The {@link #sse} value for SSE-S3. */
  public static final String SSE_AES256 = "AES256";

  /**
   * The {@link #sse} value for SSE-KMS with the default key; append {@code :KEY_ID} for another.
   */
  public static final String SSE_KMS = "aws:kms";

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9!_.*'()=+,;@$&-]+");

  public S3Options {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw bad(
          "--s3-bucket must be 3..63 lowercase letters, digits, dots or hyphens, got "
              + quote(bucket));
    }
    if (endpoint != null) {
      String scheme = endpoint.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme))
          || endpoint.getHost() == null
          || endpoint.getRawQuery() != null
          || endpoint.getRawFragment() != null
          || endpoint.getRawUserInfo() != null
          || !(endpoint.getRawPath() == null
              || endpoint.getRawPath().isEmpty()
              || endpoint.getRawPath().equals("/"))) {
        throw bad("--s3-endpoint must be http(s)://host[:port], got " + quote(endpoint.toString()));
      }
    }
    if (region != null && !REGION.matcher(region).matches()) {
      throw bad("--s3-region must be a region name such as us-east-1, got " + quote(region));
    }
    prefix = normalisePrefix(prefix);
    if (sse != null) {
      boolean ok =
          sse.equals(SSE_AES256)
              || sse.equals(SSE_KMS)
              || (sse.startsWith(SSE_KMS + ":")
                  && sse.length() > SSE_KMS.length() + 1
                  && sse.chars().noneMatch(c -> c <= ' ' || c >= 127));
      if (!ok) {
        throw bad("--s3-sse takes AES256, aws:kms or aws:kms:KEY_ID, got " + quote(sse));
      }
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw bad("the S3 part size must be 8 MiB to 5 GiB, got " + partSize + " bytes");
    }
    if (multipartThreshold < MIN_PART_SIZE) {
      throw bad(
          "the S3 multipart threshold must be at least 8 MiB, got "
              + multipartThreshold
              + " bytes");
    }
    if (timeout == null
        || timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("the S3 timeout must be 1 s to 10 min, got " + timeout);
    }
  }

  /** A bucket on AWS, everything else by default. */
  public static S3Options of(String bucket) {
    return new S3Options(
        bucket,
        null,
        null,
        false,
        "",
        null,
        DEFAULT_MULTIPART_THRESHOLD,
        DEFAULT_PART_SIZE,
        DEFAULT_TIMEOUT);
  }

  /**
   * From the {@code --s3-*} flags; each string may be null or blank for "not given".
   *
   * @throws AssetGridException INVALID_REQUEST naming the flag whose value is wrong
   */
  public static S3Options fromFlags(
      String bucket, String endpoint, String region, boolean pathStyle, String prefix, String sse) {
    String b = blankToNull(bucket);
    if (b == null) {
      throw bad("S3 storage needs --s3-bucket");
    }
    return of(b)
        .withEndpoint(parseEndpoint(blankToNull(endpoint)))
        .withRegion(blankToNull(region))
        .withPathStyle(pathStyle)
        .withPrefix(blankToNull(prefix))
        .withSse(blankToNull(sse));
  }

  public S3Options withEndpoint(URI endpoint) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  public S3Options withRegion(String region) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  public S3Options withPathStyle(boolean pathStyle) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  public S3Options withPrefix(String prefix) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  public S3Options withSse(String sse) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  /** Content of {@code threshold} bytes or more goes in parts of {@code partSize} bytes. */
  public S3Options withMultipart(long threshold, long partSize) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, threshold, partSize, timeout);
  }

  public S3Options withTimeout(Duration timeout) {
    return new S3Options(
        bucket, endpoint, region, pathStyle, prefix, sse, multipartThreshold, partSize, timeout);
  }

  /** {@code AES256} or {@code aws:kms}, or null without SSE. */
  public String sseAlgorithm() {
    if (sse == null) {
      return null;
    }
    return sse.startsWith(SSE_KMS) ? SSE_KMS : SSE_AES256;
  }

  /** The KMS key of {@code aws:kms:KEY_ID}, else null. */
  public String sseKmsKeyId() {
    return sse != null && sse.startsWith(SSE_KMS + ":")
        ? sse.substring(SSE_KMS.length() + 1)
        : null;
  }

  /** The object key of {@code key}: {@link #prefix} + {@link BlobKey#path()}. */
  public String objectKey(BlobKey key) {
    return prefix + key.path();
  }

  /** {@code s3://bucket/prefix}, for logs and {@code /v1/stats}. */
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }

  private static String normalisePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
    p = p.endsWith("/") ? p : p + "/";
    if (p.length() > 512) {
      throw bad("--s3-prefix must be at most 512 characters, got " + p.length());
    }
    for (String segment : p.substring(0, p.length() - 1).split("/", -1)) {
      if (segment.equals(".")
          || segment.equals("..")
          || !PREFIX_SEGMENT.matcher(segment).matches()) {
        throw bad(
            "--s3-prefix must be /-separated names of letters, digits and !_.*'()=+,;@$&-, got "
                + quote(prefix));
      }
    }
    return p;
  }

  private static URI parseEndpoint(String endpoint) {
    if (endpoint == null) {
      return null;
    }
    try {
      return new URI(endpoint);
    } catch (URISyntaxException e) {
      throw bad("--s3-endpoint must be http(s)://host[:port], got " + quote(endpoint));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String quote(String s) {
    if (s == null) {
      return "nothing";
    }
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...'";
  }

  private static AssetGridException bad(String message) {
    return new AssetGridException(ErrorCode.INVALID_REQUEST, message);
  }
}
