package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.blob.S3Options;
import picocli.CommandLine.Option;

/**
 * The {@code --s3-*} flags, declared once: a picocli mixin of {@link CoordinatorMain} and of the
 * {@code backup} and {@code restore} subcommands ({@link BackupCommands.Target}), so that all three
 * find a grid's bucket from the same flags and {@code ASSETGRID_S3_*} variables.
 */
final class S3Flags {
  @Option(
      names = "--s3-bucket",
      paramLabel = "NAME",
      description =
          "Keep blobs in this S3 bucket instead of <data-dir>/blobs (credentials from the AWS SDK's"
              + " default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance"
              + " role). Env: ASSETGRID_S3_BUCKET.",
      defaultValue = "${env:ASSETGRID_S3_BUCKET}")
  String bucket;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "An S3-compatible server (MinIO, Ceph, R2, ...) instead of AWS. Env: ASSETGRID_S3_ENDPOINT.",
      defaultValue = "${env:ASSETGRID_S3_ENDPOINT}")
  String endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "The bucket's region. Default: the SDK's region chain, else us-east-1. Env: ASSETGRID_S3_REGION.",
      defaultValue = "${env:ASSETGRID_S3_REGION}")
  String region;

  @Option(
      names = "--s3-path-style",
      description =
          "Address the bucket as <endpoint>/<bucket> (most S3-compatible servers) rather than"
              + " <bucket>.<endpoint>. Env: ASSETGRID_S3_PATH_STYLE.",
      defaultValue = "${env:ASSETGRID_S3_PATH_STYLE:-false}")
  boolean pathStyle;

  @Option(
      names = "--s3-prefix",
      paramLabel = "PREFIX",
      description =
          "Keys start with this prefix (one bucket for several grids). Env: ASSETGRID_S3_PREFIX.",
      defaultValue = "${env:ASSETGRID_S3_PREFIX}")
  String prefix;

  @Option(
      names = "--s3-sse",
      paramLabel = "AES256|aws:kms[:KEY_ID]",
      description =
          "Server-side encryption of the objects the coordinator writes. Default: the bucket's."
              + " Env: ASSETGRID_S3_SSE.",
      defaultValue = "${env:ASSETGRID_S3_SSE}")
  String sse;

  private static boolean given(String flag) {
    return flag != null && !flag.isBlank();
  }

  /**
   * The bucket of the flags, or null when none of them is given (the local folder); a bad value
   * (say, an endpoint without a bucket) is a one-sentence {@code INVALID_REQUEST}.
   */
  S3Options s3Options() {
    boolean any =
        given(bucket)
            || given(endpoint)
            || given(region)
            || given(prefix)
            || given(sse)
            || pathStyle;
    return any ? S3Options.fromFlags(bucket, endpoint, region, pathStyle, prefix, sse) : null;
  }

  /** The defaults with the blob store of these flags. */
  StorageOptions storageOptions() {
    return StorageOptions.defaults().withS3(s3Options());
  }
}
