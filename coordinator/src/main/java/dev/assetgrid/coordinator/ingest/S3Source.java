package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.S3BlobStore;
import dev.assetgrid.coordinator.blob.S3Options;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects under a prefix of an S3 bucket (any S3-compatible server), listed page by page with
 * ListObjectsV2 and read with GetObject, with the credentials the import gave (or the coordinator's
 * own chain when it gave none).
 */
public final class S3Source extends StreamSource {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int pageSize;

  /** Credentials of an import: an access key and secret, and a session token for temporary ones. */
  public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    AwsCredentialsProvider provider() {
      return StaticCredentialsProvider.create(
          sessionToken == null
              ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
              : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
    }
  }

  /**
   * @param options the bucket's endpoint, region and addressing ({@code prefix} is the import's)
   * @param credentials null: the coordinator's default chain
   */
  public S3Source(S3Options options, Credentials credentials, BlobStore blobs) {
    this(options, credentials, blobs, 1000);
  }

  /**
   * As above, listing {@code pageSize} keys per ListObjectsV2 call (tests page with small ones).
   */
  S3Source(S3Options options, Credentials credentials, BlobStore blobs, int pageSize) {
    super(blobs);
    this.pageSize = pageSize;
    this.s3 =
        S3BlobStore.client(
            options,
            credentials == null
                ? DefaultCredentialsProvider.builder().build()
                : credentials.provider());
    this.bucket = options.bucket();
    String p = options.prefix() == null ? "" : options.prefix();
    this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  @Override
  public List<Entry> list(int max) throws IOException {
    List<Entry> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(
                  ListObjectsV2Request.builder()
                      .bucket(bucket)
                      .prefix(prefix)
                      .maxKeys(pageSize)
                      .build())
              .contents()) {
        if (o.key().endsWith("/")) {
          continue; // a folder marker
        }
        if (out.size() == max) {
          throw new AssetGridException(
              ErrorCode.INPUT_LIMIT_EXCEEDED,
              "the prefix holds more than " + max + " objects (--import-max-files)");
        }
        out.add(new Entry(o.key(), o.key().substring(prefix.length()), o.size()));
      }
    } catch (SdkException e) {
      throw translate(e);
    }
    return out;
  }

  @Override
  InputStream open(String key) {
    try {
      return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (SdkException e) {
      throw translate(e);
    }
  }

  private AssetGridException translate(SdkException e) {
    if (e instanceof NoSuchBucketException) {
      return new AssetGridException(ErrorCode.NOT_FOUND, "bucket " + bucket);
    }
    if (e instanceof S3Exception s) {
      int status = s.statusCode();
      if (status == 403 || status == 401) {
        return new AssetGridException(
            ErrorCode.FORBIDDEN,
            "the bucket "
                + bucket
                + " refused the credentials (give \"credentials\" with the import, or grant the"
                + " coordinator's role read access)");
      }
      if (status == 404) {
        return new AssetGridException(ErrorCode.NOT_FOUND, "an object of bucket " + bucket);
      }
    }
    return new AssetGridException(
        ErrorCode.STORAGE_UNAVAILABLE, "the bucket " + bucket + " could not be read");
  }

  @Override
  public void close() {
    s3.close();
  }
}
