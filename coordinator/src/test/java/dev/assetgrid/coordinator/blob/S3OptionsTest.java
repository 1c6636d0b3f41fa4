package dev.assetgrid.coordinator.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class S3OptionsTest {
  private static final BlobKey KEY =
      new BlobSpace(UUID.fromString("00000000-0000-0000-0000-0000000000aa"), BlobKind.DERIVATIVE)
          .key("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  @Test
  void flagsMakeOptionsWithDefaults() {
    S3Options o =
        S3Options.fromFlags(
            "grid-blobs", "http://127.0.0.1:9000", "eu-west-1", true, "/prod/grid", "aws:kms:k-1");

    assertThat(o.bucket()).isEqualTo("grid-blobs");
    assertThat(o.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(o.region()).isEqualTo("eu-west-1");
    assertThat(o.pathStyle()).isTrue();
    assertThat(o.prefix()).isEqualTo("prod/grid/");
    assertThat(o.sseAlgorithm()).isEqualTo("aws:kms");
    assertThat(o.sseKmsKeyId()).isEqualTo("k-1");
    assertThat(o.multipartThreshold()).isEqualTo(S3Options.DEFAULT_MULTIPART_THRESHOLD);
    assertThat(o.partSize()).isEqualTo(S3Options.DEFAULT_PART_SIZE);
    assertThat(o.timeout()).isEqualTo(S3Options.DEFAULT_TIMEOUT);
    assertThat(o.objectKey(KEY)).isEqualTo("prod/grid/" + KEY.path());
    assertThat(o.describe()).isEqualTo("s3://grid-blobs/prod/grid/");
  }

  @Test
  void blankFlagsMeanNotGiven() {
    S3Options o = S3Options.fromFlags("b12", " ", null, false, "", null);

    assertThat(o.endpoint()).isNull();
    assertThat(o.region()).isNull();
    assertThat(o.prefix()).isEmpty();
    assertThat(o.sse()).isNull();
    assertThat(o.objectKey(KEY)).isEqualTo(KEY.path());
    assertThat(o.describe()).isEqualTo("s3://b12/");
  }

  @Test
  void sseValues() {
    assertThat(S3Options.of("bkt").withSse("AES256").sseAlgorithm()).isEqualTo("AES256");
    assertThat(S3Options.of("bkt").withSse("AES256").sseKmsKeyId()).isNull();
    assertThat(S3Options.of("bkt").withSse("aws:kms").sseKmsKeyId()).isNull();
    assertThat(
            S3Options.of("bkt")
                .withSse("aws:kms:arn:aws:kms:eu-west-1:111122223333:key/abc")
                .sseKmsKeyId())
        .isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/abc");
  }

  @Test
  void badValuesAreRefusedInOneSentence() {
    bad(() -> S3Options.fromFlags(null, null, null, false, null, null), "needs --s3-bucket");
    bad(() -> S3Options.of("Upper"), "--s3-bucket must be");
    bad(() -> S3Options.of("ab"), "--s3-bucket must be");
    bad(() -> S3Options.of("a..b"), "--s3-bucket must be");
    bad(() -> S3Options.fromFlags("bkt", "ftp://x", null, false, null, null), "--s3-endpoint");
    bad(
        () -> S3Options.fromFlags("bkt", "http://x/path", null, false, null, null),
        "--s3-endpoint");
    bad(() -> S3Options.fromFlags("bkt", "http://x y", null, false, null, null), "--s3-endpoint");
    bad(() -> S3Options.of("bkt").withRegion("EU West"), "--s3-region");
    bad(() -> S3Options.of("bkt").withPrefix("a/../b"), "--s3-prefix");
    bad(() -> S3Options.of("bkt").withPrefix("a//b"), "--s3-prefix");
    bad(() -> S3Options.of("bkt").withSse("aes256"), "--s3-sse takes AES256, aws:kms or");
    bad(() -> S3Options.of("bkt").withSse("aws:kms:"), "--s3-sse");
    bad(() -> S3Options.of("bkt").withMultipart(8 << 20, 1 << 20), "part size");
    bad(() -> S3Options.of("bkt").withMultipart(1 << 20, 8 << 20), "multipart threshold");
    bad(() -> S3Options.of("bkt").withTimeout(Duration.ofMillis(10)), "timeout");
  }

  private static void bad(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, String part) {
    assertThatThrownBy(c)
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.getMessage()).contains(part).doesNotContain("\n");
            });
  }
}
